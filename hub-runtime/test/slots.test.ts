/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Launch-path robustness of the local backend: the start queue, ports that
 * are never handed out twice, and a start that finds its port taken.
 */

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import {
  LocalSpawner,
  QueueTimeoutError,
  StartSlots,
  checkStatus,
  createLogger,
  freePort,
  releasePort,
  type ISpawnProgress,
  type IStartedServer
} from '../src/index.js';

import { tempDir } from './helpers.js';
import { FAKE_JUPYTER, target } from './spawn-helpers.js';

describe('StartSlots', () => {
  it('lets at most `limit` in, in arrival order, and passes a slot on', async () => {
    const slots = new StartSlots(2);
    const order: number[] = [];
    let inside = 0;
    let most = 0;
    const job = async (n: number): Promise<void> => {
      const release = await slots.acquire();
      inside++;
      most = Math.max(most, inside);
      order.push(n);
      // Let the others run up to their own acquire.
      await new Promise(r => setImmediate(r));
      inside--;
      release();
      release(); // twice is harmless
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map(job));
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(slots.active, 0);
    assert.equal(slots.waiting, 0);
  });

  it('tells each waiter its place as the line moves', async () => {
    const slots = new StartSlots(1);
    const first = await slots.acquire();
    const places = new Map<string, number[]>();
    const wait = (name: string) => {
      places.set(name, []);
      return slots.acquire({
        onPosition: p => places.get(name)!.push(p)
      });
    };
    const a = wait('a');
    const b = wait('b');
    const c = wait('c');
    assert.deepEqual(Object.fromEntries(places), { a: [1], b: [2], c: [3] });
    first();
    (await a)();
    (await b)();
    (await c)();
    assert.deepEqual(Object.fromEntries(places), {
      a: [1],
      b: [2, 1],
      c: [3, 2, 1]
    });
    assert.equal(slots.active, 0);
  });

  it('gives up a wait after its timeout and frees its place', async () => {
    const slots = new StartSlots(1);
    const held = await slots.acquire();
    const seen: number[] = [];
    const late = slots.acquire({ timeoutMs: 5000 });
    const impatient = slots.acquire({ timeoutMs: 30 });
    const behind = slots.acquire({ onPosition: p => seen.push(p) });
    assert.equal(slots.waiting, 3);
    await assert.rejects(impatient, (e: Error) => {
      assert.ok(e instanceof QueueTimeoutError);
      assert.equal(e.timeoutMs, 30);
      return true;
    });
    // The one behind moved up; the line lost the impatient one.
    assert.deepEqual(seen, [3, 2]);
    assert.equal(slots.waiting, 2);
    held();
    (await late)();
    (await behind)();
    assert.equal(slots.active, 0);
    assert.equal(slots.waiting, 0);
  });

  it('has no limit at 0', async () => {
    const slots = new StartSlots(0);
    const releases = await Promise.all(
      Array.from({ length: 100 }, () => slots.acquire())
    );
    assert.equal(slots.active, 100);
    releases.forEach(r => r());
    assert.equal(slots.active, 0);
  });
});

describe('freePort', () => {
  it('never hands out one port twice while it is reserved', async () => {
    const ports = await Promise.all(
      Array.from({ length: 60 }, () => freePort())
    );
    assert.equal(new Set(ports).size, ports.length);
    ports.forEach(releasePort);
  });
});

describe('LocalSpawner under load', () => {
  const dir = tempDir();
  const lines: string[] = [];
  const logger = createLogger('debug', l => lines.push(l));
  // Each server with the spawner that started it: a spawner stops only the
  // processes it owns.
  const started: Array<{ local: LocalSpawner; server: IStartedServer }> = [];
  const make = (
    options: Partial<ConstructorParameters<typeof LocalSpawner>[0]> = {}
  ): LocalSpawner =>
    new LocalSpawner({
      jupyter: FAKE_JUPYTER,
      homeRoot: join(dir.path, 'home'),
      dataDir: join(dir.path, 'data'),
      stopTimeoutMs: 3000,
      logger,
      ...options
    });

  after(async () => {
    await Promise.all(
      started.map(({ local, server }) =>
        local.stop({
          ...server,
          userName: '',
          backend: 'local',
          state: 'running',
          specHash: '',
          launchId: null,
          startedAt: 0,
          lastActivityAt: 0
        })
      )
    );
    dir.remove();
  });

  it('queues starts past spawnConcurrency and starts them all', async () => {
    const local = make({ spawnConcurrency: 2 });
    const phases = new Map<string, string[]>();
    const names = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'];
    const results = await Promise.all(
      names.map(name => {
        phases.set(name, []);
        return local.start({
          ...target(name),
          onProgress: (p: ISpawnProgress) => phases.get(name)!.push(p.phase)
        });
      })
    );
    started.push(...results.map(server => ({ local, server })));
    for (const [i, r] of results.entries()) {
      assert.ok(
        await checkStatus({ ...r, userName: names[i]! }),
        `${names[i]} answers`
      );
    }
    assert.equal(new Set(results.map(r => r.url)).size, names.length);
    // The first two got a slot at once; the other four waited.
    assert.deepEqual(phases.get('q1'), ['starting']);
    assert.deepEqual(phases.get('q2'), ['starting']);
    // The others waited, told their place as the line moved.
    for (const name of names.slice(2)) {
      const seen = phases.get(name)!;
      assert.equal(seen.at(-1), 'starting', name);
      assert.ok(
        seen.slice(0, -1).length > 0 &&
          seen.slice(0, -1).every(p => p === 'queued'),
        `${name}: ${seen}`
      );
    }
  });

  it('starts again on another port when its port was taken', async () => {
    const squatter = await listen();
    const taken = (squatter.address() as { port: number }).port;
    const picked: number[] = [];
    const local = make({
      choosePort: async () => {
        const port = picked.length === 0 ? taken : await freePort();
        picked.push(port);
        return port;
      }
    });
    try {
      const r = await local.start(target('p1'));
      started.push({ local, server: r });
      assert.deepEqual(picked.length, 2);
      assert.equal(r.data.port, picked[1]);
      assert.notEqual(r.data.port, taken);
      assert.ok(await checkStatus({ ...r, userName: 'p1' }));
      assert.ok(
        lines.some(
          l =>
            l.includes('spawner.local.port.taken') && l.includes(String(taken))
        )
      );
    } finally {
      squatter.close();
    }
  });

  it('gives up after three taken ports, with the reason', async () => {
    const squatter = await listen();
    const taken = (squatter.address() as { port: number }).port;
    let tries = 0;
    const local = make({
      choosePort: async () => {
        tries++;
        return taken;
      }
    });
    try {
      await assert.rejects(
        local.start(target('p2')),
        /ended \(exit code 1\) before it was ready: The port \d+ is already in use/
      );
      assert.equal(tries, 3);
    } finally {
      squatter.close();
    }
  });
});

function listen(): Promise<Server> {
  return new Promise(resolve => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
