/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The container backend against real Podman: a teacher and two students
 * launch over LTI, and what each container sees is checked from inside it
 * (exec through the Engine API) and through the hub's proxy.
 */

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type Docker from 'dockerode';

import {
  ActivityTracker,
  ContainerSpawner,
  DEFAULT_NOTICES,
  DEFAULT_SPAWN_POLICY,
  HubServer,
  KEPT_NOTICE,
  LABELS,
  ServerManager,
  SqliteStore,
  createLogger,
  execIn,
  parseConfig,
  parseSpawnRequest,
  resolveAccount,
  spawnSpecHash,
  type IHubConfig,
  type ISpawnTarget,
  type Param
} from '../src/index.js';
import { createSpawner } from '../src/cli.js';

import {
  TEST_IMAGE,
  TEST_ENV,
  podmanMissing,
  startPodman,
  testHostMounts,
  type IPodman
} from './container-helpers.js';
import {
  WORKED_EXAMPLE,
  exampleParams,
  signLaunch,
  tempDir
} from './helpers.js';
import { send } from './hub-helpers.js';

const SECRET = 'container-consumer-secret';
const HOST = 'lms.example.edu';
const TASK = `lms_vol_materials_57_${HOST}`;
const SUBMIT = `lms_sub_homework1_57_${HOST}`;
const OLD = `lms_sub_old_57_${HOST}`;
const PERSONAL = `lms_prs_materials_57_${HOST}`;
const EXTRA = `lms_vol_extra_57_${HOST}`;

const missing = podmanMissing();
if (missing) {
  // Loud on purpose: CI installs podman (scripts/setup.sh --test), so a
  // skip there is a set-up fault, not a pass.
  process.stderr.write(
    `\n${'!'.repeat(72)}\n!! CONTAINER TESTS SKIPPED: ${missing}\n${'!'.repeat(72)}\n\n`
  );
}

/**
 * The worked example's launch for one user, on the test image, with an
 * extra task volume only `s1` mounts and a submit box that closed.
 */
function launchParams(
  name: string,
  userId: string,
  extra: Param[] = []
): Param[] {
  const own: Param[] = [
    ['user_id', userId],
    ['ext_user_username', name],
    ['custom_lms_image', 'localhost/ltilab-test : 1'],
    ['custom_lms_cpulimit', '0.5'],
    ['custom_lms_memlimit', '536,870,912'],
    ['custom_lms_cpugrnt', '0.25'],
    ['custom_lms_memgrnt', '268,435,456'],
    ['custom_lms_vol_extra', 'Extra:s1'],
    ['custom_lms_sub_old', 'Old'],
    ['custom_lms_sub_old_close', String(Math.floor(Date.now() / 1000) - 60)]
  ];
  const overridden = new Set(extra.map(([k]) => k));
  const replaced = new Set([
    'custom_lms_sub_homework1_close',
    ...own.map(([k]) => k),
    ...overridden
  ]);
  return [
    ...WORKED_EXAMPLE.filter(([k]) => !replaced.has(k)),
    ...own.filter(([k]) => !overridden.has(k)),
    ...extra
  ];
}

describe(
  'container backend with real Podman',
  { skip: missing ?? false },
  () => {
    const dir = tempDir('ltilab-ctr-');
    const instance = `test-${randomBytes(4).toString('hex')}`;
    const lines: string[] = [];
    const logger = createLogger('info', l => lines.push(l));
    let podman: IPodman;
    let docker: Docker;
    let config: IHubConfig;
    let store: SqliteStore;
    let activity: ActivityTracker;
    let manager: ServerManager;
    let hub: HubServer;
    let port = 0;
    let origin = '';
    // The manager's clock runs ahead by this much, for the time limit.
    let offset = 0;
    const now = (): number => Date.now() + offset;
    const cookies = new Map<string, string>();

    async function startHub(): Promise<{ adopted: string[] }> {
      store = new SqliteStore(dir.path);
      activity = new ActivityTracker(store);
      manager = new ServerManager({
        store,
        activity,
        logger,
        spawner: createSpawner(config, logger),
        timeLimitGraceSeconds: config.spawner.timeLimitGrace,
        now
      });
      const { adopted } = await manager.adoptAll();
      hub = new HubServer({ config, store, logger, manager });
      port = (await hub.listen(0, '127.0.0.1')).port;
      origin = `http://127.0.0.1:${port}`;
      return { adopted };
    }

    async function stopHub(): Promise<void> {
      await hub.close();
      await manager.settle();
      activity.dispose();
      store.close();
    }

    async function launch(
      name: string,
      userId: string,
      extra: Param[] = []
    ): Promise<{ status: number; text: string; cookie: string }> {
      const res = await send(port, {
        method: 'POST',
        path: '/hub/lti/launch',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signLaunch({
          url: `${origin}/hub/lti/launch`,
          params: launchParams(name, userId, extra),
          key: 'moodle',
          secret: SECRET,
          timestamp: Math.floor(Date.now() / 1000),
          nonce: randomUUID()
        })
      });
      const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]!;
      if (res.status === 302) {
        cookies.set(name, cookie);
      }
      return { status: res.status, text: res.text, cookie };
    }

    /**
     * Wait until the user's server answers through the proxy.
     */
    async function ready(name: string): Promise<void> {
      const res = await send(port, {
        path: `/user/${name}/api/status`,
        headers: { cookie: cookies.get(name)! }
      });
      assert.equal(res.status, 200, `${name}: ${res.text} ${lines.slice(-5)}`);
    }

    function containerOf(name: string): Docker.Container {
      const id = store.getServer(name)?.data.containerId;
      assert.ok(typeof id === 'string', `${name} has no container`);
      return docker.getContainer(id);
    }

    /**
     * Run a shell script in the user's container as the user, in `works/`.
     */
    async function sh(
      name: string,
      script: string
    ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
      return execIn(containerOf(name), ['/bin/sh', '-c', script]);
    }

    before(async () => {
      podman = await startPodman();
      docker = podman.docker;
      config = parseConfig(
        {
          dataDir: dir.path,
          lti: { consumers: [{ key: 'moodle', secretEnv: 'SECRET' }] },
          spawn: { imageAllowlist: ['localhost/ltilab-test:*'] },
          spawner: {
            backend: 'container',
            startTimeout: 120,
            timeLimitGrace: 30,
            env: TEST_ENV,
            container: {
              host: podman.host,
              instance,
              hostMounts: testHostMounts(),
              pull: 'never',
              // Not the default, to see the setting reach the containers.
              uidBase: 40000
            }
          }
        },
        { env: { SECRET } }
      ).config;
      await startHub();
    });

    after(async () => {
      try {
        await stopHub();
      } catch {
        // already closed
      }
      if (docker) {
        const left = await docker.listContainers({
          all: true,
          filters: { label: [`${LABELS.hub}=${instance}`] }
        });
        await Promise.all(
          left.map(c => docker.getContainer(c.Id).remove({ force: true }))
        );
      }
      await podman?.stop();
      dir.remove();
    });

    it('starts the teacher, who writes the task volume through its link', async () => {
      const res = await launch('yamada', '5');
      assert.equal(res.status, 302, res.text);
      // While it starts, a browser gets the progress page, and the progress
      // endpoint answers its owner only.
      const page = await send(port, {
        path: '/user/yamada/lab',
        headers: { cookie: res.cookie, accept: 'text/html' }
      });
      assert.equal(page.status, 200);
      assert.match(page.text, /<progress/);
      const progress = await send(port, {
        path: '/hub/spawn/progress/yamada',
        headers: { cookie: res.cookie }
      });
      assert.equal(progress.status, 200);
      const p = JSON.parse(progress.text);
      assert.ok(
        ['starting', 'creating', 'waiting', 'queued', 'ready'].includes(
          p.phase
        ),
        p.phase
      );
      assert.equal(
        (await send(port, { path: '/hub/spawn/progress/yamada' })).status,
        403
      );
      await ready('yamada');
      const id = await sh('yamada', 'id -u; id -g; id -G');
      assert.equal(id.exitCode, 0, id.stderr);
      const [uid, gid, groups] = id.stdout.trim().split('\n');
      assert.equal(uid, '40005');
      assert.equal(gid, '30000');
      assert.ok(groups!.split(' ').includes('7000'), groups);
      const w = await sh(
        'yamada',
        'pwd && echo lesson-1 > Materials/lesson.txt && ls -a'
      );
      assert.equal(w.exitCode, 0, w.stderr);
      assert.match(w.stdout, /\/home\/others\/yamada\/jupyter\/works\n/);
      for (const link of ['Materials', 'MyWork', 'Submit', 'Extra', 'Old']) {
        assert.match(w.stdout, new RegExp(`^${link}$`, 'm'), link);
      }
    });

    it('starts two students with the predecessor layout, modes and links', async () => {
      const [a, b] = await Promise.all([
        launch('s1', '812'),
        launch('s2', '813', [['custom_lms_actlimit', '600']])
      ]);
      assert.equal(a.status, 302, a.text);
      assert.equal(b.status, 302, b.text);
      await Promise.all([ready('s1'), ready('s2')]);

      const s1 = await sh(
        's1',
        [
          'id -u; id -G',
          'readlink MyWork; readlink Submit; readlink Extra',
          'test -e Materials && echo has-materials',
          'test -e Old && echo has-old',
          `test -e .volumes/${OLD} && echo has-old-volume`,
          `cat .volumes/${TASK}/lesson.txt`,
          'cat MyWork/lesson.txt',
          'stat -c "%u %a" MyWork/lesson.txt',
          `stat -c "%g %a" .volumes/${SUBMIT}`,
          'grep -E "^(NoNewPrivs|CapEff)" /proc/self/status',
          'echo "$NB_USER $NB_UMASK $NB_ACTLIMIT"'
        ].join('; ')
      );
      assert.deepEqual(s1.stdout.trim().split('\n'), [
        '40812',
        '30000',
        `.volumes/${PERSONAL}`,
        `.volumes/${SUBMIT}`,
        `.volumes/${EXTRA}`,
        'lesson-1',
        'lesson-1',
        '40812 600',
        '7000 3777',
        'CapEff:\t0000000000000000',
        'NoNewPrivs:\t1',
        's1 0037 7200'
      ]);
      // The task volume is read-only for students, the personal copy is theirs.
      const ro = await sh('s1', `touch .volumes/${TASK}/x`);
      assert.notEqual(ro.exitCode, 0);
      assert.match(ro.stderr, /Read-only file system/);
      assert.equal(
        (await sh('s1', 'echo mine >> MyWork/lesson.txt')).exitCode,
        0
      );
      // s2 is not on the extra volume's own user list.
      const s2 = await sh(
        's2',
        `test -e Extra || echo no-extra; test -e .volumes/${EXTRA} || echo no-extra-volume; echo $NB_ACTLIMIT`
      );
      assert.deepEqual(s2.stdout.trim().split('\n'), [
        'no-extra',
        'no-extra-volume',
        '600'
      ]);
      // The teacher's copy of the task is untouched by the student's edit.
      assert.equal(
        (await sh('yamada', 'cat Materials/lesson.txt')).stdout,
        'lesson-1\n'
      );
    });

    it('applies the limits and the hardening (inspect)', async () => {
      const info = await containerOf('s1').inspect();
      const hc = info.HostConfig;
      assert.equal(hc.NanoCpus, 500_000_000);
      assert.equal(hc.Memory, 536_870_912);
      // The guarantees: a quarter of the default CPU weight, and a memory
      // reservation, as the engine stores them and as the kernel has them.
      assert.equal(hc.CpuShares, 256);
      assert.equal(hc.MemoryReservation, 268_435_456);
      const cg = await sh(
        's1',
        [
          'cd /sys/fs/cgroup',
          'if [ -e cpu.weight ]; then echo v2; cat cpu.weight memory.low',
          'else echo v1; cat cpu/cpu.shares memory/memory.soft_limit_in_bytes; fi'
        ].join('; ')
      );
      assert.equal(cg.exitCode, 0, cg.stderr);
      const [version, ...values] = cg.stdout.trim().split('\n');
      // cgroup v2 weight from shares: 1 + (256 - 2) * 9999 / 262142.
      assert.deepEqual(
        values,
        version === 'v2' ? ['10', '268435456'] : ['256', '268435456'],
        cg.stdout
      );
      assert.equal(hc.Privileged, false);
      // Docker keeps ["ALL"]; Podman lists every capability it dropped.
      const dropped = (hc.CapDrop ?? []).map((c: string) =>
        c.toUpperCase().replace(/^CAP_/, '')
      );
      assert.ok(
        dropped.includes('ALL') ||
          [
            'CHOWN',
            'DAC_OVERRIDE',
            'FOWNER',
            'KILL',
            'SETGID',
            'SETUID',
            'NET_RAW'
          ].every(c => dropped.includes(c)),
        String(hc.CapDrop)
      );
      assert.deepEqual(hc.CapAdd ?? [], []);
      assert.ok(
        hc.SecurityOpt?.some((o: string) => o.startsWith('no-new-privileges')),
        String(hc.SecurityOpt)
      );
      assert.equal(info.Config.User, '40812:30000');
      const labels = info.Config.Labels;
      assert.equal(labels[LABELS.user], 's1');
      assert.equal(labels[LABELS.course], '57');
      assert.equal(labels[LABELS.activity], '21');
      assert.equal(labels[LABELS.hub], instance);
      assert.equal(labels[LABELS.spec], store.getServer('s1')!.specHash);
      // The token is the hub's: the port answers nobody without it.
      const binding = info.NetworkSettings.Ports['8888/tcp']![0]!;
      assert.equal(binding.HostIp, '127.0.0.1');
      const direct = await fetch(
        `http://127.0.0.1:${binding.HostPort}/user/s1/api/contents`
      );
      assert.equal(direct.status, 403);
    });

    it('keeps submissions private: the submit API, a drop box and teacher access', async () => {
      assert.equal(
        (await sh('s1', 'echo answer-of-s1 > MyWork/answer.txt')).exitCode,
        0
      );
      const submitted = await send(port, {
        method: 'POST',
        path: `/user/s1/ltilab/submit/boxes/${encodeURIComponent(SUBMIT)}/submissions`,
        headers: {
          cookie: cookies.get('s1')!,
          'content-type': 'application/json'
        },
        body: JSON.stringify({ path: 'MyWork/answer.txt' })
      });
      assert.equal(submitted.status, 201, submitted.text);
      assert.equal(JSON.parse(submitted.text).receipt.stored, 's1_answer.txt');

      // s2 sees the name in the box but can neither read, replace nor remove it.
      const peek = await sh(
        's2',
        [
          'cat Submit/s1_answer.txt || echo cannot-read',
          'rm -f Submit/s1_answer.txt || echo cannot-remove',
          '(echo x > Submit/s1_answer.txt) 2>/dev/null || echo cannot-write',
          'echo mine > Submit/s2_note.txt && echo added'
        ].join('; ')
      );
      assert.deepEqual(peek.stdout.trim().split('\n'), [
        'cannot-read',
        'cannot-remove',
        'cannot-write',
        'added'
      ]);
      // The teacher reads it, and the teacher listing of the API has it.
      assert.equal(
        (await sh('yamada', 'cat Submit/s1_answer.txt')).stdout,
        'answer-of-s1\n'
      );
      const table = await send(port, {
        path: `/user/yamada/ltilab/submit/boxes/${encodeURIComponent(SUBMIT)}/submissions`,
        headers: { cookie: cookies.get('yamada')! }
      });
      assert.equal(table.status, 200, table.text);
      assert.match(table.text, /s1_answer\.txt/);
      // A student may not list the box.
      const denied = await send(port, {
        path: `/user/s2/ltilab/submit/boxes/${encodeURIComponent(SUBMIT)}/submissions`,
        headers: { cookie: cookies.get('s2')! }
      });
      assert.equal(denied.status, 403, denied.text);
    });

    it('warns about memory above 90 % of the limit', async () => {
      const server = store.getServer('s1')!;
      const spawner = manager.spawner as ContainerSpawner;
      const before = (await spawner.usage(server))!;
      assert.equal(before.memoryLimit, 536_870_912);
      assert.ok(before.memory > 0 && before.memory < 0.8 * before.memoryLimit);
      const grow = Math.floor(0.95 * before.memoryLimit - before.memory);
      // A process that holds the memory for a while, in the background.
      const started = await sh(
        's1',
        `python3 -c "import time; b = b'x' * ${grow}; open('/tmp/held', 'w').close(); time.sleep(60)" >/dev/null 2>&1 &`
      );
      assert.equal(started.exitCode, 0);
      for (let i = 0; i < 100; i++) {
        if ((await sh('s1', 'test -e /tmp/held')).exitCode === 0) {
          break;
        }
        await new Promise(r => setTimeout(r, 100));
      }
      assert.deepEqual(await manager.cull(), []);
      const notice = await send(port, {
        path: '/user/s1/files/.jnotice.txt',
        headers: { cookie: cookies.get('s1')! }
      });
      assert.equal(notice.status, 200, notice.text);
      assert.ok(notice.text.includes(DEFAULT_NOTICES.memory.en));
      assert.ok(notice.text.includes(DEFAULT_NOTICES.memory.ja));
      assert.equal(store.getServer('s1')!.data.memoryNoticed, true);
      await sh('s1', 'kill $(pgrep -f "time.sleep(60)") 2>/dev/null; true');
    });

    it('warns at 90 % of lms_actlimit, posts a sticky notice at it and stops after the grace', async () => {
      offset += 541_000;
      assert.deepEqual(await manager.cull(), []);
      const cookie = cookies.get('s2')!;
      const notice = await send(port, {
        path: '/user/s2/files/.jnotice.txt',
        headers: { cookie }
      });
      assert.equal(notice.status, 200, notice.text);
      assert.ok(notice.text.includes(DEFAULT_NOTICES.active.ja), notice.text);
      assert.ok(notice.text.includes(DEFAULT_NOTICES.active.en), notice.text);
      // JupyterLab's jnotice consumes it as the user.
      const consumed = await send(port, {
        method: 'DELETE',
        path: '/user/s2/api/contents/.jnotice.txt',
        headers: { cookie }
      });
      assert.equal(consumed.status, 204, consumed.text);
      // The others (7200 s) are not warned.
      assert.notEqual((await sh('yamada', 'test -e .jnotice.txt')).exitCode, 0);

      offset += 60_000;
      assert.deepEqual(await manager.cull(), []);
      const sticky = await sh('s2', 'cat .jnotice.sticky.txt');
      assert.ok(
        sticky.stdout.includes(DEFAULT_NOTICES.sticky.en),
        sticky.stdout
      );
      const id = String(store.getServer('s2')!.data.containerId);

      offset += 30_000;
      assert.deepEqual(await manager.cull(), ['s2']);
      assert.equal(store.getServer('s2'), null);
      await assert.rejects(
        docker.getContainer(id).inspect(),
        /no such container/i
      );
    });

    it('re-adopts running containers after a hub restart and removes orphans', async () => {
      const orphan = await docker.createContainer({
        Image: TEST_IMAGE,
        Cmd: ['sleep', '600'],
        Labels: { [LABELS.hub]: instance, [LABELS.user]: 'ghost' },
        HostConfig: { Binds: ['/usr:/usr:ro'] }
      });
      await orphan.start();
      const ids = ['s1', 'yamada'].map(
        u => store.getServer(u)!.data.containerId
      );
      await stopHub();
      const { adopted } = await startHub();
      assert.deepEqual(adopted.sort(), ['s1', 'yamada']);
      assert.deepEqual(
        ['s1', 'yamada'].map(u => store.getServer(u)!.data.containerId),
        ids
      );
      await assert.rejects(orphan.inspect(), /no such container/i);
      // The old session reaches the adopted server through the new hub.
      await ready('s1');
    });

    it('keeps a busy server on a relaunch with other settings, with a notice', async () => {
      const id = store.getServer('s1')!.data.containerId;
      const res = await launch('s1', '812', [['custom_lms_cpulimit', '1']]);
      assert.equal(res.status, 302, res.text);
      cookies.set('s1', res.cookie);
      await ready('s1');
      assert.equal(store.getServer('s1')!.data.containerId, id);
      const notice = await sh('s1', 'cat .jnotice.txt');
      assert.equal(notice.stdout, KEPT_NOTICE + '\n');
    });

    it('drops and removes a container whose server ended', async () => {
      const container = containerOf('yamada');
      await container.kill();
      await container.wait();
      assert.deepEqual(await manager.cull(), ['yamada']);
      assert.equal(store.getServer('yamada'), null);
      await assert.rejects(container.inspect(), /no such container/i);
    });

    it('refuses images outside the allowlist, traversal and absurd limits at launch', async () => {
      const cases: [Param[], RegExp][] = [
        [
          [['custom_lms_image', 'docker.io/evil/miner:1']],
          /not allowed on this hub/
        ],
        [[['custom_lms_vol_..', 'x']], /must not contain slashes or/],
        [[['custom_lms_prs_a', '../../etc']], /must not contain slashes/],
        [[['custom_lms_memlimit', '99,999,999,999,999']], /lms_memlimit/],
        [[['custom_lms_cpulimit', '500']], /lms_cpulimit/]
      ];
      for (const [extra, message] of cases) {
        const res = await launch('s9', '899', extra);
        assert.equal(res.status, 400, `${JSON.stringify(extra)}: ${res.text}`);
        assert.match(res.text, message);
      }
      assert.equal(store.getServer('s9'), null);
    });

    it('refuses unlisted or missing images and times out into a removed container', async () => {
      const policy = {
        ...DEFAULT_SPAWN_POLICY,
        imageAllowlist: ['localhost/ltilab-test:*', 'localhost/absent:*']
      };
      const targetFor = (name: string, image: string): ISpawnTarget => {
        const params = exampleParams({
          ext_user_username: name,
          custom_lms_sub_homework1_close: undefined,
          custom_lms_image: image
        });
        const request = parseSpawnRequest(params, policy);
        return {
          user: { name, lmsUsername: name, isTeacher: false },
          account: resolveAccount(params, name),
          request,
          specHash: spawnSpecHash(request),
          launchId: null
        };
      };
      const spawner = new ContainerSpawner({
        host: podman.host,
        storage: `${dir.path}/containers`,
        instance,
        imageAllowlist: ['localhost/ltilab-test:*'],
        defaultImage: null,
        startTimeoutMs: 1500,
        pull: 'never',
        hostMounts: testHostMounts(),
        env: TEST_ENV,
        logger
      });
      await assert.rejects(
        spawner.start(targetFor('u1', 'localhost/absent:1')),
        (e: Error & { publicMessage?: string }) =>
          /is not allowed on this hub/.test(e.publicMessage ?? '')
      );
      const missingImage = new ContainerSpawner({
        ...{ host: podman.host, storage: `${dir.path}/containers`, instance },
        imageAllowlist: ['localhost/absent:*'],
        defaultImage: null,
        pull: 'never',
        logger
      });
      await assert.rejects(
        missingImage.start(targetFor('u2', 'localhost/absent:1')),
        (e: Error & { publicMessage?: string }) =>
          /is not available on this hub/.test(e.publicMessage ?? '')
      );
      await assert.rejects(
        spawner.start(targetFor('slow', 'localhost/ltilab-test:1')),
        (e: Error & { publicMessage?: string }) =>
          /did not start within 2 seconds and was removed/.test(
            e.publicMessage ?? ''
          )
      );
      const left = await docker.listContainers({
        all: true,
        filters: { label: [`${LABELS.user}=slow`] }
      });
      assert.deepEqual(left, []);
    });
  }
);
