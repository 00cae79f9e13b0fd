/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import {
  connect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket
} from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { TargetServer, startHub, type ITestHub } from './hub-helpers.js';
import { target } from './spawn-helpers.js';

/**
 * Write raw bytes to the hub (pieces apart by a few ms) and read until the
 * hub closes the connection.
 */
function raw(
  port: number,
  pieces: (string | Buffer)[],
  options: { pauseMs?: number } = {}
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', c => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`timeout; got ${Buffer.concat(chunks).toString()}`));
    });
    void (async () => {
      if (options.pauseMs) {
        socket.pause();
        setTimeout(() => socket.resume(), options.pauseMs);
      }
      for (const [i, p] of pieces.entries()) {
        if (i) {
          await new Promise(r => setTimeout(r, 5));
        }
        socket.write(p);
      }
    })();
  });
}

/**
 * The status codes of the responses in a raw answer, in order.
 */
function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(m => Number(m[1]));
}

function get(path: string, cookie: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: hub\r\nCookie: ${cookie}\r\n${extra}\r\n`;
}

/**
 * A user server speaking raw HTTP/1.1, for the framings Node's server
 * would not produce: a head per path, then the raw body.
 */
class RawTarget {
  readonly requests: string[] = [];
  readonly server: Server = createServer(socket => {
    let buf = '';
    socket.on('data', d => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        return;
      }
      const head = buf.slice(0, end);
      buf = buf.slice(end + 4);
      this.requests.push(head);
      this._answer(head.split(' ')[1]!, socket);
    });
    socket.on('error', () => undefined);
  });

  private _answer(path: string, socket: Socket): void {
    const name = path.split('/').pop();
    switch (name) {
      case 'close-delimited':
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end'
        );
        break;
      case 'smuggle':
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
        );
        break;
      case 'hints':
        socket.write(
          'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' +
            'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
        );
        break;
      case 'no-content':
        socket.write('HTTP/1.1 204 No Content\r\nX-N: 1\r\n\r\n');
        break;
      case 'html':
        // The token, gzipped and split over chunks.
        {
          const z = gzipSync(`<p>token=${this.token}</p>`);
          const a = z.subarray(0, 7);
          const b = z.subarray(7);
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n' +
              'Transfer-Encoding: chunked\r\n\r\n'
          );
          socket.write(
            Buffer.concat([
              Buffer.from(`${a.length.toString(16)}\r\n`),
              a,
              Buffer.from(`\r\n${b.length.toString(16)}\r\n`),
              b,
              Buffer.from('\r\n0\r\n\r\n')
            ])
          );
        }
        break;
      default:
        socket.write(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, X-Secret\r\n' +
            'X-Secret: hop\r\nKeep-Alive: timeout=5\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'
        );
    }
  }

  readonly token = 'f'.repeat(32);

  async listen(): Promise<string> {
    await new Promise<void>(r => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise(r => this.server.close(() => r()));
  }
}

describe('the fast proxy path over raw sockets', () => {
  let t: ITestHub;
  const a = new TargetServer();
  const b = new TargetServer();
  const f = new RawTarget();
  let alice = '';
  let bob = '';
  let frank = '';

  before(async () => {
    t = await startHub();
    t.spawner.targets.set('alice', { url: await a.listen(), token: a.token });
    t.spawner.targets.set('bob', { url: await b.listen(), token: b.token });
    t.spawner.targets.set('frank', { url: await f.listen(), token: f.token });
    alice = t.signIn('alice');
    bob = t.signIn('bob');
    frank = t.signIn('frank');
    for (const u of ['alice', 'bob', 'frank']) {
      await t.manager.launch(target(u));
    }
  });

  after(async () => {
    await t.close();
    await a.close();
    await b.close();
    await f.close();
  });

  it('authenticates every request on a kept-alive connection', async () => {
    const before = b.seen.length;
    const { fast, handedOff } = t.hub.front.stats;
    const text = (
      await raw(t.port, [
        get('/user/alice/api/echo', alice),
        get('/user/bob/api/echo', alice),
        get('/user/alice/api/echo', 'other=1', 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(text), [200, 403, 403]);
    assert.match(text, /wrong_user/);
    assert.match(text, /no_session/);
    assert.equal(b.seen.length, before, 'nothing reached B');
    assert.deepEqual(t.hub.front.stats, {
      fast: fast + 1,
      handedOff: handedOff + 1
    });
  });

  it('answers pipelined requests in order, bodies intact', async () => {
    const n = a.seen.length;
    const fast = t.hub.front.stats.fast;
    const post = (body: string, last = false): string =>
      `POST /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\n` +
      `Content-Length: ${body.length}\r\n${last ? 'Connection: close\r\n' : ''}\r\n${body}`;
    const text = (
      await raw(t.port, [post('first') + post('second') + post('third', true)])
    ).toString();
    assert.deepEqual(statuses(text), [200, 200, 200]);
    assert.ok(
      text.indexOf('first') < text.indexOf('second') &&
        text.indexOf('second') < text.indexOf('third')
    );
    assert.deepEqual(
      a.seen.slice(n).map(s => s.body.toString()),
      ['first', 'second', 'third']
    );
    assert.ok(
      a.seen.slice(n).every(s => s.headers.authorization === `token ${a.token}`)
    );
    assert.equal(t.hub.front.stats.fast, fast + 3, 'on the fast path');
  });

  it('forwards a body that arrives in pieces', async () => {
    const text = (
      await raw(t.port, [
        `PUT /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhel`,
        'lo ',
        'world!'
      ])
    ).toString();
    assert.deepEqual(statuses(text), [200]);
    assert.ok(text.endsWith('\r\n\r\nhello world!'));
  });

  it('hands request smuggling and malformed heads to the strict parser', async () => {
    const n = a.seen.length;
    const cases: [string, number][] = [
      [
        `POST /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\n` +
          'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /user/bob/ HTTP/1.1\r\nHost: hub\r\n\r\n',
        400
      ],
      [
        `POST /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\nContent-Length: 1, 2\r\n\r\nab`,
        400
      ],
      [
        `GET /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\nX-A: 1\r\n folded\r\n\r\n`,
        400
      ],
      [
        `GET /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431
      ],
      // Node's server closes a CONNECT nobody handles.
      [
        `CONNECT /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\n\r\n`,
        0
      ]
    ];
    for (const [request, status] of cases) {
      const text = (await raw(t.port, [request])).toString();
      assert.deepEqual(
        statuses(text),
        status ? [status] : [],
        request.slice(0, 60)
      );
    }
    assert.equal(a.seen.length, n, 'nothing reached the server');
  });

  it('passes chunked bodies through and drops hop-by-hop headers', async () => {
    const { fast, handedOff } = t.hub.front.stats;
    const text = (
      await raw(t.port, [
        get('/user/frank/plain', frank) +
          get('/user/frank/plain', frank, 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(text), [200, 200]);
    assert.equal(text.split('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n').length, 3);
    assert.doesNotMatch(text, /x-secret|keep-alive/i);
    const seen = f.requests.at(-1)!;
    assert.match(seen, new RegExp(`\r\nAuthorization: token ${f.token}`));
    assert.doesNotMatch(seen, /ltilab-session/);
    assert.deepEqual(t.hub.front.stats, { fast: fast + 2, handedOff });
  });

  it('frames close-delimited, no-content and interim responses', async () => {
    const closed = (
      await raw(t.port, [get('/user/frank/close-delimited', frank)])
    ).toString();
    assert.deepEqual(statuses(closed), [200]);
    assert.match(closed, /\r\nConnection: close\r\n/);
    assert.ok(closed.endsWith('\r\n\r\nuntil the end'));
    const text = (
      await raw(t.port, [
        get('/user/frank/no-content', frank) +
          get('/user/frank/hints', frank, 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(text), [204, 200], 'the 103 is not passed on');
    assert.ok(text.endsWith('\r\n\r\nok'));
  });

  it('closes the connection when a server answers before the whole body', async () => {
    const early = (
      await raw(t.port, [
        `POST /user/frank/plain HTTP/1.1\r\nHost: hub\r\nCookie: ${frank}\r\n` +
          'Content-Length: 100\r\n\r\nabc'
      ])
    ).toString();
    assert.deepEqual(statuses(early), [200]);
    assert.match(early, /\r\nConnection: close\r\n/);
  });

  it('answers 503 when a server frames a response both ways', async () => {
    const text = (
      await raw(t.port, [get('/user/frank/smuggle', frank)])
    ).toString();
    assert.deepEqual(statuses(text), [503]);
    assert.match(text, /backend_down/);
    assert.ok(
      t.lines.some(l => l.includes('"error":"invalid response head"')),
      'refused by the fast path'
    );
  });

  it('scrubs the token from gzipped, chunked HTML', async () => {
    const text = (
      await raw(t.port, [
        get('/user/frank/html', frank, 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(text), [200]);
    assert.ok(text.endsWith('\r\n\r\n<p>token=</p>'), text);
    assert.match(text, /\r\nContent-Length: 13\r\n/);
    assert.doesNotMatch(text, /gzip|chunked/i);
  });

  it('waits for a slow reader (backpressure) and loses no byte', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 9);
    const text = await raw(
      t.port,
      [
        `POST /user/alice/api/echo HTTP/1.1\r\nHost: hub\r\nCookie: ${alice}\r\n` +
          `Content-Length: ${big.length}\r\nConnection: close\r\n\r\n`,
        big
      ],
      { pauseMs: 300 }
    );
    const body = text.subarray(text.indexOf('\r\n\r\n') + 4);
    assert.equal(body.length, big.length);
    assert.ok(body.equals(big));
  });

  it('forgets a session the moment it is revoked', async () => {
    const carl = t.signIn('carl');
    t.spawner.targets.set('carl', {
      url: t.spawner.targets.get('bob')!.url,
      token: b.token
    });
    await t.manager.launch(target('carl'));
    const ok = (
      await raw(t.port, [
        get('/user/carl/api/echo', carl, 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(ok), [200]);
    t.store.deleteUserSessions('carl');
    const gone = (
      await raw(t.port, [
        get('/user/carl/api/echo', carl, 'Connection: close\r\n')
      ])
    ).toString();
    assert.deepEqual(statuses(gone), [403]);
  });

  it('follows a server that moved, and serves after a hand-over', async () => {
    const moved = new TargetServer();
    try {
      t.store.putServer({
        ...t.store.getServer('bob')!,
        url: await moved.listen(),
        token: moved.token
      });
      const text = (
        await raw(t.port, [
          'GET /hub/health HTTP/1.1\r\nHost: hub\r\n\r\n' +
            get('/user/bob/api/echo', bob, 'Connection: close\r\n')
        ])
      ).toString();
      assert.deepEqual(statuses(text), [200, 200]);
      assert.equal(
        moved.seen.at(-1)!.headers.authorization,
        `token ${moved.token}`
      );
    } finally {
      await moved.close();
    }
  });

  it('hands a server that is down to the full path: 503 that retries', async () => {
    const server = createHttpServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise(r => server.close(r));
    t.spawner.targets.set('dora', {
      url: `http://127.0.0.1:${port}`,
      token: 'd'.repeat(32)
    });
    const dora = t.signIn('dora');
    await t.manager.launch(target('dora'));
    const text = (
      await raw(t.port, [get('/user/dora/lab', dora, 'Connection: close\r\n')])
    ).toString();
    assert.deepEqual(statuses(text), [503]);
    assert.match(text, /Retry-After: 5/i);
    assert.match(text, /backend_down/);
  });
});

describe('closing the front', () => {
  it(
    'closes idle handed-over connections at once',
    { timeout: 10_000 },
    async () => {
      const t = await startHub();
      // Without the HTTP server's connection tracking, close() would wait
      // for this keep-alive timeout.
      t.hub.server.keepAliveTimeout = 60_000;
      const socket = connect(t.port, '127.0.0.1');
      const answered = new Promise(r => socket.once('data', r));
      const closed = new Promise(r => socket.once('close', r));
      socket.write('GET /hub/health HTTP/1.1\r\nHost: hub\r\n\r\n');
      await answered;
      assert.equal(t.hub.front.stats.handedOff, 1);
      await t.close();
      await closed;
    }
  );
});
