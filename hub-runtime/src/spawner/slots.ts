/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * A limit on how many user servers start at once, with a first-come queue.
 *
 * @module
 */

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
  acquire(): Promise<() => void> {
    if (this._active < this.limit) {
      this._active++;
      return Promise.resolve(this._releaser());
    }
    return new Promise(resolve => {
      this._queue.push(() => resolve(this._releaser()));
    });
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
        next();
      } else {
        this._active--;
      }
    };
  }

  private _active = 0;
  private _queue: Array<() => void> = [];
}
