/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's side of user servers: one per user, the relaunch rule, adoption
 * after a restart and idle culling, over any {@link ISpawner}.
 *
 * @module
 */

import type { ActivityTracker } from '../activity.js';
import type { ILogger } from '../log.js';
import type { IHubStore, IServerRecord } from '../store/types.js';

import {
  DEFAULT_NOTICES,
  noticeText,
  type INoticeText,
  type NoticeKind
} from './notices.js';
import type { ISpawner, ISpawnProgress, ISpawnTarget } from './types.js';

/**
 * Options of {@link ServerManager}.
 */
export interface IServerManagerOptions {
  store: IHubStore;
  spawner: ISpawner;
  activity: ActivityTracker;
  logger: ILogger;
  /**
   * The relaunch rule's window: a running server with another spec that had
   * traffic (or an open WebSocket) in the last this many seconds is reused
   * instead of restarted. Default 60.
   */
  reuseActiveSeconds?: number;
  /**
   * Stop servers idle for this many seconds; 0 never. Default 0.
   */
  cullIdleSeconds?: number;
  /**
   * At the activity time limit the user gets a sticky notice; the server
   * stops this many seconds later (the predecessor waited 120). Default 0.
   */
  timeLimitGraceSeconds?: number;
  /**
   * The notice texts (see {@link loadNoticeTemplates}); default the
   * built-in ones.
   */
  notices?: Readonly<Record<NoticeKind, INoticeText>>;
  now?: () => number;
}

/**
 * What {@link ServerManager.launch} did.
 */
export type LaunchOutcome = 'started' | 'reused' | 'kept' | 'restarted';

/**
 * The notice a user gets when their running server is kept for a launch
 * with other settings.
 */
export const KEPT_NOTICE =
  'You opened an activity with different settings while this session was in use, so this session was kept. ' +
  'To switch, save your work, close this tab and open the activity again in a minute.';

/**
 * The predecessor's notice at 90 % of the activity time limit.
 */
export const TIME_LIMIT_NOTICE = noticeText(DEFAULT_NOTICES.active);

/**
 * Memory use above this share of the limit brings the memory notice, as in
 * the predecessor's health check; it is given again only after use fell
 * below {@link MEMORY_CLEAR_RATIO}.
 */
export const MEMORY_WARNING_RATIO = 0.9;
export const MEMORY_CLEAR_RATIO = 0.8;

/**
 * One server per user.
 *
 * #### The relaunch rule
 * A launch for a user with a running server compares spec hashes:
 * - same hash: the server is reused (`reused`);
 * - another hash, and the server was active in the last
 *   `reuseActiveSeconds` (traffic, or an open WebSocket such as a kernel
 *   connection): it is kept with its old settings and the user gets a
 *   JupyterLab notice ({@link KEPT_NOTICE}) (`kept`);
 * - another hash and idle: it is stopped and started with the new spec
 *   (`restarted`).
 * A user without a running server gets one (`started`). Launches of one user
 * are handled one at a time.
 */
export class ServerManager {
  constructor(options: IServerManagerOptions) {
    this._o = options;
    this._now = options.now ?? Date.now;
  }

  get spawner(): ISpawner {
    return this._o.spawner;
  }

  get activity(): ActivityTracker {
    return this._o.activity;
  }

  /**
   * Give the user a server for a launch (see the class notes).
   */
  launch(target: ISpawnTarget): Promise<LaunchOutcome> {
    return this._serial(target.user.name, () => this._launch(target));
  }

  /**
   * The running server of a user, waiting for a start in progress; null when
   * there is none.
   */
  async route(user: string): Promise<IServerRecord | null> {
    const pending = this._pending.get(user);
    if (pending) {
      await pending.catch(() => undefined);
    }
    const server = this._o.store.getServer(user);
    return server?.state === 'running' ? server : null;
  }

  /**
   * Why the user's last start failed, or null (cleared by a good start).
   */
  lastError(user: string): string | null {
    return this._failed.get(user) ?? null;
  }

  /**
   * How the user's start in progress (or the last one) goes; null when
   * nothing was started by this process.
   */
  progress(user: string): ISpawnProgress | null {
    return this._progress.get(user) ?? null;
  }

  /**
   * Whether a start or stop is in progress for the user.
   */
  isPending(user: string): boolean {
    return this._pending.has(user);
  }

  /**
   * Stop a user's server and drop its record. Resolves false when there was
   * none.
   */
  stop(user: string, reason = 'request'): Promise<boolean> {
    return this._serial(user, async () => {
      const server = this._o.store.getServer(user);
      if (!server) {
        return false;
      }
      await this._stop(server, reason);
      return true;
    });
  }

  /**
   * After a restart: keep the recorded servers that are still alive, drop
   * the others. Returns the adopted and cleaned user names.
   */
  async adoptAll(): Promise<{ adopted: string[]; cleaned: string[] }> {
    const adopted: string[] = [];
    const cleaned: string[] = [];
    for (const server of this._o.store.listServers()) {
      if (server.backend !== this._o.spawner.name) {
        continue;
      }
      let alive = false;
      try {
        alive = await this._o.spawner.adopt(server);
      } catch (e) {
        this._o.logger.warn('server.adopt.failed', {
          user: server.userName,
          error: (e as Error).message
        });
      }
      if (alive) {
        if (server.state !== 'running') {
          this._o.store.putServer({ ...server, state: 'running' });
        }
        adopted.push(server.userName);
        this._o.logger.info('server.adopted', {
          user: server.userName,
          pid: server.pid
        });
      } else {
        this._o.store.deleteServer(server.userName);
        cleaned.push(server.userName);
        this._o.logger.info('server.cleaned', { user: server.userName });
      }
    }
    if (this._o.spawner.removeOrphans) {
      const kept = this._o.store
        .listServers()
        .filter(s => s.backend === this._o.spawner.name);
      try {
        const removed = await this._o.spawner.removeOrphans(kept);
        if (removed.length) {
          this._o.logger.info('server.orphans.removed', { removed });
        }
      } catch (e) {
        this._o.logger.warn('server.orphans.failed', {
          error: (e as Error).message
        });
      }
    }
    return { adopted, cleaned };
  }

  /**
   * Stop every server of this backend (a shutdown that does not hand over).
   */
  async stopAll(): Promise<void> {
    await Promise.all(
      this._o.store
        .listServers()
        .filter(s => s.backend === this._o.spawner.name)
        .map(s => this.stop(s.userName, 'shutdown'))
    );
  }

  /**
   * Stop servers idle longer than `cullIdleSeconds`, servers past their
   * activity time limit (`lms_actlimit`, with a notice at 90 % of it and a
   * sticky notice `timeLimitGraceSeconds` before the stop, as the
   * predecessor's health check did) and servers whose process is gone; warn
   * users whose memory use nears the limit. Returns the user names stopped.
   */
  async cull(): Promise<string[]> {
    const idleMs = (this._o.cullIdleSeconds ?? 0) * 1000;
    const stopped: string[] = [];
    for (const server of this._o.store.listServers()) {
      const user = server.userName;
      if (
        server.backend !== this._o.spawner.name ||
        server.state !== 'running' ||
        this._pending.has(user)
      ) {
        continue;
      }
      const limitMs = Number(server.data.actLimit ?? 0) * 1000;
      const elapsed = this._now() - server.startedAt;
      const graceMs = (this._o.timeLimitGraceSeconds ?? 0) * 1000;
      const reachedAt = Number(server.data.limitReachedAt ?? 0);
      if (
        limitMs > 0 &&
        elapsed >= limitMs &&
        (graceMs === 0 || (reachedAt > 0 && this._now() - reachedAt >= graceMs))
      ) {
        await this.stop(user, 'time_limit');
        stopped.push(user);
      } else if (limitMs > 0 && elapsed >= limitMs) {
        if (!reachedAt) {
          await this._o.spawner
            .notify(server, this._notice('sticky'), { sticky: true })
            .catch(() => undefined);
          this._o.store.putServer({
            ...server,
            data: { ...server.data, limitReachedAt: this._now() }
          });
          this._o.logger.info('server.limit.reached', {
            user,
            graceSeconds: graceMs / 1000
          });
        }
      } else if (
        limitMs > 0 &&
        elapsed >= 0.9 * limitMs &&
        !server.data.limitNoticed
      ) {
        await this._o.spawner
          .notify(server, this._notice('active'))
          .catch(() => undefined);
        this._o.store.putServer({
          ...server,
          data: { ...server.data, limitNoticed: true }
        });
        this._o.logger.info('server.limit.notice', { user });
      } else if (idleMs > 0 && !this._o.activity.isActive(user, idleMs)) {
        await this.stop(user, 'idle');
        stopped.push(user);
      } else if ((await this._o.spawner.status(server)) === 'stopped') {
        this._o.store.deleteServer(user);
        this._o.logger.warn('server.gone', { user });
        stopped.push(user);
      } else {
        await this._checkMemory(server);
      }
    }
    return stopped;
  }

  /**
   * The memory notice: once when use passes {@link MEMORY_WARNING_RATIO} of
   * the limit, again only after it fell below {@link MEMORY_CLEAR_RATIO}.
   */
  private async _checkMemory(server: IServerRecord): Promise<void> {
    const { spawner, store, logger } = this._o;
    const usage = await spawner.usage?.(server).catch(() => null);
    if (!usage || usage.memoryLimit <= 0) {
      return;
    }
    const ratio = usage.memory / usage.memoryLimit;
    const warned = !!server.data.memoryNoticed;
    if (ratio >= MEMORY_WARNING_RATIO && !warned) {
      await spawner
        .notify(server, this._notice('memory'))
        .catch(() => undefined);
      store.putServer({
        ...server,
        data: { ...server.data, memoryNoticed: true }
      });
      logger.info('server.memory.notice', {
        user: server.userName,
        memory: usage.memory,
        limit: usage.memoryLimit
      });
    } else if (ratio < MEMORY_CLEAR_RATIO && warned) {
      store.putServer({
        ...server,
        data: { ...server.data, memoryNoticed: false }
      });
    }
  }

  private _notice(kind: NoticeKind): string {
    return noticeText((this._o.notices ?? DEFAULT_NOTICES)[kind]);
  }

  /**
   * Wait for every start and stop in progress.
   */
  async settle(): Promise<void> {
    await Promise.all(
      [...this._pending.values()].map(p => p.catch(() => undefined))
    );
  }

  private async _launch(target: ISpawnTarget): Promise<LaunchOutcome> {
    const { store, spawner, logger, activity } = this._o;
    const user = target.user.name;
    let outcome: LaunchOutcome = 'started';
    const existing = store.getServer(user);
    if (existing && existing.state === 'running') {
      if ((await spawner.status(existing)) === 'stopped') {
        store.deleteServer(user);
        logger.warn('server.gone', { user });
      } else if (existing.specHash === target.specHash) {
        activity.touch(user);
        logger.info('server.reused', { user, specHash: target.specHash });
        return 'reused';
      } else if (
        activity.isActive(user, (this._o.reuseActiveSeconds ?? 60) * 1000)
      ) {
        await spawner.notify(existing, KEPT_NOTICE).catch(() => undefined);
        logger.info('server.kept', {
          user,
          specHash: existing.specHash,
          requested: target.specHash
        });
        return 'kept';
      } else {
        await this._stop(existing, 'relaunch');
        outcome = 'restarted';
      }
    } else if (existing) {
      // A record left by a start or stop that never finished.
      await this._stop(existing, 'stale');
    }
    const at = this._now();
    const base: IServerRecord = {
      userName: user,
      backend: spawner.name,
      state: 'starting',
      url: null,
      pid: null,
      token: null,
      specHash: target.specHash,
      launchId: target.launchId,
      startedAt: at,
      lastActivityAt: at,
      data: {}
    };
    store.putServer(base);
    const report = (p: ISpawnProgress): void => {
      this._progress.set(user, p);
    };
    report({ phase: 'starting', percent: 5, message: 'Starting your server' });
    try {
      const started = await spawner.start({
        ...target,
        onProgress: report
      });
      if (!store.getUser(user)) {
        // The user was deleted while starting.
        await spawner.stop({ ...base, ...started, state: 'running' });
        throw new Error(`user ${user} was deleted`);
      }
      store.putServer({
        ...base,
        ...started,
        state: 'running',
        lastActivityAt: this._now(),
        data: { ...started.data, actLimit: target.request.actLimit }
      });
    } catch (e) {
      report({
        phase: 'failed',
        percent: 100,
        message: publicMessage(e)
      });
      this._failed.set(user, (e as Error).message);
      store.deleteServer(user);
      logger.error('server.start.failed', {
        user,
        error: (e as Error).message
      });
      throw e;
    }
    this._failed.delete(user);
    report({ phase: 'ready', percent: 100, message: 'Your server is ready' });
    logger.info('server.started', {
      user,
      outcome,
      specHash: target.specHash
    });
    return outcome;
  }

  private async _stop(server: IServerRecord, reason: string): Promise<void> {
    this._o.store.putServer({ ...server, state: 'stopping' });
    try {
      await this._o.spawner.stop(server);
    } finally {
      this._o.store.deleteServer(server.userName);
      this._o.logger.info('server.stopped', { user: server.userName, reason });
    }
  }

  /**
   * Run one start/stop of a user at a time.
   */
  private _serial<T>(user: string, job: () => Promise<T>): Promise<T> {
    const prev = this._pending.get(user) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(job);
    const tracked = run.finally(() => {
      if (this._pending.get(user) === tracked) {
        this._pending.delete(user);
      }
    });
    // Callers see the job's own promise; the tracked copy must not count
    // as an unhandled rejection.
    tracked.catch(() => undefined);
    this._pending.set(user, tracked);
    return run;
  }

  private _o: IServerManagerOptions;
  private _now: () => number;
  private _pending = new Map<string, Promise<unknown>>();
  private _failed = new Map<string, string>();
  private _progress = new Map<string, ISpawnProgress>();
}

/**
 * A start that failed in a way the user may read about: `publicMessage`
 * goes on the user's error page, `message` (which may name paths, hosts or
 * container ids) only to the log.
 */
export class SpawnError extends Error {
  constructor(
    message: string,
    readonly publicMessage: string
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

/**
 * A start failure as the user may read it: a {@link SpawnError} keeps its
 * public text; anything else becomes a general sentence.
 */
export function publicMessage(e: unknown): string {
  return e instanceof SpawnError
    ? e.publicMessage
    : 'Your server could not be started. Try again later, or ask your teacher.';
}
