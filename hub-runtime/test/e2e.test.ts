/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * End to end with a real JupyterLab: an LTI launch, the local backend
 * starting `jupyter lab` from the repository's .venv, and the kernel
 * WebSocket through the proxy. Slow (a JupyterLab and a kernel start), so
 * it runs only with LTILAB_E2E=1.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { WebSocket } from 'ws';

import {
  ActivityTracker,
  HubServer,
  LocalSpawner,
  ServerManager,
  SqliteStore,
  createLogger,
  parseConfig,
  type IHubConfig
} from '../src/index.js';

import { WORKED_EXAMPLE, signLaunch, tempDir } from './helpers.js';
import { send } from './hub-helpers.js';
import { realJupyter } from './spawn-helpers.js';

const SECRET = 'e2e-consumer-secret';
const enabled = process.env.LTILAB_E2E === '1' && realJupyter() !== null;

describe(
  'end to end with a real JupyterLab',
  { skip: !enabled && 'set LTILAB_E2E=1 (needs .venv jupyter)' },
  () => {
    const dir = tempDir();
    const lines: string[] = [];
    let config: IHubConfig;
    let store: SqliteStore;
    let activity: ActivityTracker;
    let manager: ServerManager;
    let hub: HubServer;
    let port = 0;
    let origin = '';
    let cookie = '';

    before(async () => {
      config = parseConfig(
        {
          dataDir: dir.path,
          lti: { consumers: [{ key: 'moodle', secretEnv: 'SECRET' }] },
          spawn: { imageAllowlist: ['example/*:*'] }
        },
        { env: { SECRET } }
      ).config;
      store = new SqliteStore(dir.path);
      const logger = createLogger('info', l => lines.push(l));
      activity = new ActivityTracker(store);
      manager = new ServerManager({
        store,
        activity,
        logger,
        spawner: new LocalSpawner({
          jupyter: realJupyter()!,
          homeRoot: join(dir.path, 'homes'),
          dataDir: dir.path,
          logger
        })
      });
      hub = new HubServer({ config, store, logger, manager });
      port = (await hub.listen(0, '127.0.0.1')).port;
      origin = `http://127.0.0.1:${port}`;
    });

    after(async () => {
      await hub.close();
      await manager.stopAll();
      activity.dispose();
      store.close();
      dir.remove();
    });

    it('launches over LTI and serves JupyterLab through the proxy without its token', async () => {
      const params = WORKED_EXAMPLE.filter(
        ([k]) => k !== 'custom_lms_sub_homework1_close'
      );
      const res = await send(port, {
        method: 'POST',
        path: '/hub/lti/launch',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signLaunch({
          url: `${origin}/hub/lti/launch`,
          params,
          key: 'moodle',
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000),
          nonce: randomUUID()
        })
      });
      assert.equal(res.status, 302, res.text);
      assert.equal(res.headers.location, '/user/s1234567/lab');
      cookie = String(res.headers['set-cookie']).split(';')[0]!;

      // The proxy waits for the start in progress.
      const status = await send(port, {
        path: '/user/s1234567/api/status',
        headers: { cookie }
      });
      assert.equal(status.status, 200, status.text);
      assert.ok('kernels' in JSON.parse(status.text));

      const lab = await send(port, {
        path: '/user/s1234567/lab',
        headers: { cookie, 'accept-encoding': 'gzip' }
      });
      assert.equal(lab.status, 200);
      assert.match(lab.text, /"jnotice": \{"path": "\.jnotice\.txt"/);
      assert.match(lab.text, /"token": ""/);
      const token = store.getServer('s1234567')!.token!;
      assert.ok(!lab.text.includes(token), 'the token is scrubbed');
      assert.equal(
        (await send(port, { path: '/user/s1234567/api/status' })).status,
        403
      );
    });

    it('runs code on a kernel over the proxied WebSocket', async () => {
      const created = await send(port, {
        method: 'POST',
        path: '/user/s1234567/api/kernels',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: '{}'
      });
      assert.equal(created.status, 201, created.text);
      const kernel = JSON.parse(created.text).id;
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}/user/s1234567/api/kernels/${kernel}/channels`,
        { headers: { cookie, origin } }
      );
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const msgId = randomUUID();
      const output = new Promise<string>(resolve => {
        ws.on('message', data => {
          const msg = JSON.parse(String(data));
          if (
            msg.parent_header?.msg_id === msgId &&
            msg.msg_type === 'stream'
          ) {
            resolve(msg.content.text);
          }
        });
      });
      ws.send(
        JSON.stringify({
          header: {
            msg_id: msgId,
            msg_type: 'execute_request',
            username: 's1234567',
            session: randomUUID(),
            date: new Date().toISOString(),
            version: '5.3'
          },
          parent_header: {},
          metadata: {},
          content: {
            code: 'import os; print(6 * 7, os.environ["NB_USER"])',
            silent: false,
            store_history: false,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true
          },
          channel: 'shell',
          buffers: []
        })
      );
      assert.equal(await output, '42 s1234567\n');
      ws.close();
    });
  }
);
