/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The progress endpoint's long poll (`?wait=1`): it answers when the start
 * ends, so the waiting page opens JupyterLab at once, over loopback HTTP.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { ISpawnTarget } from '../src/index.js';

import { TargetServer, send, startHub, type ITestHub } from './hub-helpers.js';
import { target } from './spawn-helpers.js';

describe('progress long poll', () => {
  let t: ITestHub;
  let upstream: TargetServer;

  before(async () => {
    t = await startHub();
    upstream = new TargetServer();
    t.spawner.targets.set('carol', {
      url: await upstream.listen(),
      token: upstream.token
    });
  });

  after(async () => {
    await t.close();
    await upstream.close();
  });

  it('holds the answer while the start runs and answers when it is ready', async () => {
    const cookie = t.signIn('carol');
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const start = t.spawner.start.bind(t.spawner);
    t.spawner.start = async (target: ISpawnTarget) => {
      await gate;
      return start(target);
    };
    const launched = t.manager.launch(target('carol'));
    let answered = false;
    const waiting = send(t.port, {
      path: '/hub/spawn/progress/carol?wait=1',
      headers: { cookie }
    }).then(r => {
      answered = true;
      return r;
    });
    // A plain request answers at once, and the held one has not.
    const now = await send(t.port, {
      path: '/hub/spawn/progress/carol',
      headers: { cookie }
    });
    assert.equal(JSON.parse(now.text).pending, true);
    assert.equal(answered, false);
    release();
    const res = await waiting;
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.equal(body.phase, 'ready');
    assert.equal(body.pending, false);
    assert.equal(await launched, 'started');
    // The page asks with ?wait=1.
    assert.match(
      (await import('../src/index.js')).progressPage('carol', ''),
      /\?wait=1/
    );
  });

  it('refuses another user even with ?wait=1', async () => {
    const res = await send(t.port, {
      path: '/hub/spawn/progress/carol?wait=1',
      headers: { cookie: t.signIn('mallory') }
    });
    assert.equal(res.status, 403);
  });
});
