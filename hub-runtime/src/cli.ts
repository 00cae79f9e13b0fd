#!/usr/bin/env node
/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * `ltilab-hub`: parse the command line, load the configuration and run the
 * hub until SIGTERM or SIGINT. Secrets come from the environment or files
 * named in the configuration, never from the command line.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ActivityTracker } from './activity.js';
import {
  ConfigError,
  loadConfig,
  parseConfig,
  type IHubConfig
} from './config.js';
import { createLogger, type ILogger } from './log.js';
import { HubServer } from './server.js';
import { ContainerSpawner, instanceLabel } from './spawner/container.js';
import { LocalSpawner } from './spawner/local.js';
import { ServerManager } from './spawner/manager.js';
import { loadNoticeTemplates } from './spawner/notices.js';
import type { ISpawner } from './spawner/types.js';
import { SqliteStore } from './store/sqlite.js';

export const USAGE = `Usage: ltilab-hub [options]

Run the ltilab hub: LTI 1.1 launches, per-user JupyterLab servers and the
authenticating proxy. Logs are JSON lines on stderr.

Options:
  -c, --config FILE    YAML or JSON configuration (see config.example.yaml)
      --demo           demo mode: the LTI test-consumer page at /hub/demo,
                       signed with a demo key generated at start. Anyone who
                       reaches the hub can then sign in as anyone.
      --host HOST      listen on HOST (overrides listen.host)
      --port PORT      listen on PORT, 0 for any (overrides listen.port)
      --data-dir DIR   state directory (overrides dataDir)
      --jupyter PATH   the jupyter executable (overrides spawner.jupyter)
  -h, --help           show this help
  -v, --version        show the version

Secrets are never given here: the configuration names an environment
variable (secretEnv) or a file (secretFile) for each.

Signals: SIGTERM or SIGINT shut down cleanly; user servers are left running
for the next start to adopt, or stopped with spawner.onShutdown: stop.
`;

/**
 * The parsed command line.
 */
export interface ICliOptions {
  config: string | null;
  demo: boolean;
  host: string | null;
  port: number | null;
  dataDir: string | null;
  jupyter: string | null;
  help: boolean;
  version: boolean;
}

/**
 * Parse argv (without node and the script). Throws on unknown options.
 */
export function parseCli(argv: readonly string[]): ICliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      jupyter: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' }
    }
  });
  let port: number | null = null;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      throw new Error(`--port must be a port number, not "${values.port}"`);
    }
  }
  return {
    config: values.config ?? null,
    demo: !!values.demo,
    host: values.host ?? null,
    port,
    dataDir: values['data-dir'] ?? null,
    jupyter: values.jupyter ?? null,
    help: !!values.help,
    version: !!values.version
  };
}

/**
 * Load the configuration and apply the command-line overrides.
 */
export function resolveConfig(
  cli: ICliOptions,
  env: NodeJS.ProcessEnv = process.env
): { config: IHubConfig; warnings: string[] } {
  const loaded = cli.config
    ? loadConfig(cli.config, env)
    : parseConfig({}, { source: '<defaults>', env });
  const config = loaded.config;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(p));
  if (cli.host !== null) {
    config.listen.host = cli.host;
  }
  if (cli.port !== null) {
    config.listen.port = cli.port;
  }
  if (cli.dataDir !== null) {
    const defaultHomes = resolve(config.dataDir, 'homes');
    config.dataDir = abs(cli.dataDir);
    if (config.spawner.homeRoot === defaultHomes) {
      config.spawner.homeRoot = resolve(config.dataDir, 'homes');
    }
    if (
      config.spawner.container.storage ===
      resolve(defaultHomes, '..', 'containers')
    ) {
      config.spawner.container.storage = resolve(config.dataDir, 'containers');
    }
  }
  if (cli.jupyter !== null) {
    config.spawner.jupyter = cli.jupyter.includes('/')
      ? abs(cli.jupyter)
      : cli.jupyter;
  }
  return { config, warnings: loaded.warnings };
}

/**
 * The demo consumer key.
 */
export const DEMO_KEY = 'ltilab-demo';

/**
 * A running hub and its shutdown.
 */
export interface IRunningHub {
  url: string;
  shutdown(): Promise<void>;
}

/**
 * Start everything from a configuration.
 */
export async function startHub(
  config: IHubConfig,
  options: { demo: boolean; logger: ILogger }
): Promise<IRunningHub> {
  const { logger } = options;
  let demo: { key: string; secret: string } | undefined;
  if (options.demo) {
    demo = { key: DEMO_KEY, secret: randomBytes(24).toString('base64url') };
    config.lti.consumers.set(demo.key, demo.secret);
    logger.warn('hub.demo', {
      message:
        'Demo mode: /hub/demo signs launches for anyone. Never use it for a course.'
    });
  }
  const store = new SqliteStore(config.dataDir);
  const activity = new ActivityTracker(store);
  const spawner = createSpawner(config, logger);
  const manager = new ServerManager({
    store,
    spawner,
    activity,
    logger,
    reuseActiveSeconds: config.spawner.reuseActiveSeconds,
    cullIdleSeconds: config.spawner.cullIdleSeconds,
    timeLimitGraceSeconds: config.spawner.timeLimitGrace,
    notices: loadNoticeTemplates(config.spawner.noticeTemplates)
  });
  const { adopted, cleaned } = await manager.adoptAll();
  logger.info('hub.adopted', { adopted, cleaned });
  const hub = new HubServer({
    config,
    store,
    logger,
    manager,
    apiTokens: config.api.tokens,
    demo
  });
  const cull = setInterval(() => {
    manager
      .cull()
      .catch(e =>
        logger.error('server.cull.failed', { error: (e as Error).message })
      );
  }, 60_000);
  cull.unref();
  const address = await hub.listen(config.listen.port, config.listen.host);
  const host =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info('hub.listening', {
    url,
    port: address.port,
    demo: !!demo,
    dataDir: config.dataDir,
    backend: spawner.name
  });
  let closing: Promise<void> | null = null;
  return {
    url,
    shutdown(): Promise<void> {
      closing ??= (async () => {
        clearInterval(cull);
        await hub.close();
        await manager.settle();
        if (config.spawner.onShutdown === 'stop') {
          await manager.stopAll();
        }
        activity.dispose();
        store.close();
        logger.info('hub.stopped', {
          servers: config.spawner.onShutdown === 'stop' ? 'stopped' : 'left'
        });
      })();
      return closing;
    }
  };
}

/**
 * The configured backend.
 */
export function createSpawner(config: IHubConfig, logger: ILogger): ISpawner {
  const s = config.spawner;
  if (s.backend === 'container') {
    const c = s.container;
    return new ContainerSpawner({
      host: c.host,
      storage: c.storage,
      instance: c.instance ?? instanceLabel(config.dataDir),
      imageAllowlist: config.spawn.imageAllowlist,
      defaultImage: config.spawn.defaultImage,
      hostIp: c.hostIp,
      spawnConcurrency: s.spawnConcurrency,
      startTimeoutMs: s.startTimeout * 1000,
      queueTimeoutMs: s.queueTimeout * 1000,
      pull: c.pull,
      stopTimeoutSeconds: c.stopTimeout,
      pidsLimit: c.pidsLimit,
      hostMounts: c.hostMounts,
      env: s.env,
      logger
    });
  }
  return new LocalSpawner({
    jupyter: s.jupyter,
    homeRoot: s.homeRoot,
    dataDir: config.dataDir,
    startTimeoutMs: s.startTimeout * 1000,
    spawnConcurrency: s.spawnConcurrency,
    queueTimeoutMs: s.queueTimeout * 1000,
    env: s.env,
    logger
  });
}

/**
 * The command: returns the exit code, or never returns while serving.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let cli: ICliOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    process.stderr.write(`ltilab-hub: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cli.version) {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    );
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  let config: IHubConfig;
  let warnings: string[];
  try {
    ({ config, warnings } = resolveConfig(cli));
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ltilab-hub: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const logger = createLogger(config.log.level);
  for (const warning of warnings) {
    logger.warn('config.warning', { warning });
  }
  if (!config.lti.consumers.size && !cli.demo) {
    logger.warn('config.warning', {
      warning: 'no LTI consumers are configured: every launch is refused'
    });
  }
  // Signals are handled from the start: one arriving while servers are
  // being adopted shuts down as soon as the hub is up.
  let hub: IRunningHub | null = null;
  let stopping: NodeJS.Signals | null = null;
  const shutdown = (running: IRunningHub): void => {
    running.shutdown().then(
      () => process.exit(0),
      e => {
        logger.error('hub.stop.failed', { error: (e as Error).message });
        process.exit(1);
      }
    );
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('hub.killed', { signal });
      process.exit(1);
    }
    stopping = signal;
    logger.info('hub.stopping', { signal });
    if (hub) {
      shutdown(hub);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  hub = await startHub(config, { demo: cli.demo, logger });
  if (stopping) {
    shutdown(hub);
  }
  return new Promise<number>(() => undefined);
}

// Run only as the command, not when imported (tests import parseCli).
if (
  process.argv[1] !== undefined &&
  new URL(import.meta.url).pathname === realpathSync(process.argv[1])
) {
  main(process.argv.slice(2)).then(
    code => process.exit(code),
    e => {
      process.stderr.write(`ltilab-hub: ${(e as Error).stack}\n`);
      process.exit(1);
    }
  );
}
