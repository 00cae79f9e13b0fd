/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { WebSocket } from 'ws';

import { WsRouter } from '../src/index.js';

import { TargetServer, send, startHub, type ITestHub } from './hub-helpers.js';
import { target } from './spawn-helpers.js';

/**
 * Open a WebSocket through the hub; resolves with the socket, or rejects
 * with the HTTP status of a refused handshake.
 */
function openWs(
  url: string,
  headers: Record<string, string>
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`status ${res.statusCode}`));
      res.resume();
    });
    ws.once('error', reject);
  });
}

function nextMessage(
  ws: WebSocket
): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise(resolve =>
    ws.once('message', (data, binary) =>
      resolve({ data: data as Buffer, binary })
    )
  );
}

describe('proxy', () => {
  let t: ITestHub;
  const a = new TargetServer();
  const b = new TargetServer();
  let alice = '';
  let bob = '';

  before(async () => {
    t = await startHub();
    t.spawner.targets.set('alice', { url: await a.listen(), token: a.token });
    t.spawner.targets.set('bob', { url: await b.listen(), token: b.token });
    // carol's server is recorded but its port is closed.
    t.spawner.targets.set('carol', {
      url: 'http://127.0.0.1:9',
      token: 'c'.repeat(32)
    });
    alice = t.signIn('alice');
    bob = t.signIn('bob');
    t.signIn('carol');
    for (const u of ['alice', 'bob', 'carol']) {
      await t.manager.launch(target(u));
    }
  });

  after(async () => {
    await t.close();
    await a.close();
    await b.close();
  });

  it("forwards the owner's request with the token, without the session cookie", async () => {
    const payload = Buffer.alloc(256 * 1024, 7);
    const res = await send(t.port, {
      method: 'POST',
      path: '/user/alice/api/echo?x=1',
      headers: {
        cookie: `_xsrf=tok; ${alice}; other=1`,
        origin: t.origin,
        'content-type': 'application/octet-stream'
      },
      body: payload
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-target'], 'yes');
    assert.ok(res.body.equals(payload), 'bytes pass both ways');
    const seen = a.seen.at(-1)!;
    assert.equal(seen.url, '/user/alice/api/echo?x=1');
    assert.equal(seen.headers.authorization, `token ${a.token}`);
    assert.equal(seen.headers.cookie, '_xsrf=tok; other=1');
    assert.equal(seen.headers.origin, undefined);
    assert.equal(
      seen.headers.host,
      new URL(t.spawner.targets.get('alice')!.url).host
    );
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${t.port}`);
    assert.equal(b.seen.length, 0);
  });

  it('drops the cookie header when the session cookie was the only one', async () => {
    await send(t.port, {
      path: '/user/alice/api/echo',
      headers: { cookie: alice }
    });
    assert.equal(a.seen.at(-1)!.headers.cookie, undefined);
  });

  it('keeps upstream connections alive', async () => {
    for (let i = 0; i < 2; i++) {
      await send(t.port, {
        path: '/user/bob/api/echo',
        headers: { cookie: bob }
      });
    }
    const [x, y] = b.seen.slice(-2);
    assert.equal(x!.remotePort, y!.remotePort);
  });

  it('sends a body-less request again when a kept-alive connection was dropped', async () => {
    // A server that drops every connection on its second request.
    const counts = new WeakMap<object, number>();
    let posts = 0;
    const flaky = createServer((req, res) => {
      posts += req.method === 'POST' ? 1 : 0;
      const n = (counts.get(req.socket) ?? 0) + 1;
      counts.set(req.socket, n);
      if (n > 1) {
        req.socket.destroy();
        return;
      }
      res.end('fine');
    });
    await new Promise<void>(r => flaky.listen(0, '127.0.0.1', r));
    try {
      const { port } = flaky.address() as AddressInfo;
      t.spawner.targets.set('erin', {
        url: `http://127.0.0.1:${port}`,
        token: 'e'.repeat(32)
      });
      const erin = t.signIn('erin');
      await t.manager.launch(target('erin'));
      for (let i = 0; i < 3; i++) {
        const res = await send(t.port, {
          path: '/user/erin/api/x',
          headers: { cookie: erin }
        });
        assert.equal(res.status, 200, `request ${i}`);
        assert.equal(res.text, 'fine');
      }
      assert.ok(t.lines.some(l => l.includes('"event":"proxy.retry"')));
      // A request with a body is never sent twice.
      const post = await send(t.port, {
        method: 'POST',
        path: '/user/erin/api/x',
        headers: { cookie: erin, origin: t.origin },
        body: 'once'
      });
      assert.equal(post.status, 503);
      assert.equal(posts, 1);
    } finally {
      flaky.closeAllConnections();
      await new Promise(r => flaky.close(r));
    }
  });

  it("refuses A's cookie on B's path, no cookie and a forged cookie", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ cookie: alice }, 'wrong_user'],
      [{}, 'no_session'],
      [
        { cookie: bob.replace(/.$/, c => (c === 'A' ? 'B' : 'A')) },
        'no_session'
      ]
    ];
    const before = b.seen.length;
    for (const [headers, reason] of cases) {
      const res = await send(t.port, { path: '/user/bob/api/echo', headers });
      assert.equal(res.status, 403, reason);
      assert.match(res.text, new RegExp(`<code>${reason}</code>`));
    }
    assert.equal(b.seen.length, before, 'nothing reached B');
  });

  it('refuses an unsafe request from another origin', async () => {
    const res = await send(t.port, {
      method: 'POST',
      path: '/user/alice/api/echo',
      headers: { cookie: alice, origin: 'https://evil.example' }
    });
    assert.equal(res.status, 403);
    assert.match(res.text, /bad_origin/);
  });

  it('scrubs the server token out of HTML', async () => {
    const res = await send(t.port, {
      path: '/user/alice/page',
      headers: { cookie: alice }
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.text,
      '<script id="jupyter-config-data">{"token": ""}</script>'
    );
    assert.equal(Number(res.headers['content-length']), res.body.length);
    assert.deepEqual(res.headers['set-cookie'], ['_xsrf=abc; Path=/']);
  });

  it('redirects /user/<name> to /user/<name>/', async () => {
    const res = await send(t.port, {
      path: '/user/alice?x=1',
      headers: { cookie: alice }
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/user/alice/?x=1');
  });

  it('answers 503 with a retrying page when the server is down', async () => {
    const carol = t.signIn('carol');
    const res = await send(t.port, {
      path: '/user/carol/lab',
      headers: { cookie: carol }
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.match(res.text, /<meta http-equiv="refresh" content="5">/);
    assert.match(res.text, /backend_down/);
  });

  it('answers 503 without a server, 404 elsewhere, and health', async () => {
    const dave = t.signIn('dave');
    const none = await send(t.port, {
      path: '/user/dave/lab',
      headers: { cookie: dave }
    });
    assert.equal(none.status, 503);
    assert.match(none.text, /no_server/);
    const missing = await send(t.port, { path: '/elsewhere' });
    assert.equal(missing.status, 404);
    assert.match(missing.text, /not_found/);
    const health = await send(t.port, { path: '/hub/health' });
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.text), { status: 'ok' });
  });

  it('answers 503 start_failed after a failed start', async () => {
    const gina = t.signIn('gina');
    await assert.rejects(t.manager.launch(target('gina')), /no target/);
    const res = await send(t.port, {
      path: '/user/gina/lab',
      headers: { cookie: gina }
    });
    assert.equal(res.status, 503);
    assert.match(res.text, /start_failed/);
    assert.ok(!res.text.includes('no target'), 'no internals on the page');
  });

  it('tracks activity per user', async () => {
    t.activity.flush();
    t.store.putServer({ ...t.store.getServer('bob')!, lastActivityAt: 1 });
    assert.equal(t.activity.lastActivity('bob'), 1);
    const start = Date.now();
    await send(t.port, {
      path: '/user/bob/api/echo',
      headers: { cookie: bob }
    });
    assert.ok(t.activity.lastActivity('bob')! >= start);
    t.activity.flush();
    assert.ok(t.store.getServer('bob')!.lastActivityAt >= start);
  });

  it('passes WebSocket frames both ways for the owner with the hub origin', async () => {
    const ws = await openWs(
      `ws://127.0.0.1:${t.port}/user/alice/api/kernels/k1/channels`,
      {
        cookie: `${alice}; _xsrf=tok`,
        origin: t.origin
      }
    );
    const seen = a.wsSeen.at(-1)!;
    assert.equal(seen.authorization, `token ${a.token}`);
    assert.equal(seen.cookie, '_xsrf=tok');
    assert.equal(seen.origin, undefined);
    assert.ok(t.activity.isActive('alice', 0), 'an open socket is activity');
    ws.send('hello');
    assert.deepEqual(await nextMessage(ws), {
      data: Buffer.from('hello'),
      binary: false
    });
    const blob = Buffer.alloc(70_000, 3);
    ws.send(blob);
    const echoed = await nextMessage(ws);
    assert.ok(echoed.binary);
    assert.ok(echoed.data.equals(blob));
    await new Promise(r => {
      ws.once('close', r);
      ws.close();
    });
  });

  it("refuses A's cookie on B's WebSocket, no cookie, and a foreign or missing Origin", async () => {
    const url = `ws://127.0.0.1:${t.port}/user/bob/api/kernels/k1/channels`;
    const before = b.wsSeen.length;
    const cases: [Record<string, string>, string][] = [
      [{ cookie: alice, origin: t.origin }, 'wrong user'],
      [{ origin: t.origin }, 'no cookie'],
      [{ cookie: bob, origin: 'https://evil.example' }, 'foreign origin'],
      [{ cookie: bob }, 'no origin']
    ];
    for (const [headers, what] of cases) {
      await assert.rejects(openWs(url, headers), /status 403/, what);
    }
    assert.equal(b.wsSeen.length, before, 'nothing reached B');
    const refused = t.lines.filter(l => l.includes('"event":"ws.refused"'));
    assert.ok(refused.length >= 4);
  });

  it('records WebSocket traffic as activity', async () => {
    const sample = WsRouter.ACTIVITY_SAMPLE_MS;
    WsRouter.ACTIVITY_SAMPLE_MS = 20;
    const ws = await openWs(
      `ws://127.0.0.1:${t.port}/user/alice/api/kernels/k3/channels`,
      { cookie: alice, origin: t.origin }
    );
    try {
      await new Promise(r => setTimeout(r, 60));
      const before = Date.now();
      assert.ok(t.activity.lastActivity('alice')! < before);
      ws.send('busy');
      await nextMessage(ws);
      // Wait for the next sample (a state, not a duration).
      for (let i = 0; i < 100; i++) {
        if (t.activity.lastActivity('alice')! >= before) {
          break;
        }
        await new Promise(r => setTimeout(r, 20));
      }
      assert.ok(t.activity.lastActivity('alice')! >= before);
    } finally {
      WsRouter.ACTIVITY_SAMPLE_MS = sample;
      await new Promise(r => {
        ws.once('close', r);
        ws.close();
      });
    }
  });

  it('closes proxied WebSockets when the hub closes them', async () => {
    const ws = await openWs(
      `ws://127.0.0.1:${t.port}/user/bob/api/kernels/k2/channels`,
      {
        cookie: bob,
        origin: t.origin
      }
    );
    assert.equal(t.hub.ws!.size, 1);
    const closed = new Promise(r => ws.once('close', r));
    t.hub.ws!.closeAll();
    await closed;
    assert.equal(t.hub.ws!.size, 0);
  });
});
