/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Launches over loopback HTTP into a hub with the local backend (the fake
 * `jupyter`, which reports its environment): the UID each LMS user gets,
 * and the start queue's place in line and wait timeout as the student's
 * browser sees them.
 */

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ActivityTracker,
  HubServer,
  ServerManager,
  SqliteStore,
  UID_SPAN,
  createLogger,
  parseConfig,
  type Param
} from '../src/index.js';
import { createSpawner } from '../src/cli.js';

import { WORKED_EXAMPLE, signLaunch, tempDir } from './helpers.js';
import { send } from './hub-helpers.js';
import { FAKE_JUPYTER } from './spawn-helpers.js';

const SECRETS = {
  SECRET_A: 'consumer-a-secret',
  SECRET_B: 'consumer-b-secret'
};

/**
 * A hub on a loopback port with the local backend, from a configuration.
 */
class LocalHub {
  constructor(readonly spawner: Record<string, unknown>) {}

  readonly dir = tempDir();
  readonly reports = join(this.dir.path, 'reports');
  readonly lines: string[] = [];
  store!: SqliteStore;
  manager!: ServerManager;
  port = 0;
  private _hub!: HubServer;
  private _activity!: ActivityTracker;

  async start(): Promise<void> {
    mkdirSync(this.reports, { recursive: true });
    const config = parseConfig(
      {
        dataDir: join(this.dir.path, 'data'),
        lti: {
          consumers: [
            { key: 'moodle-a', secretEnv: 'SECRET_A' },
            { key: 'moodle-b', secretEnv: 'SECRET_B' }
          ]
        },
        spawn: { imageAllowlist: ['example/*:*'] },
        spawner: {
          jupyter: FAKE_JUPYTER,
          homeRoot: join(this.dir.path, 'home'),
          env: { FAKE_JUPYTER_REPORT: this.reports },
          ...this.spawner
        }
      },
      { env: SECRETS }
    ).config;
    const logger = createLogger('debug', l => this.lines.push(l));
    this.store = new SqliteStore(config.dataDir);
    this._activity = new ActivityTracker(this.store);
    this.manager = new ServerManager({
      store: this.store,
      activity: this._activity,
      logger,
      spawner: createSpawner(config, logger)
    });
    this._hub = new HubServer({
      config,
      store: this.store,
      logger,
      manager: this.manager
    });
    this.port = (await this._hub.listen(0, '127.0.0.1')).port;
  }

  async stop(): Promise<void> {
    await this._hub.close();
    await this.manager.settle();
    await this.manager.stopAll();
    this._activity.dispose();
    this.store.close();
  }

  /**
   * An LTI launch; returns the session cookie.
   */
  async launch(
    name: string,
    userId: string,
    consumer: 'moodle-a' | 'moodle-b' = 'moodle-a'
  ): Promise<string> {
    const own: Param[] = [
      ['user_id', userId],
      ['ext_user_username', name]
    ];
    const res = await send(this.port, {
      method: 'POST',
      path: '/hub/lti/launch',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: signLaunch({
        url: `http://127.0.0.1:${this.port}/hub/lti/launch`,
        params: [
          ...WORKED_EXAMPLE.filter(
            ([k]) => k !== 'user_id' && k !== 'ext_user_username'
          ),
          ...own
        ],
        key: consumer,
        secret: consumer === 'moodle-a' ? SECRETS.SECRET_A : SECRETS.SECRET_B,
        timestamp: Math.floor(Date.now() / 1000),
        nonce: randomUUID()
      })
    });
    assert.equal(res.status, 302, res.text);
    return String(res.headers['set-cookie']).split(';')[0]!;
  }

  /**
   * The environment the user's fake Jupyter server was started with.
   */
  serverEnv(name: string): Record<string, string> {
    return JSON.parse(readFileSync(join(this.reports, `${name}.json`), 'utf8'))
      .env;
  }
}

describe('UIDs of launching users', () => {
  const UID_BASE = 40000;
  const t = new LocalHub({ container: { uidBase: UID_BASE } });
  // [hub name, LMS user_id, consumer]
  const users: [string, string, 'moodle-a' | 'moodle-b'][] = [
    ['u5a', '5', 'moodle-a'],
    ['u5b', '5', 'moodle-b'],
    ['abc', 'abc', 'moodle-a'],
    ['huge', '99999999999', 'moodle-a'],
    ['zero7', '007', 'moodle-a'],
    ['big9', '999999999', 'moodle-a']
  ];
  const uids = new Map<string, number>();

  before(() => t.start());
  after(async () => {
    await t.stop();
    t.dir.remove();
  });

  it('gives every LMS user their own UID, the predecessor’s where it can', async () => {
    for (const [name, id, consumer] of users) {
      await t.launch(name, id, consumer);
      assert.ok(await t.manager.route(name), `${name} started`);
      const env = t.serverEnv(name);
      assert.equal(env.NB_USER, name);
      uids.set(name, Number(env.NB_UID));
    }
    const ordered = UID_BASE + UID_SPAN;
    assert.deepEqual(Object.fromEntries(uids), {
      // user_id 5 of the first consumer: uidBase + 5.
      u5a: UID_BASE + 5,
      // Another consumer's user 5, and ids that are not small numbers,
      // get UIDs in order above every uidBase + user_id.
      u5b: ordered,
      abc: ordered + 1,
      huge: ordered + 2,
      zero7: ordered + 3,
      big9: UID_BASE + 999_999_999
    });
    for (const uid of uids.values()) {
      assert.ok(uid > 0 && uid < 2 ** 31 - 1, String(uid));
    }
  });

  it('keeps each UID across relaunches, a hub restart and a deleted user', async () => {
    await t.stop();
    await t.start();
    assert.ok(t.store.deleteUser('abc'));
    // A newcomer after the deletion gets a new UID, never abc's.
    await t.launch('newbie', 'new-user', 'moodle-b');
    assert.ok(await t.manager.route('newbie'));
    assert.equal(Number(t.serverEnv('newbie').NB_UID), UID_BASE + UID_SPAN + 4);
    for (const name of ['abc', 'u5b']) {
      await t.manager.stop(name).catch(() => false);
      const [, id, consumer] = users.find(([n]) => n === name)!;
      await t.launch(name, id, consumer);
      assert.ok(await t.manager.route(name), `${name} started again`);
      assert.equal(Number(t.serverEnv(name).NB_UID), uids.get(name), name);
    }
  });
});

describe('start queue as the student sees it', () => {
  // The fake `jupyter` that never answers for `hog` until the gate file
  // exists: it holds the only start slot while the others queue.
  const t = new LocalHub({});
  const gate = join(t.dir.path, 'gate');
  const jupyter = join(t.dir.path, 'jupyter');
  writeFileSync(
    jupyter,
    [
      '#!/bin/sh',
      'if [ "$NB_USER" = hog ]; then',
      `  while [ ! -e '${gate}' ]; do sleep 0.05; done`,
      '  exit 1',
      'fi',
      `exec '${FAKE_JUPYTER}' "$@"`,
      ''
    ].join('\n')
  );
  chmodSync(jupyter, 0o755);
  Object.assign(t.spawner, {
    jupyter,
    spawnConcurrency: 1,
    queueTimeout: 1,
    startTimeout: 60
  });

  before(() => t.start());
  after(async () => {
    writeFileSync(gate, '');
    await t.stop();
    t.dir.remove();
  });

  it('shows the place in line, then ends a long wait in an error page', async () => {
    await t.launch('hog', '901');
    // The hog holds the slot (its start has begun) before the others queue.
    // (10 %: the spawner's own `starting`, reported once it has the slot.)
    for (let i = 0; t.manager.progress('hog')?.percent !== 10; i++) {
      assert.ok(i < 200, 'hog never started');
      await new Promise(r => setTimeout(r, 10));
    }
    const first = await t.launch('first', '902');
    const second = await t.launch('second', '903');
    const status = async (name: string, cookie: string) =>
      JSON.parse(
        (
          await send(t.port, {
            path: `/hub/spawn/progress/${name}`,
            headers: { cookie }
          })
        ).text
      );
    for (let i = 0; (await status('second', second)).phase !== 'queued'; i++) {
      assert.ok(i < 200, 'second never queued');
      await new Promise(r => setTimeout(r, 10));
    }
    assert.deepEqual(await status('second', second), {
      phase: 'queued',
      percent: 2,
      message:
        'Waiting for a free place to start your server: you are number 2 in line',
      pending: true,
      position: 2
    });
    assert.equal((await status('first', first)).position, 1);
    // The place in line is the owner's only.
    const foreign = await send(t.port, {
      path: '/hub/spawn/progress/second',
      headers: { cookie: first }
    });
    assert.equal(foreign.status, 403);
    const page = await send(t.port, {
      path: '/user/second/lab',
      headers: { cookie: second, accept: 'text/html' }
    });
    assert.equal(page.status, 200);
    assert.match(page.text, /you are number 2 in line/);

    // queueTimeout (1 s) passes while the hog still holds the slot.
    assert.equal(await t.manager.route('first'), null);
    assert.equal(await t.manager.route('second'), null);
    assert.equal(t.manager.isPending('hog'), true);
    for (const [name, cookie] of [
      ['first', first],
      ['second', second]
    ] as const) {
      const failed = await send(t.port, {
        path: `/user/${name}/lab`,
        headers: { cookie, accept: 'text/html' }
      });
      assert.equal(failed.status, 503, name);
      assert.match(
        failed.text,
        /Too many servers were starting: yours waited 1 seconds in line and was not started/
      );
      const s = await status(name, cookie);
      assert.equal(s.phase, 'failed');
      assert.equal(s.position, undefined);
    }

    // The hog's start ends; the slot is free again and a relaunch starts.
    writeFileSync(gate, '');
    assert.equal(await t.manager.route('hog'), null);
    await t.launch('first', '902');
    assert.ok(await t.manager.route('first'), 'first started after all');
  });
});
