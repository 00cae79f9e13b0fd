/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { Poll } from '@lumino/polling';
import { Signal } from '@lumino/signaling';
import type { ISignal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';

import { SubmitAPIError } from './client';
import { serverClock } from './logic';
import type { IServerClock } from './logic';
import type { IBox, IReceipt, ISubmission, ITableReply } from './tokens';
import type { ISubmitService } from './tokens';

/**
 * One box as the panel shows it: the box and the user's own submissions.
 */
export interface IPanelBox {
  readonly box: IBox;
  readonly submissions: ReadonlyArray<ISubmission>;

  /**
   * The teacher table, for a teacher.
   */
  readonly table: ITableReply | null;
}

/**
 * The Submissions panel's model: what the server said last, refreshed after
 * every submission and on a timer.
 */
export class SubmitPanelModel implements IDisposable {
  constructor(options: SubmitPanelModel.IOptions) {
    this.service = options.service;
    this._now = options.now ?? Date.now;
    this.service.submitted.connect(this._onSubmitted, this);
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: {
        interval: options.refreshInterval ?? 60000,
        backoff: true,
        max: 10 * 60000
      },
      name: '@ltilab/submit:SubmitPanelModel',
      standby: 'when-hidden'
    });
  }

  /**
   * The submission service.
   */
  readonly service: ISubmitService;

  /**
   * Emitted whenever what the model holds changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The user the server acts for, once known.
   */
  get user(): string | null {
    return this._user;
  }

  /**
   * Whether the user is a teacher.
   */
  get isTeacher(): boolean {
    return this._isTeacher;
  }

  /**
   * The boxes open to this user.
   */
  get boxes(): ReadonlyArray<IPanelBox> {
    return this._boxes;
  }

  /**
   * The server's clock as of the last reply.
   */
  get clock(): IServerClock | null {
    return this._clock;
  }

  /**
   * The last refresh's error, or null.
   */
  get error(): SubmitAPIError | null {
    return this._error;
  }

  /**
   * Whether the first refresh has finished.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * The most recent receipt of this session, or null.
   */
  get lastReceipt(): IReceipt | null {
    return this._lastReceipt;
  }

  /**
   * The refresh interval in milliseconds.
   */
  get refreshInterval(): number {
    return this._poll.frequency.interval;
  }
  set refreshInterval(value: number) {
    this._poll.frequency = { ...this._poll.frequency, interval: value };
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Start refreshing on the timer (and refresh now).
   */
  start(): Promise<void> {
    return this._poll.start();
  }

  /**
   * Ask the server again now.
   */
  async refresh(): Promise<void> {
    try {
      const mine = await this.service.mine();
      const clock = serverClock(mine, this._now());
      const boxes: IPanelBox[] = [];
      for (const entry of mine.boxes) {
        let table: ITableReply | null = null;
        if (mine.is_teacher && entry.box.available) {
          table = await this.service.table(entry.box.id);
        }
        boxes.push({ box: entry.box, submissions: entry.submissions, table });
      }
      this._user = mine.user;
      this._isTeacher = mine.is_teacher;
      this._clock = clock;
      this._boxes = boxes;
      this._error = null;
    } catch (reason) {
      this._error =
        reason instanceof SubmitAPIError
          ? reason
          : new SubmitAPIError(0, 'network', String(reason));
    }
    this._loaded = true;
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  /**
   * Remember which file a stored submission came from, so it can be
   * resubmitted from the panel.
   */
  rememberSource(boxId: string, stored: string, path: string): void {
    this._sources.set(`${boxId}/${stored}`, path);
  }

  /**
   * The file a submission came from: the path remembered in this session,
   * else the submitted file's name at the server root.
   */
  sourceOf(submission: Pick<ISubmission, 'box' | 'stored' | 'file'>): string {
    return (
      this._sources.get(`${submission.box}/${submission.stored}`) ??
      submission.file
    );
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _onSubmitted(
    _: ISubmitService,
    { receipt, path }: ISubmitService.ISubmitted
  ): void {
    this._lastReceipt = receipt;
    this.rememberSource(receipt.box, receipt.stored, path);
    void this._poll.refresh();
  }

  private _boxes: IPanelBox[] = [];
  private _changed = new Signal<this, void>(this);
  private _clock: IServerClock | null = null;
  private _error: SubmitAPIError | null = null;
  private _isDisposed = false;
  private _isTeacher = false;
  private _lastReceipt: IReceipt | null = null;
  private _loaded = false;
  private _now: () => number;
  private _poll: Poll;
  private _sources = new Map<string, string>();
  private _user: string | null = null;
}

/**
 * The namespace for `SubmitPanelModel` statics.
 */
export namespace SubmitPanelModel {
  /**
   * The options of a panel model.
   */
  export interface IOptions {
    /**
     * The submission service.
     */
    service: ISubmitService;

    /**
     * How often to refresh, in milliseconds (default one minute).
     */
    refreshInterval?: number;

    /**
     * The browser clock (for tests).
     */
    now?: () => number;
  }
}
