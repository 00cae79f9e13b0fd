/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * A limit on how many user servers start at once, with a first-come queue.
 *
 * @module
 */

import { SpawnError } from './manager.js';
import type { ISpawnProgress } from './types.js';

/**
 * Options of {@link StartSlots.acquire}.
 */
export interface IAcquireOptions {
  /**
   * Give up waiting after this many milliseconds: the promise rejects with
   * {@link QueueTimeoutError} and the place in line is freed. Default:
   * wait for as long as it takes.
   */
  timeoutMs?: number;
  /**
   * Told the place in line (1: next) on joining and whenever it moves; not
   * called when a slot is free at once.
   */
  onPosition?: (position: number) => void;
}

/**
 * A wait for a start slot that took longer than its timeout.
 */
export class QueueTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no start slot within ${timeoutMs} ms`);
    this.name = 'QueueTimeoutError';
  }
}

/**
 * Start slots: at most `limit` holders at a time, the others wait in
 * arrival order.
 *
 * #### Notes
 * A start is mostly CPU (a Python interpreter importing Jupyter Server and
 * its extensions). When a whole class launches at once, starting every
 * server together makes each of them as slow as the last one; taking them a
 * few at a time lets the first students in while the rest wait, for the same
 * total. It also keeps each start well inside its own start timeout, which
 * runs only once the start holds a slot.
 */
export class StartSlots {
  /**
   * @param limit - the most holders at once; 0 or less is no limit.
   */
  constructor(limit: number) {
    this.limit = limit > 0 ? Math.floor(limit) : Infinity;
  }

  readonly limit: number;

  /**
   * How many hold a slot.
   */
  get active(): number {
    return this._active;
  }

  /**
   * How many wait for one.
   */
  get waiting(): number {
    return this._queue.length;
  }

  /**
   * Resolves with the slot's release function once a slot is free. The
   * release is idempotent.
   */
  acquire(options: IAcquireOptions = {}): Promise<() => void> {
    if (this._active < this.limit) {
      this._active++;
      return Promise.resolve(this._releaser());
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: IWaiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this._releaser());
        },
        onPosition: options.onPosition
      };
      this._queue.push(waiter);
      options.onPosition?.(this._queue.length);
      if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
        timer = setTimeout(() => {
          const at = this._queue.indexOf(waiter);
          if (at >= 0) {
            this._queue.splice(at, 1);
            this._moved(at);
            reject(new QueueTimeoutError(options.timeoutMs!));
          }
        }, options.timeoutMs);
      }
    });
  }

  /**
   * Tell the waiters from `from` on their new places.
   */
  private _moved(from: number): void {
    for (let i = from; i < this._queue.length; i++) {
      this._queue[i]!.onPosition?.(i + 1);
    }
  }

  private _releaser(): () => void {
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this._queue.shift();
      if (next) {
        // The slot passes straight to the next in line.
        next.grant();
        this._moved(0);
      } else {
        this._active--;
      }
    };
  }

  private _active = 0;
  private _queue: IWaiter[] = [];
}

/**
 * Take a start slot for a spawner's start, telling the user their place in
 * line while they wait.
 *
 * @param percent - the progress bar while queued.
 * @throws a {@link SpawnError} (the same error page as a start timeout) when
 *   the wait passes `timeoutMs`.
 */
export async function acquireStartSlot(
  slots: StartSlots,
  report: (p: ISpawnProgress) => void,
  options: { timeoutMs?: number; percent: number; user: string }
): Promise<() => void> {
  try {
    return await slots.acquire({
      timeoutMs: options.timeoutMs,
      onPosition: position =>
        report({
          phase: 'queued',
          percent: options.percent,
          message:
            position === 1
              ? 'Waiting for a free place to start your server: you are next'
              : `Waiting for a free place to start your server: you are number ${position} in line`,
          position
        })
    });
  } catch (e) {
    if (!(e instanceof QueueTimeoutError)) {
      throw e;
    }
    const seconds = Math.round(e.timeoutMs / 1000);
    throw new SpawnError(
      `the start of ${options.user} waited ${seconds} s for a start slot`,
      `Too many servers were starting: yours waited ${seconds} seconds in line and was not started. ` +
        'Open the activity again in a few minutes; if it keeps happening, tell your teacher.'
    );
  }
}

/**
 * One start waiting in line.
 */
interface IWaiter {
  grant: () => void;
  onPosition?: (position: number) => void;
}
