/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { NoticeStateStore } from './state';
import { contentHash } from './text';
import type {
  INotice,
  INoticeContent,
  INoticeManager,
  INoticeSource
} from './tokens';

/**
 * The default polling interval, as in jnotice.
 */
export const DEFAULT_POLL_MS = 60000;

/**
 * The longest wait between polls while the page is hidden.
 */
export const MAX_HIDDEN_POLL_MS = 10 * 60 * 1000;

/**
 * The notice manager: polls the sources, applies dismissals and publishes
 * what to show.
 */
export class NoticeManager implements INoticeManager {
  constructor(options: NoticeManager.IOptions) {
    this._store = options.store;
    this._document = options.document ?? null;
    this._pollInterval = Private.validInterval(options.pollInterval);
    this._store.changed.connect(this._publish, this);
    this._document?.addEventListener('visibilitychange', this);
    this._document?.defaultView?.addEventListener('pageshow', this);
  }

  get changed(): ISignal<this, ReadonlyArray<INotice>> {
    return this._changed;
  }

  get arrived(): ISignal<this, INotice> {
    return this._arrived;
  }

  get notices(): ReadonlyArray<INotice> {
    return this._visible;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get pollInterval(): number {
    return this._pollInterval;
  }
  set pollInterval(value: number) {
    const interval = Private.validInterval(value);
    if (interval !== this._pollInterval) {
      this._pollInterval = interval;
      this._schedule();
    }
  }

  /**
   * Start polling. The first poll runs at once.
   */
  start(): void {
    this._started = true;
    void this.refresh();
  }

  addSource(source: INoticeSource): IDisposable {
    if (this._sources.has(source.id)) {
      throw new Error(`A notice source with id "${source.id}" already exists.`);
    }
    this._sources.set(source.id, source);
    const onChanged = () => void this.refresh();
    source.changed?.connect(onChanged, this);
    if (this._started) {
      void this.refresh();
    }
    return new DisposableDelegate(() => {
      source.changed?.disconnect(onChanged, this);
      this._sources.delete(source.id);
      this._reported.delete(source.id);
      this._publish();
    });
  }

  dismiss(id: string): void {
    const notice = this._all().find(n => n.id === id);
    if (!notice || notice.kind !== 'normal') {
      return;
    }
    this._store.dismiss(id);
    this._undo.push(id);
    this._publish();
  }

  undoDismiss(): boolean {
    const current = new Set(this._all().map(n => n.id));
    while (this._undo.length) {
      const id = this._undo.pop()!;
      if (current.has(id) && this._store.isDismissed(id)) {
        this._store.restore([id]);
        this._publish();
        return true;
      }
    }
    return false;
  }

  restoreDismissed(): void {
    this._store.restore(this._all().map(n => n.id));
    this._undo = [];
    this._publish();
  }

  refresh(): Promise<void> {
    // Coalesce: a refresh asked for while one runs runs once more after it,
    // never in parallel, so results always land in order.
    if (this._running) {
      this._again = true;
      return this._running;
    }
    this._running = (async () => {
      do {
        this._again = false;
        await this._fetchAll();
      } while (this._again && !this._isDisposed);
      this._running = null;
      this._schedule();
    })();
    return this._running;
  }

  /**
   * Handle the document's visibility events.
   */
  handleEvent(event: Event): void {
    if (this._isHidden()) {
      // Leave the timer alone: the next poll will back off.
      return;
    }
    // Shown again: poll at once and forget the hidden back-off.
    this._hiddenDelay = 0;
    if (this._started) {
      void this.refresh();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this._document?.removeEventListener('visibilitychange', this);
    this._document?.defaultView?.removeEventListener('pageshow', this);
    this._store.changed.disconnect(this._publish, this);
    this._sources.clear();
    Signal.clearData(this);
  }

  private async _fetchAll(): Promise<void> {
    const sources = [...this._sources.values()];
    const results = await Promise.all(
      sources.map(source =>
        source.fetch().catch(reason => {
          console.warn(`ltilab-notice: source "${source.id}" failed`, reason);
          return null;
        })
      )
    );
    if (this._isDisposed) {
      return;
    }
    sources.forEach((source, i) => {
      const result = results[i];
      // `null` means "cannot tell": keep the last report.
      if (result !== null && this._sources.get(source.id) === source) {
        this._reported.set(
          source.id,
          result.map(content => Private.toNotice(source.id, content))
        );
      }
    });
    this._publish();
  }

  private _all(): INotice[] {
    const all = [...this._reported.values()].flat();
    // Sticky notices first; otherwise keep the sources' order.
    return [
      ...all.filter(n => n.kind === 'sticky'),
      ...all.filter(n => n.kind !== 'sticky')
    ];
  }

  private _publish(): void {
    if (this._isDisposed) {
      return;
    }
    const visible = this._all().filter(
      n => n.kind === 'sticky' || !this._store.isDismissed(n.id)
    );
    const key = visible.map(n => `${n.id}/${n.level}/${n.truncated}`).join();
    if (key !== this._visibleKey) {
      this._visibleKey = key;
      this._visible = visible;
      this._changed.emit(visible);
    }
    for (const notice of visible) {
      if (!this._store.wasAnnounced(notice.id)) {
        this._store.markAnnounced(notice.id);
        this._arrived.emit(notice);
      }
    }
  }

  private _schedule(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    if (!this._started || this._isDisposed || this._running) {
      return;
    }
    let delay = this._pollInterval;
    if (this._isHidden()) {
      // Back off while nobody looks: double each time, up to the cap.
      this._hiddenDelay = Math.min(
        Math.max(this._hiddenDelay * 2, this._pollInterval * 2),
        Math.max(MAX_HIDDEN_POLL_MS, this._pollInterval)
      );
      delay = this._hiddenDelay;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, delay);
  }

  private _isHidden(): boolean {
    return this._document?.visibilityState === 'hidden';
  }

  private _again = false;
  private _arrived = new Signal<this, INotice>(this);
  private _changed = new Signal<this, ReadonlyArray<INotice>>(this);
  private _document: Document | null;
  private _hiddenDelay = 0;
  private _isDisposed = false;
  private _pollInterval: number;
  private _reported = new Map<string, INotice[]>();
  private _running: Promise<void> | null = null;
  private _sources = new Map<string, INoticeSource>();
  private _started = false;
  private _store: NoticeStateStore;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _undo: string[] = [];
  private _visible: ReadonlyArray<INotice> = [];
  private _visibleKey = '';
}

/**
 * A namespace for `NoticeManager` statics.
 */
export namespace NoticeManager {
  export interface IOptions {
    /**
     * Where dismissals and announcements are remembered.
     */
    store: NoticeStateStore;

    /**
     * The polling interval in milliseconds while the page is visible.
     */
    pollInterval?: number;

    /**
     * The document whose visibility slows polling down; none polls at the
     * same pace always.
     */
    document?: Document | null;
  }
}

namespace Private {
  /**
   * The shortest interval accepted. jnotice had none, but a page config
   * typo (`pollMs: 6`) must not turn every open tab into a load generator.
   */
  export const MIN_POLL_MS = 1000;

  export function validInterval(value: number | undefined): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return DEFAULT_POLL_MS;
    }
    return Math.min(Math.max(Math.round(value), MIN_POLL_MS), 24 * 3600e3);
  }

  export function toNotice(sourceId: string, content: INoticeContent): INotice {
    return {
      ...content,
      sourceId,
      id: `${sourceId}:${contentHash(content.body)}`
    };
  }
}
