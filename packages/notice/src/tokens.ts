/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Token } from '@lumino/coreutils';

/**
 * How urgent a notice is. Each level maps to one of JupyterLab's theme colour
 * families (info, warn, error), so every theme renders it.
 */
export type NoticeLevel = 'info' | 'warning' | 'error';

/**
 * A normal notice stays until the user dismisses it; a sticky notice stays
 * for as long as its source still reports it and cannot be dismissed.
 */
export type NoticeKind = 'normal' | 'sticky';

/**
 * What a source reports: one notice's content, before the manager gives it an
 * identity.
 */
export interface INoticeContent {
  /**
   * Whether the notice can be dismissed.
   */
  readonly kind: NoticeKind;

  /**
   * The notice's level.
   */
  readonly level: NoticeLevel;

  /**
   * The notice body, as Markdown. It is untrusted: it is only ever rendered
   * through a sanitiser.
   */
  readonly body: string;

  /**
   * Whether the source cut the body because it was too large.
   */
  readonly truncated: boolean;
}

/**
 * A notice as the manager publishes it.
 */
export interface INotice extends INoticeContent {
  /**
   * A stable identity: the source id plus a hash of the content. The same text
   * from the same source always gets the same id, which is what dismissal is
   * keyed on.
   */
  readonly id: string;

  /**
   * The id of the source that reported the notice.
   */
  readonly sourceId: string;
}

/**
 * A place notices come from: the jnotice files on the Jupyter server, or (in
 * a later release) notices pushed by the hub.
 */
export interface INoticeSource {
  /**
   * A unique, stable id. It is part of every notice id, so dismissals of one
   * source never hide another source's notices.
   */
  readonly id: string;

  /**
   * Report the notices the source holds now.
   *
   * #### Notes
   * Resolve `null` when the source cannot tell right now (a hub login page,
   * a 424, a network error): the manager then keeps what it showed before
   * instead of flashing the banner empty.
   */
  fetch(): Promise<ReadonlyArray<INoticeContent> | null>;

  /**
   * Optional: a push source emits this when it has news, and the manager
   * fetches from it at once instead of waiting for the next poll.
   */
  readonly changed?: ISignal<INoticeSource, void>;
}

/**
 * The notice manager: it polls every source, keeps the dismissal state and
 * publishes the notices that should be shown.
 */
export interface INoticeManager extends IDisposable {
  /**
   * The notices to show now, sticky notices first.
   */
  readonly notices: ReadonlyArray<INotice>;

  /**
   * Emitted whenever `notices` changes.
   */
  readonly changed: ISignal<INoticeManager, ReadonlyArray<INotice>>;

  /**
   * Emitted once per notice that the user has not been told about yet in this
   * browser (in any tab), so that exactly one notification is raised.
   */
  readonly arrived: ISignal<INoticeManager, INotice>;

  /**
   * The polling interval in milliseconds while the page is visible.
   */
  pollInterval: number;

  /**
   * Add a source. Disposing the result removes it again.
   */
  addSource(source: INoticeSource): IDisposable;

  /**
   * Dismiss a normal notice by id. It does not come back until its text
   * changes. Sticky notices cannot be dismissed.
   */
  dismiss(id: string): void;

  /**
   * Bring back the most recently dismissed notice, if it is still current.
   * Resolves whether a notice came back.
   */
  undoDismiss(): boolean;

  /**
   * Bring back every dismissed notice that is still current.
   */
  restoreDismissed(): void;

  /**
   * Fetch from every source now.
   */
  refresh(): Promise<void>;
}

/**
 * The notice manager token.
 */
export const INoticeManager = new Token<INoticeManager>(
  '@ltilab/notice:INoticeManager',
  'The course-notice manager: add notice sources (files, hub pushes), read and dismiss notices.'
);
