/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's configuration file (YAML or JSON), with defaults and validation.
 *
 * @module
 */

import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';

import { parse as parseYaml } from 'yaml';

import {
  DEFAULT_SPAWN_POLICY,
  normalizeImage,
  parseLmsNumber
} from './lti/params.js';
import type { ISpawnPolicy } from './lti/params.js';
import { DEFAULT_UID_BASE, MAX_UID_BASE } from './spawn/environment.js';

/**
 * A map of secrets that never prints its values (`JSON.stringify`,
 * `console.log` and `util.inspect` show the keys only).
 */
export class SecretMap extends Map<string, string> {
  toJSON(): Record<string, string> {
    return Object.fromEntries([...this.keys()].map(k => [k, '[redacted]']));
  }

  [inspect.custom](): string {
    return `SecretMap(${JSON.stringify(this.toJSON())})`;
  }
}

/**
 * The log levels, least severe first.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The validated, fully defaulted configuration.
 */
export interface IHubConfig {
  listen: { host: string; port: number };
  /**
   * The hub's public origin, such as `https://hub.example.edu`, or null to
   * take it from each request.
   */
  publicUrl: string | null;
  /**
   * Absolute; the SQLite database and generated keys live here.
   */
  dataDir: string;
  proxy: {
    /**
     * Trust the front proxy's forwarded headers for the public scheme and
     * host.
     */
    trusted: boolean;
    header: 'x-forwarded' | 'forwarded';
  };
  lti: {
    /**
     * Consumer key to secret.
     */
    consumers: SecretMap;
    /**
     * Allowed clock difference in seconds.
     */
    timestampWindow: number;
    usernameKey: string;
    usernameFallback: string | null;
    maxBodyBytes: number;
  };
  session: {
    /**
     * Session lifetime in seconds.
     */
    maxAge: number;
    /**
     * The cookie-signing key, or null to generate one in the data directory.
     */
    secret: string | null;
  };
  spawn: ISpawnPolicy;
  /**
   * The user servers: `local` processes or `container`s.
   */
  spawner: {
    backend: 'local' | 'container';
    /**
     * The `jupyter` executable (absolute, or looked up on `PATH`).
     */
    jupyter: string;
    /**
     * Absolute; homes are `<homeRoot>/<group>/<user>/jupyter/works`.
     */
    homeRoot: string;
    /**
     * Seconds a server may take to become ready.
     */
    startTimeout: number;
    /**
     * Servers starting at once (more wait in a queue); 0 is the number of
     * CPUs, at least 2.
     */
    spawnConcurrency: number;
    /**
     * Seconds a start may wait in that queue; past it the start fails with
     * an error page, as on a start timeout.
     */
    queueTimeout: number;
    /**
     * The relaunch rule's window in seconds (see `ServerManager`).
     */
    reuseActiveSeconds: number;
    /**
     * Stop servers idle this many seconds; 0 never.
     */
    cullIdleSeconds: number;
    /**
     * On SIGTERM: `leave` the servers running for the next hub to adopt, or
     * `stop` them.
     */
    onShutdown: 'leave' | 'stop';
    /**
     * Extra environment variables for every server.
     */
    env: Record<string, string>;
    /**
     * Seconds between the sticky time-limit notice and the stop.
     */
    timeLimitGrace: number;
    /**
     * A directory with the predecessor's notice templates
     * (`notice_active.txt`, `notice_active_jp.txt`, ...), or null for the
     * built-in texts.
     */
    noticeTemplates: string | null;
    /**
     * The container backend (used when `backend` is `container`).
     */
    container: {
      /**
       * The Docker Engine API: `unix:///run/podman/podman.sock`,
       * `tcp://host:2375`.
       */
      host: string;
      /**
       * Absolute; homes and shared volumes on the engine's host.
       */
      storage: string;
      /**
       * The `io.ltilab.hub` label of this hub's containers.
       */
      instance: string | null;
      hostIp: string;
      pull: 'missing' | 'never';
      stopTimeout: number;
      pidsLimit: number;
      /**
       * Read-only bind mounts `/src` or `/src:/dst`.
       */
      hostMounts: string[];
      /**
       * A user with a numeric LMS `user_id` below 10^9 runs as
       * `uidBase + user_id` (the predecessor's 30000 + id); everyone else
       * gets a UID from `uidBase + 10^9` up, in order. Each UID is kept in
       * the store and never shared (see `preferredUid`).
       */
      uidBase: number;
    };
  };
  /**
   * Admin REST API tokens, name to token.
   */
  api: { tokens: SecretMap };
  log: { level: LogLevel };
}

/**
 * A configuration that cannot be used. Lists every problem, each with its
 * path in the file (`lti.consumers[0].secretEnv`).
 */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[]
  ) {
    super(
      `Invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`
    );
    this.name = 'ConfigError';
  }
}

/**
 * The result of loading a configuration.
 */
export interface ILoadedConfig {
  config: IHubConfig;
  /**
   * Things that work but deserve attention (a world-readable secret file).
   */
  warnings: string[];
}

/**
 * Read and validate a configuration file.
 *
 * @param file - a `.yaml`, `.yml` or `.json` file.
 * @param env - where `secretEnv` names are looked up.
 */
export function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env
): ILoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [
      `cannot read the file: ${(e as Error).message}`
    ]);
  }
  let data: unknown;
  try {
    data =
      extname(file).toLowerCase() === '.json'
        ? JSON.parse(text)
        : parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [
      `cannot parse the file: ${(e as Error).message}`
    ]);
  }
  return parseConfig(data ?? {}, {
    source: file,
    baseDir: dirname(resolve(file)),
    env
  });
}

/**
 * Validate configuration data.
 */
export function parseConfig(
  data: unknown,
  options: { source?: string; baseDir?: string; env?: NodeJS.ProcessEnv } = {}
): ILoadedConfig {
  const source = options.source ?? '<config>';
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? process.env;
  const v = new Validator();
  const warnings: string[] = [];

  const root = v.object(data, '', [
    'listen',
    'publicUrl',
    'dataDir',
    'proxy',
    'lti',
    'session',
    'spawn',
    'spawner',
    'api',
    'log'
  ]);

  const listen = v.object(root.listen ?? {}, 'listen', ['host', 'port']);
  const host = v.string(listen.host, 'listen.host', '127.0.0.1');
  const port = v.integer(listen.port, 'listen.port', 8000, 0, 65535);

  let publicUrl: string | null = null;
  if (root.publicUrl !== undefined && root.publicUrl !== null) {
    const text = v.string(root.publicUrl, 'publicUrl', '');
    try {
      const url = new URL(text);
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        (url.pathname !== '/' && url.pathname !== '') ||
        url.search ||
        url.username
      ) {
        throw new Error('not an origin');
      }
      publicUrl = url.origin;
    } catch {
      v.problem(
        'publicUrl',
        'must be an origin such as https://hub.example.edu'
      );
    }
  }

  const dataDirText = v.string(root.dataDir, 'dataDir', './data');
  const dataDir = isAbsolute(dataDirText)
    ? dataDirText
    : resolve(baseDir, dataDirText);

  const proxy = v.object(root.proxy ?? {}, 'proxy', ['trusted', 'header']);
  const trusted = v.boolean(proxy.trusted, 'proxy.trusted', false);
  const header = v.oneOf(
    proxy.header,
    'proxy.header',
    ['x-forwarded', 'forwarded'],
    'x-forwarded'
  );

  const lti = v.object(root.lti ?? {}, 'lti', [
    'consumers',
    'timestampWindow',
    'usernameKey',
    'usernameFallback',
    'maxBodyBytes'
  ]);
  const consumers = new SecretMap();
  const list = lti.consumers ?? [];
  if (!Array.isArray(list)) {
    v.problem(
      'lti.consumers',
      'must be a list of {key, secretEnv | secretFile}'
    );
  } else {
    list.forEach((item, i) => {
      const path = `lti.consumers[${i}]`;
      const c = v.object(item, path, [
        'key',
        'secretEnv',
        'secretFile',
        'secret'
      ]);
      const key = v.string(c.key, `${path}.key`, '');
      if (!key) {
        v.problem(`${path}.key`, 'is required');
      } else if (consumers.has(key)) {
        v.problem(`${path}.key`, `"${key}" is listed twice`);
      }
      if (c.secret !== undefined) {
        v.problem(
          `${path}.secret`,
          'secrets are not written in the config file; use secretEnv (an environment variable name) or secretFile (a path)'
        );
        return;
      }
      const secret = readSecret(v, warnings, c, path, baseDir, env, true);
      if (key && secret !== null) {
        consumers.set(key, secret);
      }
    });
  }
  const timestampWindow = v.integer(
    lti.timestampWindow,
    'lti.timestampWindow',
    30,
    1,
    3600
  );
  const usernameKey = v.string(
    lti.usernameKey,
    'lti.usernameKey',
    'ext_user_username'
  );
  let usernameFallback: string | null = 'user_id';
  if (lti.usernameFallback === null || lti.usernameFallback === false) {
    usernameFallback = null;
  } else {
    usernameFallback = v.string(
      lti.usernameFallback,
      'lti.usernameFallback',
      'user_id'
    );
  }
  const maxBodyBytes = v.integer(
    lti.maxBodyBytes,
    'lti.maxBodyBytes',
    64 * 1024,
    1024,
    16 * 1024 * 1024
  );

  const session = v.object(root.session ?? {}, 'session', [
    'maxAge',
    'secretEnv',
    'secretFile'
  ]);
  const maxAge = v.integer(
    session.maxAge,
    'session.maxAge',
    8 * 3600,
    60,
    30 * 24 * 3600
  );
  const sessionSecret = readSecret(
    v,
    warnings,
    session,
    'session',
    baseDir,
    env,
    false
  );
  if (sessionSecret !== null && sessionSecret.length < 32) {
    v.problem('session', 'the session secret must be at least 32 characters');
  }

  const spawn = v.object(root.spawn ?? {}, 'spawn', [
    'defaultImage',
    'imageAllowlist',
    'defaults',
    'limits'
  ]);
  let defaultImage: string | null = null;
  if (spawn.defaultImage !== undefined && spawn.defaultImage !== null) {
    const text = v.string(spawn.defaultImage, 'spawn.defaultImage', '');
    defaultImage = normalizeImage(text);
    if (!defaultImage) {
      v.problem('spawn.defaultImage', `"${text}" is not an image name`);
    }
  }
  const allowlist: string[] = [];
  if (spawn.imageAllowlist !== undefined) {
    if (
      !Array.isArray(spawn.imageAllowlist) ||
      spawn.imageAllowlist.some(p => typeof p !== 'string' || !p.trim())
    ) {
      v.problem(
        'spawn.imageAllowlist',
        'must be a list of image patterns such as example/*:*'
      );
    } else {
      allowlist.push(
        ...spawn.imageAllowlist.map((p: string) => p.trim().toLowerCase())
      );
    }
  }
  const d = DEFAULT_SPAWN_POLICY;
  const defaults = v.object(spawn.defaults ?? {}, 'spawn.defaults', [
    'cpuLimit',
    'memLimit',
    'actLimit'
  ]);
  const limits = v.object(spawn.limits ?? {}, 'spawn.limits', [
    'maxCpu',
    'minMemory',
    'maxMemory',
    'maxActLimit'
  ]);
  const policy: ISpawnPolicy = {
    defaultImage,
    imageAllowlist: allowlist,
    defaults: {
      cpuLimit: v.number(
        defaults.cpuLimit,
        'spawn.defaults.cpuLimit',
        d.defaults.cpuLimit,
        0,
        1024
      ),
      memLimit: v.number(
        defaults.memLimit,
        'spawn.defaults.memLimit',
        d.defaults.memLimit,
        0,
        2 ** 50
      ),
      actLimit: v.number(
        defaults.actLimit,
        'spawn.defaults.actLimit',
        d.defaults.actLimit,
        0,
        2 ** 31
      )
    },
    limits: {
      maxCpu: v.number(
        limits.maxCpu,
        'spawn.limits.maxCpu',
        d.limits.maxCpu,
        0.1,
        1024
      ),
      minMemory: v.number(
        limits.minMemory,
        'spawn.limits.minMemory',
        d.limits.minMemory,
        0,
        2 ** 50
      ),
      maxMemory: v.number(
        limits.maxMemory,
        'spawn.limits.maxMemory',
        d.limits.maxMemory,
        0,
        2 ** 50
      ),
      maxActLimit: v.number(
        limits.maxActLimit,
        'spawn.limits.maxActLimit',
        d.limits.maxActLimit,
        0,
        2 ** 31
      )
    }
  };
  if (policy.limits.minMemory > policy.limits.maxMemory) {
    v.problem('spawn.limits', 'minMemory is larger than maxMemory');
  }

  const spawner = v.object(root.spawner ?? {}, 'spawner', [
    'backend',
    'jupyter',
    'homeRoot',
    'startTimeout',
    'spawnConcurrency',
    'queueTimeout',
    'reuseActiveSeconds',
    'cullIdleSeconds',
    'onShutdown',
    'env',
    'timeLimitGrace',
    'noticeTemplates',
    'container'
  ]);
  const backend = v.oneOf(
    spawner.backend,
    'spawner.backend',
    ['local', 'container'] as const,
    'local'
  );
  const ctr = v.object(spawner.container ?? {}, 'spawner.container', [
    'host',
    'storage',
    'instance',
    'hostIp',
    'pull',
    'stopTimeout',
    'pidsLimit',
    'hostMounts',
    'uidBase'
  ]);
  const engineHost = v.string(
    ctr.host,
    'spawner.container.host',
    'unix:///run/podman/podman.sock'
  );
  if (!/^(unix:\/\/\/|tcp:\/\/|http:\/\/|\/)/.test(engineHost)) {
    v.problem(
      'spawner.container.host',
      'must be unix:///path, tcp://host:port or http://host:port'
    );
  }
  const storageText = v.string(ctr.storage, 'spawner.container.storage', '');
  const instanceText = v.string(ctr.instance, 'spawner.container.instance', '');
  if (instanceText && !/^[A-Za-z0-9_.-]{1,63}$/.test(instanceText)) {
    v.problem('spawner.container.instance', 'must be a short plain label');
  }
  const hostMounts: string[] = [];
  if (ctr.hostMounts !== undefined) {
    if (
      !Array.isArray(ctr.hostMounts) ||
      ctr.hostMounts.some(
        (m: unknown) => typeof m !== 'string' || !/^\/[^:]*(:\/[^:]*)?$/.test(m)
      )
    ) {
      v.problem(
        'spawner.container.hostMounts',
        'must be a list of absolute paths, /src or /src:/dst'
      );
    } else {
      hostMounts.push(...ctr.hostMounts);
    }
  }
  const containerConfig: IHubConfig['spawner']['container'] = {
    host: engineHost,
    storage: !storageText
      ? resolve(dataDir, 'containers')
      : isAbsolute(storageText)
        ? storageText
        : resolve(baseDir, storageText),
    instance: instanceText || null,
    hostIp: v.string(ctr.hostIp, 'spawner.container.hostIp', '127.0.0.1'),
    pull: v.oneOf(
      ctr.pull,
      'spawner.container.pull',
      ['missing', 'never'] as const,
      'missing'
    ),
    stopTimeout: v.integer(
      ctr.stopTimeout,
      'spawner.container.stopTimeout',
      10,
      0,
      600
    ),
    pidsLimit: v.integer(
      ctr.pidsLimit,
      'spawner.container.pidsLimit',
      1024,
      0,
      1 << 22
    ),
    hostMounts,
    uidBase: v.integer(
      ctr.uidBase,
      'spawner.container.uidBase',
      DEFAULT_UID_BASE,
      1000,
      MAX_UID_BASE
    )
  };
  const noticeText = v.string(
    spawner.noticeTemplates,
    'spawner.noticeTemplates',
    ''
  );
  const jupyterText = v.string(spawner.jupyter, 'spawner.jupyter', 'jupyter');
  const jupyter =
    jupyterText.includes('/') && !isAbsolute(jupyterText)
      ? resolve(baseDir, jupyterText)
      : jupyterText;
  const homeRootText = v.string(spawner.homeRoot, 'spawner.homeRoot', '');
  const homeRoot = !homeRootText
    ? resolve(dataDir, 'homes')
    : isAbsolute(homeRootText)
      ? homeRootText
      : resolve(baseDir, homeRootText);
  const spawnerEnv: Record<string, string> = {};
  const envData = v.object(
    spawner.env ?? {},
    'spawner.env',
    Object.keys(spawner.env ?? {})
  );
  for (const [k, val] of Object.entries(envData)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof val !== 'string') {
      v.problem(`spawner.env.${k}`, 'must be NAME: "text"');
    } else if (/^(NB_|LTI_|JUPYTER_TOKEN$)/.test(k)) {
      v.problem(`spawner.env.${k}`, 'is set by the hub');
    } else {
      spawnerEnv[k] = val;
    }
  }
  const spawnerConfig: IHubConfig['spawner'] = {
    backend,
    jupyter,
    homeRoot,
    startTimeout: v.integer(
      spawner.startTimeout,
      'spawner.startTimeout',
      60,
      1,
      3600
    ),
    spawnConcurrency: v.integer(
      spawner.spawnConcurrency,
      'spawner.spawnConcurrency',
      0,
      0,
      256
    ),
    queueTimeout: v.integer(
      spawner.queueTimeout,
      'spawner.queueTimeout',
      600,
      1,
      86400
    ),
    reuseActiveSeconds: v.integer(
      spawner.reuseActiveSeconds,
      'spawner.reuseActiveSeconds',
      60,
      0,
      86400
    ),
    cullIdleSeconds: v.integer(
      spawner.cullIdleSeconds,
      'spawner.cullIdleSeconds',
      0,
      0,
      30 * 86400
    ),
    onShutdown: v.oneOf(
      spawner.onShutdown,
      'spawner.onShutdown',
      ['leave', 'stop'] as const,
      'leave'
    ),
    env: spawnerEnv,
    timeLimitGrace: v.integer(
      spawner.timeLimitGrace,
      'spawner.timeLimitGrace',
      120,
      0,
      3600
    ),
    noticeTemplates: !noticeText
      ? null
      : isAbsolute(noticeText)
        ? noticeText
        : resolve(baseDir, noticeText),
    container: containerConfig
  };

  const api = v.object(root.api ?? {}, 'api', ['tokens']);
  const apiTokens = new SecretMap();
  const tokenList = api.tokens ?? [];
  if (!Array.isArray(tokenList)) {
    v.problem('api.tokens', 'must be a list of {name, secretEnv | secretFile}');
  } else {
    tokenList.forEach((item, i) => {
      const path = `api.tokens[${i}]`;
      const c = v.object(item, path, ['name', 'secretEnv', 'secretFile']);
      const name = v.string(c.name, `${path}.name`, '');
      if (!name) {
        v.problem(`${path}.name`, 'is required');
      } else if (apiTokens.has(name)) {
        v.problem(`${path}.name`, `"${name}" is listed twice`);
      }
      const token = readSecret(v, warnings, c, path, baseDir, env, true);
      if (token !== null && token.length < 16) {
        v.problem(path, 'an API token must be at least 16 characters');
      } else if (name && token !== null) {
        apiTokens.set(name, token);
      }
    });
  }

  const log = v.object(root.log ?? {}, 'log', ['level']);
  const level = v.oneOf(log.level, 'log.level', LOG_LEVELS, 'info');

  if (v.problems.length) {
    throw new ConfigError(source, v.problems);
  }
  return {
    config: {
      listen: { host, port },
      publicUrl,
      dataDir,
      proxy: { trusted, header },
      lti: {
        consumers,
        timestampWindow,
        usernameKey,
        usernameFallback,
        maxBodyBytes
      },
      session: { maxAge, secret: sessionSecret },
      spawn: policy,
      spawner: spawnerConfig,
      api: { tokens: apiTokens },
      log: { level }
    },
    warnings
  };
}

/**
 * Read a secret named by `secretEnv` or `secretFile` of a section.
 */
function readSecret(
  v: Validator,
  warnings: string[],
  section: Record<string, any>,
  path: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  required: boolean
): string | null {
  const hasEnv = section.secretEnv !== undefined;
  const hasFile = section.secretFile !== undefined;
  if (hasEnv && hasFile) {
    v.problem(path, 'give either secretEnv or secretFile, not both');
    return null;
  }
  if (hasEnv) {
    const name = v.string(section.secretEnv, `${path}.secretEnv`, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      v.problem(`${path}.secretEnv`, 'must be an environment variable name');
      return null;
    }
    const value = env[name];
    if (!value) {
      v.problem(
        `${path}.secretEnv`,
        `the environment variable ${name} is not set or empty`
      );
      return null;
    }
    return value;
  }
  if (hasFile) {
    const text = v.string(section.secretFile, `${path}.secretFile`, '');
    const file = isAbsolute(text) ? text : resolve(baseDir, text);
    try {
      const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (!value) {
        v.problem(`${path}.secretFile`, `${file} is empty`);
        return null;
      }
      if ((statSync(file).mode & 0o077) !== 0) {
        warnings.push(
          `${path}.secretFile: ${file} is readable by other users (chmod 600)`
        );
      }
      return value;
    } catch (e) {
      v.problem(
        `${path}.secretFile`,
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`
      );
      return null;
    }
  }
  if (required) {
    v.problem(path, 'needs secretEnv or secretFile');
  }
  return null;
}

/**
 * Collects problems while reading typed values with defaults.
 */
class Validator {
  problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path || '(top level)'}: ${message}`);
  }

  object(
    value: unknown,
    path: string,
    known: readonly string[]
  ): Record<string, any> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(path, 'must be a mapping');
      return {};
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        this.problem(
          path ? `${path}.${key}` : key,
          `unknown setting (known: ${known.join(', ')})`
        );
      }
    }
    return value as Record<string, any>;
  }

  string(value: unknown, path: string, fallback: string): string {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== 'string') {
      this.problem(path, 'must be a string');
      return fallback;
    }
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== 'boolean') {
      this.problem(path, 'must be true or false');
      return fallback;
    }
    return value;
  }

  number(
    value: unknown,
    path: string,
    fallback: number,
    min: number,
    max: number
  ): number {
    if (value === undefined) {
      return fallback;
    }
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? parseLmsNumber(value)
          : null;
    if (n === null || !Number.isFinite(n) || n < min || n > max) {
      this.problem(path, `must be a number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  integer(
    value: unknown,
    path: string,
    fallback: number,
    min: number,
    max: number
  ): number {
    const n = this.number(value, path, fallback, min, max);
    if (!Number.isInteger(n)) {
      this.problem(path, 'must be a whole number');
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(
    value: unknown,
    path: string,
    allowed: readonly T[],
    fallback: T
  ): T {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.problem(path, `must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return value as T;
  }
}
