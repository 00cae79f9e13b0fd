/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { ServerConnection } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { Token } from '@lumino/coreutils';

/**
 * What happens to a submission after the deadline: `refuse` rejects it (the
 * predecessor's closed volume), `flag` accepts it and marks it late.
 */
export type LatePolicy = 'refuse' | 'flag';

/**
 * Who the server acts for, and its clock. Every reply carries it.
 */
export interface IWhoAmI {
  /**
   * The submitting user's name (`NB_USER` or the configured user).
   */
  readonly user: string;

  /**
   * Whether the user is a teacher (`NB_TEACHER` or the configured teachers).
   */
  readonly is_teacher: boolean;

  /**
   * The server's clock when it answered, in Unix seconds. Deadlines are
   * checked against this clock, never the browser's.
   */
  readonly server_time: number;

  /**
   * The same time as ISO 8601 (UTC).
   */
  readonly server_time_iso: string;

  /**
   * The size limit of one submitted file, in bytes.
   */
  readonly max_bytes: number;
}

/**
 * A submission box as the server describes it.
 */
export interface IBox {
  /**
   * The box id used in URLs (the volume name or the configured name).
   */
  readonly id: string;

  /**
   * The name shown to users (the access name or the configured label).
   */
  readonly label: string;

  /**
   * The deadline in Unix seconds, or null for none.
   */
  readonly close: number | null;

  /**
   * The deadline as ISO 8601 (UTC), or null for none.
   */
  readonly close_iso: string | null;

  /**
   * Seconds left until the deadline when the server answered, or null.
   */
  readonly seconds_left: number | null;

  /**
   * Whether the deadline has not passed yet.
   */
  readonly open: boolean;

  /**
   * What happens after the deadline.
   */
  readonly late_policy: LatePolicy;

  /**
   * Whether a submission made now is accepted (open, or late but flagged).
   */
  readonly accepts_now: boolean;

  /**
   * The box's folder relative to the server root, or null when the box is
   * not reachable from the root (then submissions cannot be opened there).
   */
  readonly root_path: string | null;

  /**
   * Whether the box's folder exists on the server.
   */
  readonly available: boolean;
}

/**
 * The receipt of a submission.
 */
export interface IReceipt {
  readonly box: string;
  readonly user: string;

  /**
   * The submitted file's base name.
   */
  readonly file: string;

  /**
   * The stored name, `<user>_<file>`.
   */
  readonly stored: string;

  /**
   * When the server stored it (ISO 8601, UTC).
   */
  readonly time: string;

  /**
   * The same time in Unix seconds.
   */
  readonly timestamp: number;

  /**
   * The size in bytes.
   */
  readonly size: number;

  /**
   * The full SHA-256 of the stored content.
   */
  readonly sha256: string;

  /**
   * The first eight hex digits of the SHA-256: the checksum to show.
   */
  readonly sha256_short: string;

  /**
   * Whether it was stored after the deadline.
   */
  readonly late: boolean;

  /**
   * Whether the content equals the latest submission, so nothing was stored.
   */
  readonly unchanged: boolean;

  /**
   * The stored file relative to the server root, or null.
   */
  readonly root_path: string | null;
}

/**
 * An earlier version of a submission. Nothing submitted is ever lost: every
 * replaced submission is kept as a version.
 */
export interface IVersion {
  /**
   * The version's name, to pass as `version` when reading it.
   */
  readonly name: string;
  readonly time: string;
  readonly timestamp: number;
  readonly size: number;
  readonly sha256_short: string;
  readonly late: boolean;
  readonly root_path: string | null;
}

/**
 * A stored submission with its earlier versions.
 */
export interface ISubmission {
  readonly box: string;
  readonly user: string;
  readonly file: string;
  readonly stored: string;
  readonly time: string;
  readonly timestamp: number;
  readonly size: number;
  readonly late: boolean;

  /**
   * The latest submission plus every earlier version.
   */
  readonly version_count: number;

  /**
   * Earlier versions, newest first.
   */
  readonly versions: ReadonlyArray<IVersion>;
  readonly root_path: string | null;

  /**
   * Present in the user's own listing (`GET mine`), not in the teacher table.
   */
  readonly sha256?: string;
  readonly sha256_short?: string;
}

/**
 * One row of the teacher table: one student.
 */
export interface ITableRow {
  readonly user: string;
  readonly submitted: boolean;
  readonly files: ReadonlyArray<ISubmission>;
  readonly version_count: number;
  readonly latest: string | null;
  readonly latest_timestamp: number | null;
  readonly late: boolean;
}

/**
 * `GET boxes`.
 */
export interface IBoxesReply extends IWhoAmI {
  readonly boxes: ReadonlyArray<IBox>;
}

/**
 * `GET mine`: the user's submissions, box by box.
 */
export interface IMineReply extends IWhoAmI {
  readonly boxes: ReadonlyArray<{
    readonly box: IBox;
    readonly submissions: ReadonlyArray<ISubmission>;
  }>;
}

/**
 * `GET boxes/{id}/submissions` (teachers only).
 */
export interface ITableReply extends IWhoAmI {
  readonly box: IBox;
  readonly rows: ReadonlyArray<ITableRow>;

  /**
   * Stored names no known user owns.
   */
  readonly unattributed: ReadonlyArray<string>;

  /**
   * Roster students without a submission.
   */
  readonly missing: ReadonlyArray<string>;
}

/**
 * The result of a submission.
 */
export interface ISubmitResult {
  readonly receipt: IReceipt;

  /**
   * True for a 201 (a new version was stored), false for a 200 (the content
   * equals the latest submission).
   */
  readonly stored: boolean;
}

/**
 * `POST boxes/<id>/extract` and `POST boxes/<id>/tocsv`.
 */
export interface IGradingReply {
  /**
   * The files written, relative to the server root.
   */
  readonly files: ReadonlyArray<string>;
}

/**
 * The submission service: a typed client of the server's
 * `<base_url>/ltilab/submit/` API.
 *
 * #### Notes
 * Every method rejects with a `SubmitAPIError` carrying the server's error
 * code (`deadline_passed`, `too_large`, `forbidden`, …) and message.
 */
export interface ISubmitService {
  /**
   * The server settings requests go through.
   */
  readonly serverSettings: ServerConnection.ISettings;

  /**
   * Emitted after every accepted submission, so views can refresh.
   */
  readonly submitted: ISignal<ISubmitService, ISubmitService.ISubmitted>;

  /**
   * The boxes open to this user, with deadlines and late policies.
   */
  boxes(): Promise<IBoxesReply>;

  /**
   * The user's own submissions (receipts and earlier versions), in every
   * box or in one.
   */
  mine(boxId?: string): Promise<IMineReply>;

  /**
   * Submit a file, by its path relative to the server root, to a box.
   */
  submit(boxId: string, path: string): Promise<ISubmitResult>;

  /**
   * The teacher table of a box: one row per student.
   */
  table(boxId: string): Promise<ITableReply>;

  /**
   * Read a stored submission (or one of its earlier versions).
   */
  read(boxId: string, stored: string, version?: string): Promise<Blob>;

  /**
   * Teachers: write the grading notebook `%03d-<base>` of a box's
   * submissions (as `ltilab-extract`), into `dest` under the server root.
   */
  extract(
    boxId: string,
    options: ISubmitService.IExtractOptions
  ): Promise<IGradingReply>;

  /**
   * Teachers: write `<stem>.csv` (`Name,P001,…,Total`) from the `NNN-<base>`
   * grading notebooks in `dest` (as `ltilab-tocsv`).
   */
  tocsv(
    boxId: string,
    options: ISubmitService.IToCsvOptions
  ): Promise<IGradingReply>;
}

/**
 * The namespace for `ISubmitService` types.
 */
export namespace ISubmitService {
  /**
   * What `submitted` carries: the receipt and the file it came from.
   */
  export interface ISubmitted {
    /**
     * The server's receipt.
     */
    readonly receipt: IReceipt;

    /**
     * The submitted file's path relative to the server root.
     */
    readonly path: string;
  }

  /**
   * What `tocsv` needs.
   */
  export interface IToCsvOptions {
    /**
     * The assignment notebook name, e.g. `kadai.ipynb`.
     */
    readonly base: string;

    /**
     * The folder to work in, relative to the server root; the server's
     * default (the folder holding the box's link) when omitted.
     */
    readonly dest?: string;
  }

  /**
   * What `extract` needs.
   */
  export interface IExtractOptions extends IToCsvOptions {
    /**
     * The code cell numbers (`codenum:<n>` tags) to collect.
     */
    readonly codenums: ReadonlyArray<number>;
  }
}

/**
 * The submission service token.
 */
export const ISubmitService = new Token<ISubmitService>(
  '@ltilab/submit:ISubmitService',
  'The submission service: list submission boxes, submit files and read receipts; teachers list the submissions of a box.'
);
