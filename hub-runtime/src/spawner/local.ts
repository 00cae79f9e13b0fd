/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The local backend: one `jupyter lab` process per user on this machine.
 *
 * It gives NO isolation between users: every server runs as the hub's own
 * operating-system user and can read every home. Isolation comes with the
 * container backend.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

import type { ILogger } from '../log.js';
import {
  planVolumes,
  spawnEnvironment,
  type IAccount,
  type IVolumeMount
} from '../spawn/environment.js';
import type { IServerRecord } from '../store/types.js';

import { StartSlots, acquireStartSlot } from './slots.js';
import type {
  INoticeOptions,
  ISpawner,
  ISpawnTarget,
  IStartedServer,
  ServerStatus
} from './types.js';

/**
 * Options of {@link LocalSpawner}.
 */
export interface ILocalSpawnerOptions {
  /**
   * The `jupyter` executable of the Python environment with JupyterLab and
   * the ltilab extensions.
   */
  jupyter: string;
  /**
   * Homes live at `<homeRoot>/<group>/<user>/jupyter/works`.
   */
  homeRoot: string;
  /**
   * Task and submit volumes are directories under `<dataDir>/volumes`; server
   * logs go to `<dataDir>/logs/<user>.log`.
   */
  dataDir: string;
  /**
   * How long a server may take to answer its status API. Default 60 s.
   */
  startTimeoutMs?: number;
  /**
   * How many servers start at once; more starts wait in a queue (see
   * {@link StartSlots}), and a start's timeout runs only once it leaves the
   * queue. Default: the number of CPUs, at least 2.
   */
  spawnConcurrency?: number;
  /**
   * The longest a start waits in that queue; past it the start fails with
   * a public reason. Default: no limit.
   */
  queueTimeoutMs?: number;
  /**
   * Picks a loopback port for a server; default {@link freePort}.
   */
  choosePort?: () => Promise<number>;
  /**
   * How often a starting server's status API is asked. Default 50 ms (a
   * request costs the server well under a millisecond).
   */
  readyPollMs?: number;
  /**
   * How long a server may take to exit after SIGTERM before SIGKILL.
   * Default 10 s.
   */
  stopTimeoutMs?: number;
  /**
   * The jnotice poll interval handed to JupyterLab. Default 60000.
   */
  noticePollMs?: number;
  /**
   * More `jupyter lab` arguments.
   */
  extraArgs?: readonly string[];
  /**
   * Extra environment variables for every server (`TZ`, `LANG`).
   */
  env?: Readonly<Record<string, string>>;
  logger: ILogger;
}

/**
 * The jnotice files, relative to the server root (the `works` directory).
 */
export const NOTICE_FILE = '.jnotice.txt';
export const STICKY_NOTICE_FILE = '.jnotice.sticky.txt';

/**
 * The `--ServerApp.tornado_settings` value that points JupyterLab's notice
 * banner at the notice files: JSON without spaces, as the predecessor
 * passed it. It also turns JupyterLab's build check off: students cannot
 * rebuild JupyterLab, and the check (`/lab/api/build` on every page load)
 * costs a new server about a second of CPU at its busiest moment, right
 * after the start. The flags are strings because the argument is read as a
 * Python literal (no `false`); JupyterLab reads page options as strings
 * anyway.
 */
export function jnoticeSettings(pollMs = 60000): string {
  return JSON.stringify({
    page_config_data: {
      jnotice: { path: NOTICE_FILE, stickyPath: STICKY_NOTICE_FILE, pollMs },
      buildAvailable: 'false',
      buildCheck: 'false'
    }
  });
}

/**
 * Runs `jupyter lab` processes on loopback ports.
 *
 * #### Notes
 * Each server gets a random token, passed in `JUPYTER_TOKEN` (not argv, which
 * other local users can read), and a minimal environment: `PATH`, `HOME`,
 * `LANG`, the configured extras and the predecessor's `NB_*`/`LTI_*`
 * variables. Nothing else of the hub's environment (its secrets) reaches it.
 * Servers run in their own process group and outlive the hub, which adopts
 * them when it comes back.
 */
export class LocalSpawner implements ISpawner {
  constructor(options: ILocalSpawnerOptions) {
    this._options = options;
    this._slots = new StartSlots(
      options.spawnConcurrency || Math.max(2, availableParallelism())
    );
  }

  readonly name = 'local';

  async start(target: ISpawnTarget): Promise<IStartedServer> {
    const o = this._options;
    const name = target.user.name;
    const account: IAccount = {
      ...target.account,
      home: join(o.homeRoot, target.account.group, name)
    };
    const works = join(account.home, 'jupyter', 'works');
    mkdirSync(works, { recursive: true, mode: 0o700 });
    const mounts = planVolumes(
      target.request,
      target.user,
      Math.floor(Date.now() / 1000)
    );
    this._linkVolumes(works, mounts, name);

    const release = await acquireStartSlot(
      this._slots,
      p => target.onProgress?.(p),
      { timeoutMs: o.queueTimeoutMs, percent: 2, user: name }
    );
    try {
      target.onProgress?.({
        phase: 'starting',
        percent: 10,
        message: 'Starting your server'
      });
      return await this._tryPorts(target, account, works, mounts);
    } finally {
      release();
    }
  }

  /**
   * Start the server, on another port when its port was taken.
   */
  private async _tryPorts(
    target: ISpawnTarget,
    account: IAccount,
    works: string,
    mounts: readonly IVolumeMount[]
  ): Promise<IStartedServer> {
    const name = target.user.name;
    // A port handed out here can still be taken before the server binds it
    // (by a kernel, or any other process): the server then exits at once,
    // and the start is tried again on another port.
    for (let attempt = 1; ; attempt++) {
      const port = await (this._options.choosePort ?? freePort)();
      try {
        return await this._run(target, account, works, mounts, port);
      } catch (e) {
        if (!(e instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) {
          throw e;
        }
        this._options.logger.warn('spawner.local.port.taken', {
          user: name,
          port
        });
      } finally {
        releasePort(port);
      }
    }
  }

  /**
   * Start `jupyter lab` on one port and wait until it answers.
   */
  private async _run(
    target: ISpawnTarget,
    account: IAccount,
    works: string,
    mounts: readonly IVolumeMount[],
    port: number
  ): Promise<IStartedServer> {
    const o = this._options;
    const name = target.user.name;
    const token = randomBytes(32).toString('hex');
    const baseUrl = `/user/${name}/`;
    const notice = jnoticeSettings(o.noticePollMs);
    const args = [
      'lab',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.base_url=${baseUrl}`,
      `--ServerApp.root_dir=${works}`,
      `--ServerApp.default_url=${target.request.defaultUrl}`,
      '--ContentsManager.allow_hidden=True',
      `--ServerApp.tornado_settings=${notice}`,
      // Containers drop root; this backend runs as the hub does.
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
      ...(o.extraArgs ?? [])
    ];
    const env: Record<string, string> = {
      PATH: isAbsolute(o.jupyter)
        ? `${dirname(o.jupyter)}:${process.env.PATH ?? '/usr/bin:/bin'}`
        : (process.env.PATH ?? '/usr/bin:/bin'),
      HOME: account.home,
      LANG: process.env.LANG ?? 'C.UTF-8',
      ...(o.env ?? {}),
      ...spawnEnvironment(target.request, target.user, account, mounts),
      JUPYTER_TOKEN: token
    };
    const logDir = join(o.dataDir, 'logs');
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a', 0o600);
    // Only this attempt's output tells why it failed.
    const logStart = fstatSync(fd).size;
    const child = spawn(o.jupyter, args, {
      cwd: works,
      env,
      detached: true,
      stdio: ['ignore', fd, fd]
    });
    closeSync(fd);
    child.unref();
    let exited: string | null = null;
    child.on('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      this._owned.delete(child.pid!);
    });
    child.on('error', e => {
      exited = e.message;
    });
    const pid = child.pid ?? null;
    if (pid !== null) {
      this._owned.add(pid);
    }
    const url = `http://127.0.0.1:${port}`;
    const record = { url, token, pid, userName: name };
    const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
    for (;;) {
      if (exited !== null) {
        const log = tail(logFile, logStart);
        throw new (PORT_TAKEN.test(log) ? PortTakenError : Error)(
          `jupyter lab for ${name} ended (${exited}) before it was ready: ${log}`
        );
      }
      if (await checkStatus(record)) {
        break;
      }
      if (Date.now() > deadline) {
        await this._kill(pid);
        throw new Error(`jupyter lab for ${name} did not start in time`);
      }
      await sleep(o.readyPollMs ?? 50);
    }
    o.logger.info('spawner.local.started', { user: name, pid, port });
    return { url, token, pid, data: { port, home: account.home, works } };
  }

  async stop(server: IServerRecord): Promise<void> {
    if (server.pid !== null && this._owned.has(server.pid)) {
      await this._kill(server.pid);
      this._options.logger.info('spawner.local.stopped', {
        user: server.userName,
        pid: server.pid
      });
    }
  }

  async status(server: IServerRecord): Promise<ServerStatus> {
    return server.pid !== null &&
      isAlive(server.pid) &&
      (await checkStatus(server))
      ? 'running'
      : 'stopped';
  }

  async adopt(server: IServerRecord): Promise<boolean> {
    // The pid must be alive and the port must answer to the recorded token:
    // a reused pid or port alone is not enough.
    if ((await this.status(server)) !== 'running') {
      return false;
    }
    this._owned.add(server.pid!);
    return true;
  }

  async notify(
    server: IServerRecord,
    text: string,
    options: INoticeOptions = {}
  ): Promise<void> {
    const works = server.data.works;
    if (typeof works === 'string') {
      writeFileSync(
        join(works, options.sticky ? STICKY_NOTICE_FILE : NOTICE_FILE),
        text + '\n'
      );
    }
  }

  /**
   * Make `.volumes/<volume>` and the display-name links in `works/`.
   * Task and submit volumes are shared directories under the data directory;
   * a personal volume is the user's own directory, seeded (without
   * overwriting) from the task volume of the same name. Access modes are
   * not enforced: this backend has no isolation.
   */
  private _linkVolumes(
    works: string,
    mounts: readonly IVolumeMount[],
    user: string
  ): void {
    const volumes = join(works, '.volumes');
    mkdirSync(volumes, { recursive: true, mode: 0o700 });
    const shared = join(this._options.dataDir, 'volumes');
    for (const m of mounts) {
      const at = join(volumes, m.spec.volumeName);
      if (m.spec.kind === 'personal') {
        if (!existsSync(at) || isLink(at)) {
          removeLink(at);
          mkdirSync(at, { recursive: true, mode: 0o700 });
        }
        if (m.spec.seedFrom) {
          const seed = join(shared, m.spec.seedFrom);
          if (existsSync(seed)) {
            cpSync(seed, at, {
              recursive: true,
              force: false,
              errorOnExist: false
            });
          }
        }
      } else {
        const dir = join(shared, m.spec.volumeName);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        removeLink(at);
        if (!existsSync(at)) {
          symlinkSync(dir, at);
        }
      }
      if (m.link) {
        const link = join(works, m.link);
        removeLink(link);
        if (!existsSync(link)) {
          symlinkSync(m.path, link);
        } else {
          this._options.logger.warn('spawner.local.link.taken', {
            user,
            link: m.link
          });
        }
      }
    }
  }

  /**
   * SIGTERM the process group, then SIGKILL it after the stop timeout.
   */
  private async _kill(pid: number | null): Promise<void> {
    if (pid === null) {
      return;
    }
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + (this._options.stopTimeoutMs ?? 10_000);
    while (isAlive(pid) && Date.now() < deadline) {
      await sleep(100);
    }
    if (isAlive(pid)) {
      signal(pid, 'SIGKILL');
      const killDeadline = Date.now() + 5000;
      while (isAlive(pid) && Date.now() < killDeadline) {
        await sleep(50);
      }
    }
    this._owned.delete(pid);
  }

  private _options: ILocalSpawnerOptions;
  private _slots: StartSlots;
  /**
   * Pids this process started or proved (by token) to be a recorded server.
   */
  private _owned = new Set<number>();
}

/**
 * Ask a server's status API with its token.
 */
export function checkStatus(server: {
  url: string | null;
  token: string | null;
  userName: string;
}): Promise<boolean> {
  if (!server.url || !server.token) {
    return Promise.resolve(false);
  }
  return new Promise(resolve => {
    const req = httpRequest(
      `${server.url}/user/${server.userName}/api/status`,
      {
        headers: { authorization: `token ${server.token}` },
        timeout: 2000,
        agent: false
      },
      res => {
        res.resume();
        resolve(res.statusCode === 200);
      }
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * How often a start is tried on a new port when its port was taken.
 */
const PORT_ATTEMPTS = 3;

/**
 * What Jupyter Server logs when its port is taken (`port_retries=0`).
 */
const PORT_TAKEN = /port \d+ is already in use|EADDRINUSE/i;

/**
 * A start failed because another process had its port.
 */
class PortTakenError extends Error {}

/**
 * Ports handed out by {@link freePort} whose server may not have bound them
 * yet, with when the reservation lapses.
 */
const reservedPorts = new Map<number, number>();

/**
 * A free loopback port (bound and released; the server binds it right after
 * with `port_retries=0`, so a lost race fails loudly). A port handed out is
 * not handed out again until {@link releasePort} or a minute later, so
 * concurrent starts in this process never share one.
 */
export async function freePort(): Promise<number> {
  const now = Date.now();
  for (const [port, until] of reservedPorts) {
    if (until < now) {
      reservedPorts.delete(port);
    }
  }
  for (let i = 0; ; i++) {
    const port = await bindAndRelease();
    if (!reservedPorts.has(port) || i >= 20) {
      reservedPorts.set(port, now + 60_000);
      return port;
    }
  }
}

/**
 * End the reservation of a port from {@link freePort}.
 */
export function releasePort(port: number): void {
  reservedPorts.delete(port);
}

function bindAndRelease(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether a process exists and is not a zombie (an exited process whose
 * parent, after a hub restart maybe init, has not reaped it yet).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", comm may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    );
  } catch {
    return true;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function removeLink(path: string): void {
  if (isLink(path)) {
    unlinkSync(path);
  }
}

function tail(file: string, from = 0): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8').slice(-800);
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
