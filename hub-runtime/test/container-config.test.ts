/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The container backend's configuration and engine addresses.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ConfigError,
  ContainerSpawner,
  LocalSpawner,
  createLogger,
  parseConfig,
  parseEngineHost
} from '../src/index.js';
import { createSpawner } from '../src/cli.js';

const logger = createLogger('error', () => undefined);

describe('container configuration', () => {
  it('defaults to the local backend and fills the container defaults', () => {
    const { config } = parseConfig({ dataDir: '/srv/hub' });
    assert.equal(config.spawner.backend, 'local');
    assert.ok(createSpawner(config, logger) instanceof LocalSpawner);
    // (config.test.ts checks every default of the section.)
    assert.equal(config.spawner.container.storage, '/srv/hub/containers');
    assert.equal(config.spawner.timeLimitGrace, 120);
  });

  it('builds the container backend from its section', () => {
    const { config } = parseConfig(
      {
        dataDir: '/srv/hub',
        spawn: { defaultImage: 'example/lab:1', imageAllowlist: ['example/*'] },
        spawner: {
          backend: 'container',
          container: {
            host: 'tcp://10.0.0.5:2375',
            storage: 'store',
            hostMounts: ['/opt/python:/opt/python']
          }
        }
      },
      { baseDir: '/etc/ltilab' }
    );
    assert.equal(config.spawner.container.storage, '/etc/ltilab/store');
    assert.ok(createSpawner(config, logger) instanceof ContainerSpawner);
  });

  it('lists every problem of the section', () => {
    assert.throws(
      () =>
        parseConfig({
          spawner: {
            backend: 'kubernetes',
            container: {
              host: 'ftp://x',
              pull: 'always',
              hostMounts: ['relative/path'],
              instance: 'a b',
              socket: '/x'
            }
          }
        }),
      (e: ConfigError) => {
        assert.equal(e.problems.length, 6, e.message);
        for (const key of [
          'spawner.backend',
          'spawner.container.host',
          'spawner.container.pull',
          'spawner.container.hostMounts',
          'spawner.container.instance',
          'spawner.container.socket'
        ]) {
          assert.ok(
            e.problems.some(p => p.startsWith(key)),
            key
          );
        }
        return true;
      }
    );
  });

  it('bounds uidBase and the queue timeout', () => {
    const read = (spawner: Record<string, unknown>) =>
      parseConfig({ dataDir: '/srv/hub', spawner }).config.spawner;
    assert.equal(read({}).container.uidBase, 30000);
    assert.equal(
      read({ container: { uidBase: 1000 } }).container.uidBase,
      1000
    );
    assert.equal(read({ queueTimeout: 30 }).queueTimeout, 30);
    // Root, system accounts, a base that leaves no room below 2^31 - 1 for
    // the UIDs handed out in order, a fraction; no queue without a bound.
    for (const [spawner, message] of [
      [{ container: { uidBase: 0 } }, /spawner\.container\.uidBase/],
      [{ container: { uidBase: 999 } }, /spawner\.container\.uidBase/],
      [
        { container: { uidBase: 1_000_000_001 } },
        /spawner\.container\.uidBase/
      ],
      [{ container: { uidBase: 30000.5 } }, /spawner\.container\.uidBase/],
      [{ queueTimeout: 0 }, /spawner\.queueTimeout/]
    ] as const) {
      assert.throws(() => read(spawner), message, JSON.stringify(spawner));
    }
  });

  it('reads engine addresses', () => {
    assert.deepEqual(parseEngineHost('unix:///run/docker.sock'), {
      socketPath: '/run/docker.sock'
    });
    assert.deepEqual(parseEngineHost('/run/podman/podman.sock'), {
      socketPath: '/run/podman/podman.sock'
    });
    assert.deepEqual(parseEngineHost('tcp://10.0.0.5:2376'), {
      protocol: 'http',
      host: '10.0.0.5',
      port: 2376
    });
    assert.throws(() => parseEngineHost('ssh://host'), /must be unix/);
  });
});
