/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The container backend: one container per user through the Docker Engine
 * API, served by Docker or by Podman (`podman system service`).
 *
 * @module
 */

import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';

import type Docker from 'dockerode';

import { connectEngine, execIn, isNotFound } from '../docker/engine.js';
import type { ILogger } from '../log.js';
import { globMatch } from '../lti/params.js';
import {
  TEACHER_GID,
  planVolumes,
  spawnEnvironment
} from '../spawn/environment.js';
import type { IServerRecord } from '../store/types.js';

import { prepareContainerHome } from './containerHome.js';
import {
  NOTICE_FILE,
  STICKY_NOTICE_FILE,
  checkStatus,
  jnoticeSettings
} from './local.js';
import { SpawnError } from './manager.js';
import { StartSlots, acquireStartSlot } from './slots.js';
import type {
  INoticeOptions,
  IServerUsage,
  ISpawner,
  ISpawnProgress,
  ISpawnTarget,
  IStartedServer,
  ServerStatus
} from './types.js';

/**
 * Options of {@link ContainerSpawner}.
 */
export interface IContainerSpawnerOptions {
  /**
   * The engine: `unix:///run/podman/podman.sock`, `tcp://host:2375`.
   */
  host: string;
  /**
   * Homes (`<storage>/homes/<group>/<user>`) and shared volumes
   * (`<storage>/volumes/<volume name>`) on the engine's host. The hub
   * prepares them, so it runs on that host, as root.
   */
  storage: string;
  /**
   * Images an activity may ask for (patterns with `*` and `?`); the default
   * image is always allowed.
   */
  imageAllowlist: readonly string[];
  defaultImage: string | null;
  /**
   * Labels every container of this hub (`io.ltilab.hub`), so two hubs can
   * share an engine and orphans are found.
   */
  instance: string;
  /**
   * Where the published Jupyter port listens on the host. Default
   * `127.0.0.1`.
   */
  hostIp?: string;
  /**
   * Starts running at once; more wait in a queue ({@link StartSlots}), and
   * the start timeout runs only once a start leaves it. Default: the
   * number of CPUs, at least 2.
   */
  spawnConcurrency?: number;
  /**
   * From the start of creation to a server answering; past it the container
   * is removed and the start fails. Default 120 s.
   */
  startTimeoutMs?: number;
  /**
   * The longest a start waits in the queue for a slot; past it the start
   * fails with the same kind of error page as a start timeout. Default: no
   * limit.
   */
  queueTimeoutMs?: number;
  /**
   * `missing`: pull an image that is not there; `never`: refuse it.
   */
  pull?: 'missing' | 'never';
  /**
   * Seconds between SIGTERM and SIGKILL on stop. Default 10.
   */
  stopTimeoutSeconds?: number;
  /**
   * The process limit of a container; 0 for none. Default 1024.
   */
  pidsLimit?: number;
  /**
   * Host paths bind-mounted read-only (`/src` or `/src:/dst`): for an image
   * that uses the host's Python, as the test image does.
   */
  hostMounts?: readonly string[];
  /**
   * Extra environment variables for every container (`PATH`, `TZ`, `LANG`).
   */
  env?: Readonly<Record<string, string>>;
  /**
   * The jnotice poll interval handed to JupyterLab. Default 60000.
   */
  noticePollMs?: number;
  logger: ILogger;
}

/**
 * The port Jupyter listens on inside every container.
 */
export const CONTAINER_PORT = 8888;

/**
 * The labels of a container, all under `io.ltilab.`.
 */
export const LABELS = {
  hub: 'io.ltilab.hub',
  user: 'io.ltilab.user',
  course: 'io.ltilab.course',
  activity: 'io.ltilab.activity',
  spec: 'io.ltilab.spec',
  role: 'io.ltilab.role'
} as const;

/**
 * Runs each user's JupyterLab in its own container.
 *
 * #### Notes
 * - The container runs as the user's uid and gid (teachers also get the
 *   `TEACHER` group), not privileged, with no new privileges and every
 *   capability dropped, and with the activity's CPU and memory limits.
 * - Its Jupyter server has a random token the hub keeps; the port is
 *   published on {@link IContainerSpawnerOptions.hostIp} only.
 * - Volumes follow the predecessor (see {@link prepareContainerHome}).
 * - Containers carry {@link LABELS}; after a restart the hub adopts
 *   running ones whose labels and token match its records and removes the
 *   rest ({@link removeOrphans}).
 * - Notices are written from inside the container as the user, never by
 *   the hub into the user's home.
 */
export class ContainerSpawner implements ISpawner {
  constructor(options: IContainerSpawnerOptions) {
    this._o = options;
    this._docker = connectEngine(options.host);
    this._slots = new StartSlots(
      options.spawnConcurrency || Math.max(2, availableParallelism())
    );
  }

  readonly name = 'container';

  /**
   * The engine client (tests inspect containers through it).
   */
  get docker(): Docker {
    return this._docker;
  }

  async start(target: ISpawnTarget): Promise<IStartedServer> {
    const report = (p: ISpawnProgress): void => target.onProgress?.(p);
    const image = this._checkImage(target.request.image);
    const release = await acquireStartSlot(this._slots, report, {
      timeoutMs: this._o.queueTimeoutMs,
      percent: 5,
      user: target.user.name
    });
    try {
      return await this._start(target, image, report);
    } finally {
      release();
    }
  }

  async stop(server: IServerRecord): Promise<void> {
    const info = await this._inspectOwn(server);
    if (!info) {
      return;
    }
    const container = this._docker.getContainer(info.Id);
    try {
      await container.stop({ t: this._o.stopTimeoutSeconds ?? 10 });
    } catch (e) {
      // 304: already stopped.
      if (!isNotFound(e) && (e as { statusCode?: number }).statusCode !== 304) {
        this._o.logger.warn('spawner.container.stop.failed', {
          user: server.userName,
          error: (e as Error).message
        });
      }
    }
    await this._remove(info.Id);
    this._o.logger.info('spawner.container.stopped', {
      user: server.userName,
      container: info.Id.slice(0, 12)
    });
  }

  async status(server: IServerRecord): Promise<ServerStatus> {
    // Jupyter is the container's process 1 (`exec`), so the container runs
    // exactly as long as the server. A busy server that is slow to answer
    // is still running. An exited container is removed here: its record is
    // about to be dropped.
    const info = await this._inspectOwn(server);
    if (info && !info.State.Running) {
      await this._remove(info.Id);
    }
    return info?.State.Running ? 'running' : 'stopped';
  }

  async adopt(server: IServerRecord): Promise<boolean> {
    // The labels prove the container is this hub's and the user's, with the
    // recorded spec; the token proves the server is the recorded one.
    const info = await this._inspectOwn(server);
    return (
      !!info &&
      info.Config.Labels?.[LABELS.spec] === server.specHash &&
      info.State.Running &&
      (await checkStatus(server))
    );
  }

  async notify(
    server: IServerRecord,
    text: string,
    options: INoticeOptions = {}
  ): Promise<void> {
    const info = await this._inspectOwn(server);
    if (!info?.State.Running) {
      return;
    }
    const works = String(server.data.works ?? '');
    const file = options.sticky ? STICKY_NOTICE_FILE : NOTICE_FILE;
    const result = await execIn(
      this._docker.getContainer(info.Id),
      [
        '/bin/sh',
        '-c',
        'printf "%s\\n" "$LTILAB_NOTICE" > "$1"',
        'notice',
        file
      ],
      {
        user: info.Config.User,
        env: [`LTILAB_NOTICE=${text}`],
        workingDir: works
      }
    );
    if (result.exitCode !== 0) {
      throw new Error(`writing the notice failed: ${result.stderr.trim()}`);
    }
  }

  async usage(server: IServerRecord): Promise<IServerUsage | null> {
    const info = await this._inspectOwn(server);
    if (!info?.State.Running) {
      return null;
    }
    const stats = (await this._docker
      .getContainer(info.Id)
      // one-shot: Docker answers at once instead of sampling twice.
      .stats({ stream: false, 'one-shot': true } as {
        stream: false;
      })) as unknown as IStats;
    const m = stats.memory_stats ?? {};
    const cache = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0;
    const memory = Math.max(0, (m.usage ?? 0) - cache);
    const limit = Number(server.data.memLimit ?? 0) || m.limit || 0;
    return { memory, memoryLimit: limit };
  }

  async removeOrphans(kept: readonly IServerRecord[]): Promise<string[]> {
    const keep = new Set(kept.map(s => String(s.data.containerId ?? '')));
    const list = await this._docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.hub}=${this._o.instance}`] }
    });
    const removed: string[] = [];
    for (const c of list) {
      if (!keep.has(c.Id)) {
        await this._remove(c.Id);
        removed.push(c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12));
      }
    }
    return removed;
  }

  private async _start(
    target: ISpawnTarget,
    image: string,
    report: (p: ISpawnProgress) => void
  ): Promise<IStartedServer> {
    const o = this._o;
    const { user, account, request } = target;
    const name = user.name;
    const deadline = Date.now() + (o.startTimeoutMs ?? 120_000);
    const timeoutSeconds = Math.round((o.startTimeoutMs ?? 120_000) / 1000);

    await this._ensureImage(image, report);
    report({
      phase: 'creating',
      percent: 30,
      message: 'Preparing your files and container'
    });
    const mounts = planVolumes(request, user, Math.floor(Date.now() / 1000));
    const layout = prepareContainerHome(
      o.storage,
      name,
      account,
      mounts,
      (event, fields) => o.logger.warn(event, fields)
    );
    const works = `${account.home}/jupyter/works`;
    const token = randomBytes(32).toString('hex');
    const notice = jnoticeSettings(o.noticePollMs);
    const env: Record<string, string> = {
      HOME: account.home,
      USER: name,
      LOGNAME: name,
      LANG: 'C.UTF-8',
      ...(o.env ?? {}),
      ...spawnEnvironment(request, user, account, mounts),
      JUPYTER_TOKEN: token
    };
    const binds = [
      ...layout.binds,
      ...(o.hostMounts ?? []).map(m => {
        const [src, dst] = m.split(':');
        return `${src}:${dst ?? src}:ro`;
      })
    ];
    const context = request.context;
    const containerName = [
      'ltilab',
      context.contextId || '0',
      String(request.session.ltiId),
      randomBytes(4).toString('hex'),
      name
    ]
      .join('-')
      .replace(/[^a-zA-Z0-9_.-]/g, '_')
      .slice(0, 200);
    const nanoCpus = Math.round(request.cpuLimit * 1e9);
    const guarantees = guaranteeConfig(request);
    let container: Docker.Container;
    try {
      container = await this._docker.createContainer({
        name: containerName,
        Image: image,
        // The image's entrypoint is not used: the umask is the predecessor's
        // (NB_UMASK), then `jupyter lab` from the image's PATH.
        Entrypoint: [
          '/bin/sh',
          '-c',
          'umask "$NB_UMASK" && exec "$@"',
          'ltilab-start'
        ],
        Cmd: [
          'jupyter',
          'lab',
          '--no-browser',
          '--ServerApp.ip=0.0.0.0',
          `--ServerApp.port=${CONTAINER_PORT}`,
          '--ServerApp.port_retries=0',
          `--ServerApp.base_url=/user/${name}/`,
          `--ServerApp.root_dir=${works}`,
          `--ServerApp.default_url=${request.defaultUrl}`,
          '--ContentsManager.allow_hidden=True',
          `--ServerApp.tornado_settings=${notice}`
        ],
        User: `${account.uid}:${account.gid}`,
        WorkingDir: works,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: {
          [LABELS.hub]: o.instance,
          [LABELS.user]: name,
          [LABELS.course]: context.contextId,
          [LABELS.activity]: context.resourceLinkId,
          [LABELS.spec]: target.specHash,
          [LABELS.role]: user.isTeacher ? 'teacher' : 'student'
        },
        ExposedPorts: { [`${CONTAINER_PORT}/tcp`]: {} },
        HostConfig: {
          Binds: binds,
          PortBindings: {
            [`${CONTAINER_PORT}/tcp`]: [
              { HostIp: o.hostIp ?? '127.0.0.1', HostPort: '' }
            ]
          },
          Privileged: false,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          GroupAdd: user.isTeacher ? [String(TEACHER_GID)] : [],
          ...(nanoCpus > 0 ? { NanoCpus: nanoCpus } : {}),
          ...(request.memLimit > 0
            ? { Memory: request.memLimit, MemorySwap: request.memLimit }
            : {}),
          ...guarantees,
          ...((o.pidsLimit ?? 1024) > 0
            ? { PidsLimit: o.pidsLimit ?? 1024 }
            : {}),
          RestartPolicy: { Name: 'no' }
        }
      });
    } catch (e) {
      throw new SpawnError(
        `creating the container for ${name} failed: ${(e as Error).message}`,
        'Your server could not be created. Try again later, or ask your teacher.'
      );
    }
    const id = container.id;
    try {
      report({
        phase: 'starting',
        percent: 50,
        message: 'Starting your server'
      });
      await container.start();
      const info = await container.inspect();
      const binding =
        info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0];
      if (!binding?.HostPort) {
        throw new Error('the engine published no port');
      }
      const host =
        binding.HostIp && binding.HostIp !== '0.0.0.0'
          ? binding.HostIp
          : '127.0.0.1';
      const url = `http://${host}:${binding.HostPort}`;
      const record = { url, token, userName: name };
      const startedAt = Date.now();
      let polls = 0;
      for (;;) {
        const waited = (Date.now() - startedAt) / 1000;
        report({
          phase: 'waiting',
          percent: Math.min(95, 60 + Math.round(waited * 4)),
          message: 'Waiting for JupyterLab to answer'
        });
        if (await checkStatus(record)) {
          break;
        }
        // Inspecting costs the engine more than a refused connection costs
        // us: look at the container once a second only.
        const state =
          ++polls % 5 === 0 ? (await container.inspect()).State : null;
        if (state && !state.Running) {
          const logs = await this._logs(container);
          throw new Error(
            `the container ended (exit code ${state.ExitCode}) before it was ready: ${logs}`
          );
        }
        if (Date.now() > deadline) {
          throw new SpawnError(
            `the server of ${name} did not start in ${timeoutSeconds} s`,
            `Your server did not start within ${timeoutSeconds} seconds and was removed. ` +
              'Open the activity again in a minute; if it keeps happening, tell your teacher.'
          );
        }
        await sleep(200);
      }
      o.logger.info('spawner.container.started', {
        user: name,
        container: id.slice(0, 12),
        image,
        url
      });
      return {
        url,
        token,
        pid: null,
        data: {
          containerId: id,
          containerName,
          image,
          works,
          home: layout.homeHost,
          memLimit: request.memLimit
        }
      };
    } catch (e) {
      await this._remove(id);
      throw e;
    }
  }

  /**
   * The image to run: the request's (checked against the allowlist again,
   * in case a record or a policy changed) or the default.
   */
  private _checkImage(image: string | null): string {
    const o = this._o;
    if (!image) {
      throw new SpawnError(
        'no image: the activity names none and the hub has no default',
        'This activity names no image and the hub has no default image. Ask your teacher.'
      );
    }
    if (
      image !== o.defaultImage &&
      !o.imageAllowlist.some(p => globMatch(p, image))
    ) {
      throw new SpawnError(
        `the image ${image} is not allowed`,
        `The image "${image}" is not allowed on this hub. Ask your teacher.`
      );
    }
    return image;
  }

  private async _ensureImage(
    image: string,
    report: (p: ISpawnProgress) => void
  ): Promise<void> {
    try {
      await this._docker.getImage(image).inspect();
      return;
    } catch (e) {
      if (!isNotFound(e)) {
        throw e;
      }
    }
    const missing = new SpawnError(
      `the image ${image} is not on the engine`,
      `The image "${image}" is not available on this hub. Ask your teacher.`
    );
    if (this._o.pull === 'never') {
      throw missing;
    }
    report({ phase: 'pulling', percent: 15, message: `Fetching ${image}` });
    try {
      const stream = await this._docker.pull(image);
      await new Promise<void>((resolve, reject) =>
        this._docker.modem.followProgress(stream, err =>
          err ? reject(err) : resolve()
        )
      );
    } catch (e) {
      this._o.logger.warn('spawner.container.pull.failed', {
        image,
        error: (e as Error).message
      });
      throw missing;
    }
  }

  /**
   * Inspect the recorded container; null unless it exists and carries this
   * hub's and this user's labels (a backend never touches what it cannot
   * prove is its own).
   */
  private async _inspectOwn(
    server: IServerRecord
  ): Promise<Docker.ContainerInspectInfo | null> {
    const id = server.data.containerId;
    if (typeof id !== 'string' || !id) {
      return null;
    }
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this._docker.getContainer(id).inspect();
    } catch (e) {
      if (isNotFound(e)) {
        return null;
      }
      throw e;
    }
    const labels = info.Config.Labels ?? {};
    return labels[LABELS.hub] === this._o.instance &&
      labels[LABELS.user] === server.userName
      ? info
      : null;
  }

  private async _remove(id: string): Promise<void> {
    try {
      await this._docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (!isNotFound(e)) {
        this._o.logger.warn('spawner.container.remove.failed', {
          container: id.slice(0, 12),
          error: (e as Error).message
        });
      }
    }
  }

  private async _logs(container: Docker.Container): Promise<string> {
    try {
      const buf = (await container.logs({
        stdout: true,
        stderr: true,
        tail: 20
      })) as unknown as Buffer;
      return buf.toString('utf8').slice(-800);
    } catch {
      return '';
    }
  }

  private _o: IContainerSpawnerOptions;
  private _docker: Docker;
  private _slots: StartSlots;
}

/**
 * Docker's CPU weight of a container that asks for nothing: one core's
 * worth in {@link guaranteeConfig}.
 */
export const DEFAULT_CPU_SHARES = 1024;

/**
 * `lms_cpugrnt` and `lms_memgrnt` as engine settings.
 *
 * #### Notes
 * - Memory: `MemoryReservation`, a soft limit the kernel reclaims down to
 *   only under memory pressure (cgroup v2 `memory.low`). It is capped at
 *   the hard limit, which the engine requires.
 * - CPU: the engine has no CPU guarantee, only a relative weight.
 *   `CpuShares` = {@link DEFAULT_CPU_SHARES} × cores (capped at the CPU
 *   limit), so under contention a container that asked for 2 cores gets
 *   twice the CPU time of one that asked for nothing (the default weight),
 *   and one that asked for 0.5 half. With no contention a container may use
 *   up to its limit whatever its weight. Podman turns the shares into
 *   cgroup v2 `cpu.weight`.
 * - Neither is set when not asked for (or 0), so the engine's defaults hold.
 */
export function guaranteeConfig(request: {
  cpuLimit: number;
  memLimit: number;
  cpuGuarantee: number | null;
  memGuarantee: number | null;
}): { CpuShares?: number; MemoryReservation?: number } {
  const out: { CpuShares?: number; MemoryReservation?: number } = {};
  const cores =
    request.cpuLimit > 0
      ? Math.min(request.cpuGuarantee ?? 0, request.cpuLimit)
      : (request.cpuGuarantee ?? 0);
  if (cores > 0) {
    // 2 and 262144 are the kernel's bounds of cgroup v1 cpu.shares.
    out.CpuShares = Math.min(
      262_144,
      Math.max(2, Math.round(DEFAULT_CPU_SHARES * cores))
    );
  }
  const memory =
    request.memLimit > 0
      ? Math.min(request.memGuarantee ?? 0, request.memLimit)
      : (request.memGuarantee ?? 0);
  if (memory > 0) {
    out.MemoryReservation = Math.floor(memory);
  }
  return out;
}

/**
 * A hub instance label from its data directory, so hubs sharing an engine
 * never touch each other's containers.
 */
export function instanceLabel(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
}

/**
 * The part of `GET /containers/<id>/stats` the memory check reads.
 */
interface IStats {
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: { inactive_file?: number; total_inactive_file?: number };
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
