/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ActivityTracker,
  KEPT_NOTICE,
  TIME_LIMIT_NOTICE,
  LocalSpawner,
  ServerManager,
  SqliteStore,
  checkStatus,
  createLogger,
  isAlive,
  type ILogger
} from '../src/index.js';

import { tempDir } from './helpers.js';
import { FAKE_JUPYTER, realJupyter, target } from './spawn-helpers.js';

const HUB_SECRET = 'LTILAB_TEST_HUB_SECRET';

describe('LocalSpawner and ServerManager', () => {
  const dir = tempDir();
  const reports = join(dir.path, 'reports');
  const lines: string[] = [];
  const logger: ILogger = createLogger('debug', l => lines.push(l));
  let clock = 1_800_000_000_000;
  const now = (): number => clock;
  let store: SqliteStore;
  let activity: ActivityTracker;
  let manager: ServerManager;

  const users = (name: string): void => {
    store.bindUser(
      {
        lmsKey: `moodle:${name}`,
        lmsUsername: name,
        consumerKey: 'moodle',
        candidates: [name],
        isTeacher: false
      },
      clock
    );
  };

  const makeSpawner = (extraArgs: string[] = []): LocalSpawner =>
    new LocalSpawner({
      jupyter: FAKE_JUPYTER,
      homeRoot: join(dir.path, 'home'),
      dataDir: join(dir.path, 'data'),
      env: { FAKE_JUPYTER_REPORT: reports },
      extraArgs,
      stopTimeoutMs: 3000,
      logger
    });

  before(() => {
    mkdirSync(reports);
    process.env[HUB_SECRET] = 'must-not-leak';
    store = new SqliteStore(join(dir.path, 'data'));
    activity = new ActivityTracker(store, now);
    manager = new ServerManager({
      store,
      spawner: makeSpawner(),
      activity,
      logger,
      reuseActiveSeconds: 60,
      now
    });
    for (const u of ['alice', 'bob', 'carol', 'dave']) {
      users(u);
    }
  });

  after(async () => {
    delete process.env[HUB_SECRET];
    await manager.stopAll();
    activity.dispose();
    store.close();
    dir.remove();
  });

  it('starts jupyter lab in the home layout with its token, base URL and environment', async () => {
    const t = target('alice');
    assert.equal(await manager.launch(t), 'started');
    const server = store.getServer('alice')!;
    assert.equal(server.state, 'running');
    assert.equal(server.backend, 'local');
    assert.match(server.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.token!, /^[0-9a-f]{64}$/);
    assert.ok(await checkStatus(server));
    assert.ok(!(await checkStatus({ ...server, token: 'wrong' })));

    const works = join(dir.path, 'home', 'others', 'alice', 'jupyter', 'works');
    const report = JSON.parse(
      readFileSync(join(reports, 'alice.json'), 'utf8')
    );
    assert.equal(report.cwd, works);
    assert.equal(report.pid, server.pid);
    assert.ok(report.args.includes('--ServerApp.base_url=/user/alice/'));
    assert.ok(report.args.includes(`--ServerApp.root_dir=${works}`));
    assert.ok(report.args.includes('--ContentsManager.allow_hidden=True'));
    assert.ok(report.args.includes('--ServerApp.ip=127.0.0.1'));
    const settings = report.args.find((a: string) =>
      a.startsWith('--ServerApp.tornado_settings=')
    );
    assert.deepEqual(JSON.parse(settings.split('=').slice(1).join('=')), {
      page_config_data: {
        jnotice: {
          path: '.jnotice.txt',
          stickyPath: '.jnotice.sticky.txt',
          pollMs: 60000
        },
        buildAvailable: 'false',
        buildCheck: 'false'
      }
    });
    assert.ok(!settings.includes(' '), 'no spaces (start.sh splits on them)');
    assert.ok(
      !report.args.join(' ').includes(server.token!),
      'no token in argv'
    );
    assert.equal(report.env.JUPYTER_TOKEN, server.token);
    assert.equal(report.env.NB_USER, 'alice');
    assert.equal(report.env.NB_WRKDIR, works);
    assert.equal(report.env.NB_TEACHER, '');
    assert.equal(report.env.NB_ACTLIMIT, '7200');
    assert.equal(report.env.LTI_COURSE, 'Programming I');
    assert.equal(
      report.env.NB_SUBMITS,
      '.volumes/lms_sub_homework1_57_lms.example.edu:Submit'
    );
    assert.equal(report.env.HOME, join(dir.path, 'home', 'others', 'alice'));
    assert.equal(report.env[HUB_SECRET], undefined, 'hub secrets stay out');

    // Volumes: shared directories under the data directory, links by name.
    assert.equal(
      readlinkSync(join(works, 'Submit')),
      '.volumes/lms_sub_homework1_57_lms.example.edu'
    );
    assert.equal(
      readlinkSync(
        join(works, '.volumes', 'lms_sub_homework1_57_lms.example.edu')
      ),
      join(dir.path, 'data', 'volumes', 'lms_sub_homework1_57_lms.example.edu')
    );
    assert.ok(!existsSync(join(works, 'Materials')), 'teacher-only link');
    assert.ok(existsSync(join(works, 'MyWork')), 'personal volume link');
  });

  it('reuses a server for the same spec', async () => {
    const pid = store.getServer('alice')!.pid;
    assert.equal(await manager.launch(target('alice')), 'reused');
    assert.equal(store.getServer('alice')!.pid, pid);
  });

  it('keeps an active server for another spec and leaves a notice', async () => {
    const before = store.getServer('alice')!;
    activity.touch('alice');
    clock += 30_000;
    const other = target('alice', { custom_lms_actlimit: '3600' });
    assert.notEqual(other.specHash, before.specHash);
    assert.equal(await manager.launch(other), 'kept');
    const after = store.getServer('alice')!;
    assert.equal(after.pid, before.pid);
    assert.equal(after.specHash, before.specHash);
    assert.equal(
      readFileSync(join(before.data.works as string, '.jnotice.txt'), 'utf8'),
      KEPT_NOTICE + '\n'
    );
    assert.ok(lines.some(l => l.includes('"event":"server.kept"')));
  });

  it('restarts an idle server with the new spec', async () => {
    const before = store.getServer('alice')!;
    clock += 61_000;
    const other = target('alice', { custom_lms_actlimit: '3600' });
    assert.equal(await manager.launch(other), 'restarted');
    const after = store.getServer('alice')!;
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.specHash, other.specHash);
    assert.ok(!isAlive(before.pid!), 'the old process is gone');
    assert.notEqual(after.token, before.token);
  });

  it('counts an open WebSocket as activity', async () => {
    await manager.launch(target('bob'));
    activity.sockets('bob', 1);
    clock += 3600_000;
    assert.equal(
      await manager.launch(target('bob', { custom_lms_actlimit: '3600' })),
      'kept'
    );
    activity.sockets('bob', -1);
    assert.equal(
      await manager.launch(target('bob', { custom_lms_actlimit: '3600' })),
      'kept',
      'closing the socket was activity'
    );
  });

  it('serialises concurrent launches of one user', async () => {
    const [a, b] = await Promise.all([
      manager.launch(target('carol')),
      manager.launch(target('carol'))
    ]);
    assert.deepEqual([a, b], ['started', 'reused']);
  });

  it('stops a server on request', async () => {
    const server = store.getServer('carol')!;
    assert.equal(await manager.stop('carol'), true);
    assert.equal(store.getServer('carol'), null);
    assert.ok(!isAlive(server.pid!));
    assert.equal(await manager.stop('carol'), false);
  });

  it('reports a failed start and records nothing', async () => {
    const failing = new ServerManager({
      store,
      spawner: makeSpawner(['--fake-fail']),
      activity,
      logger,
      now
    });
    await assert.rejects(
      failing.launch(target('dave')),
      /ended \(exit code 3\).*fake failure/s
    );
    assert.equal(store.getServer('dave'), null);
  });

  it('after a restart adopts live servers and cleans dead ones', async () => {
    await manager.launch(target('dave'));
    const alice = store.getServer('alice')!;
    const dave = store.getServer('dave')!;
    // dave's server dies while the hub is down.
    process.kill(dave.pid!, 'SIGKILL');
    while (isAlive(dave.pid!)) {
      await new Promise(r => setTimeout(r, 20));
    }
    // A record whose pid is alive (this process) but whose port does not
    // answer to its token: a reused pid must not be adopted or killed.
    users('erin');
    store.putServer({
      ...alice,
      userName: 'erin',
      pid: process.pid,
      token: 'f'.repeat(64)
    });
    const fresh = new ServerManager({
      store,
      spawner: makeSpawner(),
      activity,
      logger,
      now
    });
    const result = await fresh.adoptAll();
    assert.deepEqual(result.adopted.sort(), ['alice', 'bob']);
    assert.deepEqual(result.cleaned.sort(), ['dave', 'erin']);
    assert.equal(store.getServer('dave'), null);
    assert.ok(isAlive(process.pid));
    // The adopting manager can stop what it adopted.
    assert.equal(await fresh.stop('alice'), true);
    assert.ok(!isAlive(alice.pid!));
  });

  it('culls idle and dead servers', async () => {
    const culling = new ServerManager({
      store,
      spawner: makeSpawner(),
      activity,
      logger,
      cullIdleSeconds: 600,
      now
    });
    await culling.adoptAll();
    await culling.launch(target('carol'));
    clock += 601_000;
    activity.touch('carol');
    assert.deepEqual(await culling.cull(), ['bob']);
    assert.ok(store.getServer('carol'));
    await culling.stop('carol');
  });
});

describe('activity time limit', () => {
  it('leaves a notice at 90 % of lms_actlimit and stops the server at it', async () => {
    const dir = tempDir();
    let clock = 1_800_000_000_000;
    const now = (): number => clock;
    const store = new SqliteStore(dir.path);
    const activity = new ActivityTracker(store, now);
    const manager = new ServerManager({
      store,
      spawner: new LocalSpawner({
        jupyter: FAKE_JUPYTER,
        homeRoot: join(dir.path, 'home'),
        dataDir: dir.path,
        logger: createLogger('error', () => undefined)
      }),
      activity,
      logger: createLogger('error', () => undefined),
      now
    });
    try {
      store.bindUser(
        {
          lmsKey: 'moodle:frank',
          lmsUsername: 'frank',
          consumerKey: 'moodle',
          candidates: ['frank'],
          isTeacher: false
        },
        clock
      );
      await manager.launch(target('frank', { custom_lms_actlimit: '1000' }));
      const server = store.getServer('frank')!;
      const notice = join(server.data.works as string, '.jnotice.txt');
      clock += 899_000;
      assert.deepEqual(await manager.cull(), []);
      assert.ok(!existsSync(notice));
      clock += 1_000;
      assert.deepEqual(await manager.cull(), []);
      assert.equal(readFileSync(notice, 'utf8'), TIME_LIMIT_NOTICE + '\n');
      assert.equal(store.getServer('frank')!.data.limitNoticed, true);
      clock += 100_000;
      assert.deepEqual(await manager.cull(), ['frank']);
      assert.equal(store.getServer('frank'), null);
      assert.ok(!isAlive(server.pid!));
    } finally {
      await manager.stopAll();
      activity.dispose();
      store.close();
      dir.remove();
    }
  });
});

describe(
  'LocalSpawner with the real jupyter lab',
  { skip: !realJupyter() && 'no .venv jupyter' },
  () => {
    const dir = tempDir();

    after(() => dir.remove());

    it('starts, answers its status API to its token only, and stops', async () => {
      const spawner = new LocalSpawner({
        jupyter: realJupyter()!,
        homeRoot: join(dir.path, 'home'),
        dataDir: join(dir.path, 'data'),
        logger: createLogger('error', () => undefined)
      });
      const t = target('realuser');
      const started = await spawner.start(t);
      const record = {
        userName: 'realuser',
        backend: 'local',
        state: 'running' as const,
        specHash: t.specHash,
        launchId: null,
        startedAt: 0,
        lastActivityAt: 0,
        ...started
      };
      try {
        assert.equal(await spawner.status(record), 'running');
        assert.ok(!(await checkStatus({ ...record, token: 'nope' })));
        writeFileSync(join(started.data.works as string, 'x.txt'), 'x');
      } finally {
        await spawner.stop(record);
      }
      assert.ok(!isAlive(started.pid!));
      assert.equal(await spawner.status(record), 'stopped');
    });
  }
);
