/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Per-user activity: the proxy reports traffic here, the relaunch rule,
 * idle culling and the admin API read it.
 *
 * @module
 */

import type { IHubStore } from './store/types.js';

/**
 * Keeps each user's last activity in memory and writes it to the store at
 * most once per flush interval, so busy traffic costs no database writes.
 */
export class ActivityTracker {
  constructor(
    private readonly _store: IHubStore,
    private readonly _now: () => number = Date.now,
    flushIntervalMs = 5000
  ) {
    this._timer = setInterval(() => this.flush(), flushIntervalMs);
    this._timer.unref();
  }

  /**
   * Record traffic for a user now.
   */
  touch(user: string): void {
    this._last.set(user, this._now());
  }

  /**
   * A proxied WebSocket opened (+1) or closed (-1). A user with an open one
   * counts as active.
   */
  sockets(user: string, delta: 1 | -1): void {
    const n = (this._open.get(user) ?? 0) + delta;
    if (n > 0) {
      this._open.set(user, n);
    } else {
      this._open.delete(user);
    }
    this.touch(user);
  }

  /**
   * The user's last activity (epoch ms): the newer of memory and the store.
   */
  lastActivity(user: string): number | null {
    const mem = this._last.get(user);
    const stored = this._store.getServer(user)?.lastActivityAt;
    if (mem === undefined) {
      return stored ?? null;
    }
    return Math.max(mem, stored ?? 0);
  }

  /**
   * Whether the user has an open WebSocket or traffic in the last `ms`.
   */
  isActive(user: string, ms: number): boolean {
    if (this._open.has(user)) {
      return true;
    }
    const last = this.lastActivity(user);
    return last !== null && this._now() - last < ms;
  }

  /**
   * Write pending activity to the store.
   */
  flush(): void {
    for (const [user, at] of this._last) {
      this._store.touchServer(user, at);
    }
    this._last.clear();
  }

  dispose(): void {
    clearInterval(this._timer);
    this.flush();
  }

  private _last = new Map<string, number>();
  private _open = new Map<string, number>();
  private _timer: NodeJS.Timeout;
}
