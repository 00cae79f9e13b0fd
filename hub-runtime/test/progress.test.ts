/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The start progress page and its status endpoint, over loopback HTTP with
 * a spawner whose start the test holds and releases.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SpawnError, type ISpawnTarget } from '../src/index.js';

import { TargetServer, send, startHub, type ITestHub } from './hub-helpers.js';
import { target } from './spawn-helpers.js';

describe('start progress page', () => {
  let t: ITestHub;
  let upstream: TargetServer;

  before(async () => {
    t = await startHub();
    upstream = new TargetServer();
    t.spawner.targets.set('bob', {
      url: await upstream.listen(),
      token: upstream.token
    });
  });

  after(async () => {
    await t.close();
    await upstream.close();
  });

  it('shows live progress while the server starts, then the server itself', async () => {
    const cookie = t.signIn('bob');
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const start = t.spawner.start.bind(t.spawner);
    t.spawner.start = async (target: ISpawnTarget) => {
      target.onProgress?.({
        phase: 'creating',
        percent: 30,
        message: 'Preparing your files and container'
      });
      await gate;
      return start(target);
    };
    const launched = t.manager.launch(target('bob'));
    const page = await send(t.port, {
      path: '/user/bob/lab',
      headers: { cookie, accept: 'text/html' }
    });
    assert.equal(page.status, 200);
    assert.match(page.text, /<progress id="bar"/);
    assert.match(page.text, /Preparing your files and container/);
    assert.ok(!page.text.includes(upstream.token));
    const status = await send(t.port, {
      path: '/hub/spawn/progress/bob',
      headers: { cookie }
    });
    assert.deepEqual(JSON.parse(status.text), {
      phase: 'creating',
      percent: 30,
      message: 'Preparing your files and container',
      pending: true
    });
    // Someone else's session, or none, learns nothing.
    for (const other of [t.signIn('mallory'), '']) {
      const res = await send(t.port, {
        path: '/hub/spawn/progress/bob',
        headers: { cookie: other }
      });
      assert.equal(res.status, 403);
      const pageRes = await send(t.port, {
        path: '/user/bob/lab',
        headers: { cookie: other, accept: 'text/html' }
      });
      assert.equal(pageRes.status, 403);
    }
    release();
    assert.equal(await launched, 'started');
    const done = JSON.parse(
      (
        await send(t.port, {
          path: '/hub/spawn/progress/bob',
          headers: { cookie }
        })
      ).text
    );
    assert.equal(done.phase, 'ready');
    assert.equal(done.pending, false);
    const lab = await send(t.port, {
      path: '/user/bob/lab',
      headers: { cookie, accept: 'text/html' }
    });
    assert.equal(lab.headers['x-target'], 'yes');
  });

  it('ends a failed start in an error page with the public reason only', async () => {
    const cookie = t.signIn('carol');
    t.spawner.start = async () => {
      throw new SpawnError(
        'container abc123 on /srv/secret/path timed out',
        'Your server did not start within 60 seconds and was removed.'
      );
    };
    await assert.rejects(t.manager.launch(target('carol')));
    const page = await send(t.port, {
      path: '/user/carol/lab',
      headers: { cookie, accept: 'text/html' }
    });
    assert.equal(page.status, 503);
    assert.match(page.text, /did not start within 60 seconds and was removed/);
    assert.ok(!page.text.includes('/srv/secret/path'));
    const status = JSON.parse(
      (
        await send(t.port, {
          path: '/hub/spawn/progress/carol',
          headers: { cookie }
        })
      ).text
    );
    assert.equal(status.phase, 'failed');
    // Any other failure is told in general words.
    t.spawner.start = async () => {
      throw new Error('ENOENT /var/lib/ltilab/homes');
    };
    await assert.rejects(t.manager.launch(target('carol')));
    const general = await send(t.port, {
      path: '/user/carol/lab',
      headers: { cookie, accept: 'text/html' }
    });
    assert.match(general.text, /could not be started/);
    assert.ok(!general.text.includes('ENOENT'));
  });
});
