/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

import {
  ConfigError,
  DEFAULT_SPAWN_POLICY,
  loadConfig,
  parseConfig
} from '../src/index.js';

import { tempDir } from './helpers.js';

const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECRET = 'moodle-secret-from-the-environment';

function problemsOf(data: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(data, { env, baseDir: '/etc/ltilab' });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return [...e.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('loads the commented example', () => {
    const { config, warnings } = loadConfig(
      join(PACKAGE, 'config.example.yaml'),
      {
        LTILAB_LTI_SECRET_MOODLE: SECRET
      }
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.lti.consumers.get('moodle'), SECRET);
    assert.equal(config.dataDir, join(PACKAGE, 'data'));
    assert.deepEqual(config.spawn, {
      ...DEFAULT_SPAWN_POLICY,
      imageAllowlist: []
    });
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8000 });
    assert.equal(config.lti.timestampWindow, 30);
    assert.equal(config.session.secret, null);
    assert.deepEqual(config.spawner, {
      backend: 'local',
      jupyter: 'jupyter',
      homeRoot: join(PACKAGE, 'data', 'homes'),
      startTimeout: 60,
      spawnConcurrency: 0,
      queueTimeout: 600,
      reuseActiveSeconds: 60,
      cullIdleSeconds: 0,
      onShutdown: 'leave',
      env: { TZ: 'JST-9' },
      timeLimitGrace: 120,
      noticeTemplates: null,
      container: {
        host: 'unix:///run/podman/podman.sock',
        storage: join(PACKAGE, 'data', 'containers'),
        instance: null,
        hostIp: '127.0.0.1',
        pull: 'missing',
        stopTimeout: 10,
        pidsLimit: 1024,
        hostMounts: [],
        uidBase: 30000
      }
    });
    assert.equal(config.api.tokens.size, 0);
  });

  it('reads the spawner and the API tokens, and refuses odd values', () => {
    const { config } = parseConfig(
      {
        spawner: {
          jupyter: '../venv/bin/jupyter',
          homeRoot: 'homes',
          onShutdown: 'stop'
        },
        api: { tokens: [{ name: 'lticontainer', secretEnv: 'API_TOKEN' }] }
      },
      { baseDir: '/srv/hub/etc', env: { API_TOKEN: 'a'.repeat(32) } }
    );
    assert.equal(config.spawner.jupyter, '/srv/hub/venv/bin/jupyter');
    assert.equal(config.spawner.homeRoot, '/srv/hub/etc/homes');
    assert.equal(config.spawner.onShutdown, 'stop');
    assert.equal(config.api.tokens.get('lticontainer'), 'a'.repeat(32));
    assert.ok(!JSON.stringify(config).includes('a'.repeat(32)));
    assert.throws(
      () =>
        parseConfig(
          {
            spawner: {
              backend: 'docker',
              onShutdown: 'maybe',
              spawnConcurrency: -1,
              env: { NB_USER: 'root' }
            },
            api: { tokens: [{ name: 'x', secretEnv: 'SHORT' }] }
          },
          { env: { SHORT: 'short' } }
        ),
      (e: Error) =>
        /spawner\.backend: must be one of local/.test(e.message) &&
        /spawner\.onShutdown/.test(e.message) &&
        /spawner\.spawnConcurrency/.test(e.message) &&
        /spawner\.env\.NB_USER: is set by the hub/.test(e.message) &&
        /at least 16 characters/.test(e.message)
    );
  });

  it('fills defaults for an empty file', () => {
    const { config } = parseConfig({}, { baseDir: '/srv/hub', env: {} });
    assert.equal(config.dataDir, '/srv/hub/data');
    assert.equal(config.lti.consumers.size, 0);
    assert.equal(config.lti.usernameKey, 'ext_user_username');
    assert.equal(config.lti.usernameFallback, 'user_id');
    assert.deepEqual(config.proxy, { trusted: false, header: 'x-forwarded' });
    assert.equal(config.publicUrl, null);
    assert.equal(config.log.level, 'info');
  });

  it('reads JSON and secret files, and warns about loose permissions', () => {
    const secretFile = join(dir.path, 'lti.secret');
    writeFileSync(secretFile, 'file-secret\n');
    chmodSync(secretFile, 0o644);
    const file = join(dir.path, 'hub.json');
    writeFileSync(
      file,
      JSON.stringify({
        publicUrl: 'https://Hub.Example.edu/',
        proxy: { trusted: true, header: 'forwarded' },
        lti: {
          consumers: [{ key: 'm', secretFile: 'lti.secret' }],
          usernameFallback: null
        },
        spawn: { imageAllowlist: ['Example/*'], defaultImage: 'example/base' }
      })
    );
    const { config, warnings } = loadConfig(file, {});
    assert.equal(config.lti.consumers.get('m'), 'file-secret');
    assert.match(warnings[0]!, /readable by other users/);
    assert.equal(config.publicUrl, 'https://hub.example.edu');
    assert.deepEqual(config.proxy, { trusted: true, header: 'forwarded' });
    assert.equal(config.lti.usernameFallback, null);
    assert.deepEqual(config.spawn.imageAllowlist, ['example/*']);
    assert.equal(config.spawn.defaultImage, 'example/base:latest');
    chmodSync(secretFile, 0o600);
    assert.deepEqual(loadConfig(file, {}).warnings, []);
  });

  it('never prints consumer secrets', () => {
    const { config } = parseConfig(
      { lti: { consumers: [{ key: 'm', secretEnv: 'S' }] } },
      { env: { S: SECRET } }
    );
    assert.ok(!JSON.stringify(config).includes(SECRET));
    assert.ok(!inspect(config, { depth: 10 }).includes(SECRET));
    assert.match(JSON.stringify(config), /"m":"\[redacted\]"/);
  });

  it('refuses secrets written in the file', () => {
    const p = problemsOf({ lti: { consumers: [{ key: 'm', secret: 'x' }] } });
    assert.match(
      p[0]!,
      /^lti\.consumers\[0\]\.secret: secrets are not written in the config file/
    );
  });

  it('explains missing or unreadable secrets', () => {
    assert.match(
      problemsOf({ lti: { consumers: [{ key: 'm', secretEnv: 'NOPE' }] } })[0]!,
      /NOPE is not set/
    );
    assert.match(
      problemsOf({ lti: { consumers: [{ key: 'm' }] } })[0]!,
      /needs secretEnv or secretFile/
    );
    assert.match(
      problemsOf({
        lti: { consumers: [{ key: 'm', secretFile: 'missing' }] }
      })[0]!,
      /cannot read \/etc\/ltilab\/missing: ENOENT/
    );
    assert.match(
      problemsOf(
        {
          lti: {
            consumers: [
              { key: 'm', secretEnv: 'A' },
              { key: 'm', secretEnv: 'A' }
            ]
          }
        },
        { A: 'x' }
      )[0]!,
      /"m" is listed twice/
    );
    assert.match(
      problemsOf({ session: { secretEnv: 'S' } }, { S: 'short' })[0]!,
      /at least 32/
    );
  });

  it('lists every bad value with its path', () => {
    const p = problemsOf({
      listen: { port: 70000 },
      proxy: { trusted: 'yes', header: 'via' },
      lti: { timestampWindow: 0, maxBodyBytes: 'big' },
      spawn: {
        imageAllowlist: 'x',
        defaultImage: 'Not An Image!',
        limits: { minMemory: 10, maxMemory: 5 }
      },
      log: { level: 'loud' },
      publicUrl: 'https://hub.example.edu/path',
      tpyo: 1
    });
    for (const expected of [
      /^listen\.port: must be a number from 0 to 65535$/,
      /^proxy\.trusted: must be true or false$/,
      /^proxy\.header: must be one of x-forwarded, forwarded$/,
      /^lti\.timestampWindow:/,
      /^lti\.maxBodyBytes:/,
      /^spawn\.imageAllowlist:/,
      /^spawn\.defaultImage:/,
      /^spawn\.limits: minMemory is larger than maxMemory$/,
      /^log\.level: must be one of debug, info, warn, error$/,
      /^publicUrl: must be an origin/,
      /^tpyo: unknown setting/
    ]) {
      assert.ok(
        p.some(x => expected.test(x)),
        `${expected} in ${p.join(' | ')}`
      );
    }
  });

  it('reports unreadable and unparsable files', () => {
    assert.throws(
      () => loadConfig(join(dir.path, 'none.yaml')),
      /cannot read the file/
    );
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'lti: [unclosed');
    assert.throws(() => loadConfig(bad), /cannot parse the file/);
  });
});
