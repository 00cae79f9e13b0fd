/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TargetServer, send, startHub, type ITestHub } from './hub-helpers.js';
import { target } from './spawn-helpers.js';

const TOKEN = 'admin-token-for-tests-0123456789';

describe('admin REST API', () => {
  let t: ITestHub;
  const a = new TargetServer();
  let alice = '';
  const auth = { authorization: `token ${TOKEN}` };

  before(async () => {
    t = await startHub({ apiTokens: new Map([['lticontainer', TOKEN]]) });
    t.spawner.targets.set('alice', { url: await a.listen(), token: a.token });
    alice = t.signIn('alice');
    t.signIn('bob');
    await t.manager.launch(target('alice'));
  });

  after(async () => {
    await t.close();
    await a.close();
  });

  it('refuses calls without a valid token, with JSON', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'token wrong' },
      { authorization: TOKEN },
      { cookie: alice }
    ]) {
      const res = await send(t.port, { path: '/hub/api/users', headers });
      assert.equal(res.status, 403);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(res.text), {
        status: 403,
        message: 'Missing or invalid credentials.'
      });
    }
  });

  it('lists users as JupyterHub user models', async () => {
    const res = await send(t.port, {
      path: '/hub/api/users',
      headers: { authorization: `Bearer ${TOKEN}` }
    });
    assert.equal(res.status, 200);
    const users = JSON.parse(res.text);
    assert.deepEqual(
      users.map((u: { name: string }) => u.name),
      ['alice', 'bob']
    );
    const [am, bm] = users;
    assert.equal(am.kind, 'user');
    assert.equal(am.server, '/user/alice/');
    assert.equal(am.pending, null);
    assert.equal(am.servers[''].ready, true);
    assert.equal(am.servers[''].url, '/user/alice/');
    assert.match(am.last_activity, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(am.servers[''].started, /Z$/);
    assert.equal(bm.server, null);
    assert.deepEqual(bm.servers, {});
    assert.ok(!res.text.includes(a.token), 'no server token');
  });

  it('stops a server: 204, then 400 when not running, 404 for nobody', async () => {
    const path = '/hub/api/users/alice/server';
    const res = await send(t.port, { method: 'DELETE', path, headers: auth });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.deepEqual(t.spawner.stopped, ['alice']);
    assert.equal(t.store.getServer('alice'), null);
    const again = await send(t.port, { method: 'DELETE', path, headers: auth });
    assert.equal(again.status, 400);
    assert.equal(JSON.parse(again.text).status, 400);
    const nobody = await send(t.port, {
      method: 'DELETE',
      path: '/hub/api/users/nobody/server',
      headers: auth
    });
    assert.equal(nobody.status, 404);
    // The user keeps their session; their server is just gone.
    const page = await send(t.port, {
      path: '/user/alice/lab',
      headers: { cookie: alice }
    });
    assert.equal(page.status, 503);
  });

  it('deletes a user with their server and sessions', async () => {
    await t.manager.launch(target('alice'));
    const res = await send(t.port, {
      method: 'DELETE',
      path: '/hub/api/users/alice',
      headers: auth
    });
    assert.equal(res.status, 204);
    assert.equal(t.store.getUser('alice'), null);
    assert.equal(t.store.getServer('alice'), null);
    assert.deepEqual(t.spawner.stopped, ['alice', 'alice']);
    const page = await send(t.port, {
      path: '/user/alice/lab',
      headers: { cookie: alice }
    });
    assert.equal(page.status, 403, 'the session is gone');
    const again = await send(t.port, {
      method: 'DELETE',
      path: '/hub/api/users/alice',
      headers: auth
    });
    assert.equal(again.status, 404);
  });

  it('answers 405 and 404 for other calls', async () => {
    const post = await send(t.port, {
      method: 'POST',
      path: '/hub/api/users',
      headers: auth
    });
    assert.equal(post.status, 405);
    const other = await send(t.port, {
      path: '/hub/api/groups',
      headers: auth
    });
    assert.equal(other.status, 404);
    const logged = t.lines
      .map(l => JSON.parse(l))
      .filter(l => l.event === 'api.call' || l.event === 'api.refused');
    assert.ok(logged.length > 0);
    assert.ok(!t.lines.join('').includes(TOKEN), 'no token in logs');
  });
});
