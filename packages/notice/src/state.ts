/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

/**
 * The per-browser memory of which notices were dismissed and which were
 * already announced.
 *
 * #### Notes
 * It lives in `localStorage`, so it holds in every tab and after a reload,
 * and other tabs learn of a change at once through the `storage` event. The
 * key includes the server's base URL, so two users' servers behind one hub
 * origin keep separate state. Without storage (private mode, quota) it falls
 * back to memory for this tab.
 */
export class NoticeStateStore implements IDisposable {
  constructor(options: NoticeStateStore.IOptions) {
    this._key = options.key;
    this._storage = options.storage ?? null;
    this._window = options.window ?? null;
    this._limit = options.limit ?? 500;
    this._state = this._read();
    this._window?.addEventListener('storage', this);
  }

  /**
   * Emitted when another tab changed the state.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The dismissed notice ids, oldest first.
   */
  get dismissed(): ReadonlyArray<string> {
    return this._state.dismissed;
  }

  isDismissed(id: string): boolean {
    return this._state.dismissed.includes(id);
  }

  dismiss(id: string): void {
    this._update(state => {
      state.dismissed = [...state.dismissed.filter(d => d !== id), id];
    });
  }

  restore(ids: ReadonlyArray<string>): void {
    this._update(state => {
      state.dismissed = state.dismissed.filter(d => !ids.includes(d));
    });
  }

  wasAnnounced(id: string): boolean {
    return this._state.announced.includes(id);
  }

  markAnnounced(id: string): void {
    if (!this.wasAnnounced(id)) {
      this._update(state => {
        state.announced = [...state.announced, id];
      });
    }
  }

  /**
   * Handle the window's `storage` event (another tab wrote the state).
   */
  handleEvent(event: Event): void {
    const storageEvent = event as StorageEvent;
    if (storageEvent.key === this._key || storageEvent.key === null) {
      this._state = this._read();
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._window?.removeEventListener('storage', this);
    Signal.clearData(this);
  }

  private _update(change: (state: Private.IState) => void): void {
    // Re-read first: another tab may have written since our last read, and
    // its dismissals must not be lost by our write.
    const state = this._read();
    change(state);
    state.dismissed = state.dismissed.slice(-this._limit);
    state.announced = state.announced.slice(-this._limit);
    this._state = state;
    try {
      this._storage?.setItem(this._key, JSON.stringify(state));
    } catch (reason) {
      console.warn('ltilab-notice: cannot save the notice state', reason);
    }
  }

  private _read(): Private.IState {
    let raw: string | null = null;
    try {
      raw = this._storage?.getItem(this._key) ?? null;
    } catch {
      raw = null;
    }
    if (raw === null) {
      return this._state
        ? { ...this._state }
        : { dismissed: [], announced: [] };
    }
    return Private.parseState(raw);
  }

  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _key: string;
  private _limit: number;
  private _state: Private.IState = undefined as unknown as Private.IState;
  private _storage: Storage | null;
  private _window: Window | null;
}

/**
 * A namespace for `NoticeStateStore` statics.
 */
export namespace NoticeStateStore {
  export interface IOptions {
    /**
     * The storage key.
     */
    key: string;

    /**
     * The storage, usually `window.localStorage`; `null` keeps state in memory.
     */
    storage?: Storage | null;

    /**
     * The window whose `storage` events announce other tabs' changes.
     */
    window?: Window | null;

    /**
     * How many ids of each kind to remember (the oldest are forgotten).
     */
    limit?: number;
  }
}

namespace Private {
  export interface IState {
    dismissed: string[];
    announced: string[];
  }

  /**
   * Parse stored state, tolerating anything a user or an older version
   * could have left there.
   */
  export function parseState(raw: string): IState {
    const strings = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.filter((v): v is string => typeof v === 'string')
        : [];
    try {
      const value = JSON.parse(raw) as Record<string, unknown>;
      return {
        dismissed: strings(value?.dismissed),
        announced: strings(value?.announced)
      };
    } catch {
      return { dismissed: [], announced: [] };
    }
  }
}
