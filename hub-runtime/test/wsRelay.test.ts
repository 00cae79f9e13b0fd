/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import {
  connect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket
} from 'node:net';
import { after, describe, it } from 'node:test';

import { UpstreamLink } from '../src/wsRouter.js';

const UPGRADE =
  'GET /user/a/api/kernels/k/channels HTTP/1.1\r\nHost: server\r\n' +
  'Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
const SWITCHING =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n' +
  'Connection: Upgrade\r\n\r\n';

/**
 * A user server, the hub's side of a client connection relayed to it by an
 * {@link UpstreamLink}, and the client (the browser), all on loopback.
 */
interface IRelay {
  /**
   * The browser's connection.
   */
  peer: Socket;
  /**
   * The hub's socket for the browser (the one the link writes to).
   */
  front: Socket;
  /**
   * The user server's socket for the hub's connection.
   */
  server: Socket;
  link: UpstreamLink;
  /**
   * Resolves when the link reports both connections closed.
   */
  closed: Promise<void>;
}

const servers: Server[] = [];
const accepted: Socket[] = [];

after(() => {
  for (const s of accepted) {
    s.destroy();
  }
  for (const s of servers) {
    s.close();
  }
});

function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', s => accepted.push(s));
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port)
    )
  );
}

/**
 * Read from a socket until `text` has arrived; resolves with all bytes read.
 */
function readUntil(socket: Socket, text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const onData = (d: Buffer): void => {
      parts.push(d);
      const all = Buffer.concat(parts);
      if (all.includes(text)) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(all);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/**
 * Set up a relay; the user server answers the upgrade with `answer` and
 * then sends `early` right after it.
 */
async function relay(answer = SWITCHING, early = ''): Promise<IRelay> {
  let serverSide!: (s: Socket) => void;
  const serverSocket = new Promise<Socket>(r => (serverSide = r));
  const userServer = createServer({ allowHalfOpen: true }, s => {
    void readUntil(s, '\r\n\r\n').then(head => {
      assert.equal(head.toString('latin1'), UPGRADE);
      s.write(answer + early);
      serverSide(s);
    });
  });
  const serverPort = await listen(userServer);
  let frontSide!: (v: [Socket, UpstreamLink, Promise<void>]) => void;
  const frontReady = new Promise<[Socket, UpstreamLink, Promise<void>]>(
    r => (frontSide = r)
  );
  const hub = createServer({ allowHalfOpen: true }, async front => {
    const link = new UpstreamLink(front);
    const head = await link.open(
      '127.0.0.1',
      serverPort,
      Buffer.from(UPGRADE, 'latin1')
    );
    assert.equal(head.status, 101);
    let closed!: () => void;
    const done = new Promise<void>(r => (closed = r));
    link.start('HTTP/1.1 101 Switching Protocols\r\n\r\n', closed);
    frontSide([front, link, done]);
  });
  const peer = connect({ port: await listen(hub), host: '127.0.0.1' });
  const [front, link, closed] = await frontReady;
  const server = await serverSocket;
  const head = await readUntil(peer, `\r\n\r\n${early}`);
  assert.equal(
    head.toString('latin1'),
    `HTTP/1.1 101 Switching Protocols\r\n\r\n${early}`
  );
  return { peer, front, server, link, closed };
}

function closedOf(s: Socket): Promise<void> {
  return new Promise(r => (s.destroyed ? r() : s.once('close', () => r())));
}

describe('WebSocket relay', () => {
  it('relays both ways, with the bytes the server sent after its head', async () => {
    const r = await relay(SWITCHING, 'early');
    const got = readUntil(r.server, 'ping');
    r.peer.write('ping');
    assert.equal((await got).toString(), 'ping');
    const back = readUntil(r.peer, 'pong');
    r.server.write('pong');
    assert.equal((await back).toString(), 'pong');
    r.server.destroy();
    await Promise.all([closedOf(r.peer), r.closed]);
  });

  it('stops reading from the server while the client reads slowly, and loses nothing', async () => {
    const r = await relay();
    // Far more than loopback socket buffers hold, in a pattern that shows
    // any byte overwritten while it was waiting to be sent.
    const total = 24 * 1024 * 1024;
    const pattern = Buffer.alloc(64 * 1024 + 251);
    for (let i = 0; i < pattern.length; i++) {
      pattern[i] = i % 251;
    }
    let sent = 0;
    let serverBlocked = false;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(64 * 1024, total - sent);
        // Each chunk continues the pattern where the last one stopped.
        const chunk = pattern.subarray(sent % 251, (sent % 251) + n);
        sent += n;
        if (!r.server.write(chunk)) {
          serverBlocked = true;
          r.server.once('drain', pump);
          return;
        }
      }
      r.server.end();
    };
    r.peer.pause();
    pump();
    await new Promise(res => setTimeout(res, 500));
    assert.ok(serverBlocked, 'the user server was made to wait');
    assert.ok(sent < total, 'the server could not send everything yet');
    assert.ok(
      r.front.writableLength <= 64 * 1024,
      `the hub buffers at most one read (${r.front.writableLength} bytes)`
    );
    let received = 0;
    let wrong = -1;
    r.peer.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length && wrong < 0; i++) {
        if (d[i] !== (received + i) % 251) {
          wrong = received + i;
        }
      }
      received += d.length;
    });
    const ended = new Promise(res => r.peer.once('end', res));
    r.peer.resume();
    await ended;
    assert.equal(wrong, -1, `byte ${wrong} arrived intact`);
    assert.equal(received, total);
    r.peer.end();
    await r.closed;
  });

  it('passes a half-close on and keeps the other direction open', async () => {
    const r = await relay();
    const serverEnded = new Promise(res => r.server.once('end', res));
    r.peer.end('last words');
    const got = readUntil(r.server, 'last words');
    await serverEnded;
    assert.equal((await got).toString(), 'last words');
    // The server can still answer after the client's end.
    const answer = readUntil(r.peer, 'reply');
    r.server.write('reply');
    assert.equal((await answer).toString(), 'reply');
    const peerEnded = new Promise(res => r.peer.once('end', res));
    r.server.end();
    await peerEnded;
    await r.closed;
  });

  it('closes the client when the server connection breaks', async () => {
    const r = await relay();
    r.server.resetAndDestroy();
    await Promise.all([closedOf(r.peer), r.closed]);
    assert.ok(r.link.up.destroyed);
  });

  it('closes the server connection when the client breaks', async () => {
    const r = await relay();
    const serverEnded = new Promise(res => r.server.once('end', res));
    r.peer.resetAndDestroy();
    await Promise.all([serverEnded, r.closed]);
    assert.ok(r.link.up.destroyed);
    assert.ok(r.front.destroyed);
  });

  it('rejects a server that closes or answers garbage before its head', async () => {
    for (const reply of [null, 'SSH-2.0-OpenSSH\r\n\r\n']) {
      const userServer = createServer(s => {
        void readUntil(s, '\r\n\r\n').then(() =>
          reply === null ? s.destroy() : s.end(reply)
        );
      });
      const port = await listen(userServer);
      const hub = createServer();
      const hubPort = await listen(hub);
      const accepted = new Promise<Socket>(res => hub.once('connection', res));
      const peer = connect({ port: hubPort, host: '127.0.0.1' });
      const front = await accepted;
      const link = new UpstreamLink(front);
      await assert.rejects(
        link.open('127.0.0.1', port, Buffer.from(UPGRADE, 'latin1'))
      );
      assert.ok(link.up.destroyed);
      peer.destroy();
    }
  });
});
