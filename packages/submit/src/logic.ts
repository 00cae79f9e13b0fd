/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  IBox,
  IReceipt,
  ISubmission,
  ITableReply,
  ITableRow,
  IVersion,
  IWhoAmI
} from './tokens';

/**
 * Where a box stands now:
 * - `none`: no deadline;
 * - `open`: before the deadline;
 * - `late`: after the deadline, submissions accepted and flagged;
 * - `closed`: after the deadline, submissions refused.
 */
export type BoxState = 'none' | 'open' | 'late' | 'closed';

/**
 * The server's clock as a reply reported it, and when (on the browser's
 * clock) the reply arrived. Deadlines are checked on the server's clock, so
 * time left is counted from it, not from the browser's possibly wrong clock.
 */
export interface IServerClock {
  /**
   * The server's time in Unix seconds.
   */
  readonly serverTime: number;

  /**
   * `Date.now()` when the reply arrived, in milliseconds.
   */
  readonly receivedAt: number;
}

/**
 * The clock of a reply.
 */
export function serverClock(
  reply: Pick<IWhoAmI, 'server_time'>,
  receivedAt: number
): IServerClock {
  return { serverTime: reply.server_time, receivedAt };
}

/**
 * The server's time now, in Unix seconds.
 *
 * @param clock - the clock of the latest reply.
 * @param now - the browser's `Date.now()`.
 */
export function serverNow(clock: IServerClock, now: number): number {
  return clock.serverTime + Math.max(0, now - clock.receivedAt) / 1000;
}

/**
 * Seconds left until the box's deadline (negative once passed), or null
 * when the box has none.
 */
export function secondsLeft(
  box: Pick<IBox, 'close'>,
  clock: IServerClock,
  now: number
): number | null {
  if (box.close === null || box.close === undefined) {
    return null;
  }
  return box.close - serverNow(clock, now);
}

/**
 * The box's state at `now`.
 */
export function boxState(
  box: Pick<IBox, 'close' | 'late_policy'>,
  clock: IServerClock,
  now: number
): BoxState {
  const left = secondsLeft(box, clock, now);
  if (left === null) {
    return 'none';
  }
  if (left >= 0) {
    return 'open';
  }
  return box.late_policy === 'flag' ? 'late' : 'closed';
}

/**
 * The box's state when the server listed it (without counting on).
 */
export function stateWhenListed(
  box: Pick<IBox, 'close' | 'late_policy' | 'open'>
): BoxState {
  if (box.close === null || box.close === undefined) {
    return 'none';
  }
  if (box.open) {
    return 'open';
  }
  return box.late_policy === 'flag' ? 'late' : 'closed';
}

/**
 * Whether a submission made now would be accepted.
 */
export function acceptsNow(state: BoxState): boolean {
  return state !== 'closed';
}

const UNITS: ReadonlyArray<[Intl.NumberFormatOptions['unit'], number]> = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1]
];

/**
 * A duration in the user's language, with its two largest units:
 * `2 days 3 hours`, `2日 3時間`, `5 minutes 10 seconds`.
 *
 * @param seconds - the duration; negative values count as their magnitude.
 * @param locale - the user's language (`translator.languageCode`).
 */
export function formatDuration(seconds: number, locale: string): string {
  let rest = Math.floor(Math.abs(seconds));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (unit === 'second' && parts.length === 0)) {
      parts.push(
        new Intl.NumberFormat(Private.locale(locale), {
          style: 'unit',
          unit,
          unitDisplay: 'long'
        }).format(count)
      );
    }
    if (parts.length === 2 || (parts.length === 1 && count === 0)) {
      break;
    }
  }
  return parts.join(' ');
}

/**
 * A point in time in the user's language, in the browser's time zone.
 *
 * @param unixSeconds - the time in Unix seconds.
 * @param locale - the user's language.
 */
export function formatTime(unixSeconds: number, locale: string): string {
  return new Intl.DateTimeFormat(Private.locale(locale), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  }).format(new Date(unixSeconds * 1000));
}

/**
 * A size in bytes, in the user's language (`512 B`, `1.5 kB`, `2.1 MB`).
 */
export function formatSize(bytes: number, locale: string): string {
  const units: Array<[string, number]> = [
    ['megabyte', 1e6],
    ['kilobyte', 1e3]
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) {
      return new Intl.NumberFormat(Private.locale(locale), {
        style: 'unit',
        unit,
        unitDisplay: 'short',
        maximumFractionDigits: 1
      }).format(bytes / size);
    }
  }
  return new Intl.NumberFormat(Private.locale(locale), {
    style: 'unit',
    unit: 'byte',
    unitDisplay: 'short'
  }).format(bytes);
}

/**
 * The deadline line of a box: the deadline and the time left, or that there
 * is none.
 */
export function deadlineText(
  box: Pick<IBox, 'close' | 'late_policy'>,
  clock: IServerClock,
  now: number,
  trans: TranslationBundle,
  locale: string
): string {
  const left = secondsLeft(box, clock, now);
  if (left === null || box.close === null) {
    return trans.__('No deadline');
  }
  const when = formatTime(box.close, locale);
  if (left >= 0) {
    return trans.__(
      'Deadline %1 (%2 left)',
      when,
      formatDuration(left, locale)
    );
  }
  return trans.__(
    'Deadline %1 (passed %2 ago)',
    when,
    formatDuration(left, locale)
  );
}

/**
 * What the panel says about the late policy before the student clicks.
 */
export function latePolicyText(
  box: Pick<IBox, 'close' | 'late_policy'>,
  state: BoxState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'none':
      return trans.__('Submissions are accepted at any time.');
    case 'open':
      return box.late_policy === 'flag'
        ? trans.__(
            'After the deadline, submissions are still accepted but marked late.'
          )
        : trans.__('After the deadline, submissions are refused.');
    case 'late':
      return trans.__(
        'The deadline has passed: a submission now is accepted but marked late.'
      );
    case 'closed':
      return trans.__('The deadline has passed: this box refuses submissions.');
  }
}

/**
 * A receipt as one line: when, how large and its short checksum.
 */
export function receiptText(
  item: Pick<IReceipt | ISubmission | IVersion, 'timestamp' | 'size'> & {
    sha256_short?: string;
    late?: boolean;
  },
  trans: TranslationBundle,
  locale: string
): string {
  const parts = [
    formatTime(item.timestamp, locale),
    formatSize(item.size, locale)
  ];
  if (item.sha256_short) {
    parts.push(trans.__('SHA-256 %1', item.sha256_short));
  }
  if (item.late) {
    parts.push(trans.__('late'));
  }
  return parts.join(' · ');
}

/**
 * The teacher view of one box.
 */
export interface ITeacherView {
  /**
   * Students with a submission, by name.
   */
  readonly submitted: ReadonlyArray<ITeacherRow>;

  /**
   * Students without a submission (roster students), by name.
   */
  readonly missing: ReadonlyArray<string>;

  /**
   * How many submitted students submitted late.
   */
  readonly lateCount: number;

  /**
   * Stored names no known student owns.
   */
  readonly unattributed: ReadonlyArray<string>;
}

/**
 * One student's row: the latest time, the version count, the late flag and
 * the file to open.
 */
export interface ITeacherRow {
  readonly user: string;
  readonly latest: number | null;
  readonly versionCount: number;
  readonly late: boolean;

  /**
   * The student's most recently submitted file.
   */
  readonly latestFile: ISubmission | null;

  /**
   * Every file of the student, newest first.
   */
  readonly files: ReadonlyArray<ISubmission>;
}

/**
 * Group a box's table for the teacher view: submitted students first (by
 * name), then the students without a submission.
 */
export function teacherView(table: ITableReply): ITeacherView {
  const submitted: ITeacherRow[] = [];
  const missing = new Set<string>(table.missing ?? []);
  for (const row of table.rows ?? []) {
    if (!row.submitted || row.files.length === 0) {
      missing.add(row.user);
      continue;
    }
    submitted.push(Private.teacherRow(row));
  }
  submitted.sort((a, b) => Private.compare(a.user, b.user));
  return {
    submitted,
    missing: [...missing].sort(Private.compare),
    lateCount: submitted.filter(row => row.late).length,
    unattributed: [...(table.unattributed ?? [])]
  };
}

/**
 * The boxes a submission can go to now, given their states.
 */
export function acceptingBoxes(
  boxes: ReadonlyArray<IBox>,
  clock: IServerClock,
  now: number
): IBox[] {
  return boxes.filter(
    box => box.available && acceptsNow(boxState(box, clock, now))
  );
}

/**
 * The largest code cell number: grading notebooks are named `%03d-<base>`
 * and 999 numbers the score cells.
 */
export const MAX_CODENUM = 998;

/**
 * The code cell numbers typed in the extract dialog: integers from 0 to
 * `MAX_CODENUM` separated by commas or spaces (full-width forms and `、`
 * too), duplicates dropped, order kept.
 *
 * @returns the numbers, or null when the text is empty or not valid.
 */
export function parseCodenums(text: string): number[] | null {
  const tokens = text
    .normalize('NFKC')
    .split(/[\s,、]+/)
    .filter(token => token !== '');
  if (tokens.length === 0) {
    return null;
  }
  const numbers: number[] = [];
  for (const token of tokens) {
    if (!/^\d{1,3}$/.test(token)) {
      return null;
    }
    const value = Number(token);
    if (value > MAX_CODENUM) {
      return null;
    }
    if (!numbers.includes(value)) {
      numbers.push(value);
    }
  }
  return numbers;
}

/**
 * The assignment notebook name typed in the grading dialogs, trimmed, when
 * it is a plain visible file name (as the server requires), else null.
 */
export function checkBaseName(text: string): string | null {
  const name = text.trim();
  if (
    name === '' ||
    name.startsWith('.') ||
    /[/\\]/.test(name) ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(name)
  ) {
    return null;
  }
  return name;
}

/**
 * The assignment notebook a box's submissions are most often of, to propose
 * in the grading dialogs; '' when no notebook was submitted.
 */
export function commonNotebook(table: ITableReply | null): string {
  const counts = new Map<string, number>();
  for (const row of table?.rows ?? []) {
    for (const file of row.files) {
      if (file.file.endsWith('.ipynb')) {
        counts.set(file.file, (counts.get(file.file) ?? 0) + 1);
      }
    }
  }
  let best = '';
  let bestCount = 0;
  for (const [name, count] of counts) {
    if (
      count > bestCount ||
      (count === bestCount && Private.compare(name, best) < 0)
    ) {
      best = name;
      bestCount = count;
    }
  }
  return best;
}

namespace Private {
  /**
   * A locale Intl accepts: JupyterLab's language codes use `_` (`ja_JP`).
   */
  export function locale(code: string): string {
    const tag = (code || 'en').replace(/_/g, '-');
    try {
      return Intl.getCanonicalLocales(tag)[0] ?? 'en';
    } catch {
      return 'en';
    }
  }

  export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  export function teacherRow(row: ITableRow): ITeacherRow {
    const files = [...row.files].sort((a, b) => b.timestamp - a.timestamp);
    return {
      user: row.user,
      latest: row.latest_timestamp ?? files[0]?.timestamp ?? null,
      versionCount: row.version_count,
      late: row.late,
      latestFile: files[0] ?? null,
      files
    };
  }
}
