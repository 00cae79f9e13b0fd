/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { INoticeContent, NoticeKind, NoticeLevel } from './tokens';

/**
 * The largest notice body shown, in bytes. A larger file is cut here and the
 * banner says so.
 */
export const MAX_NOTICE_BYTES = 64 * 1024;

/**
 * The result of decoding a notice file's bytes.
 */
export type DecodedNotice =
  | {
      readonly binary: false;
      readonly text: string;
      readonly truncated: boolean;
    }
  | { readonly binary: true };

/**
 * Decode a notice file's bytes as UTF-8, cutting it at `maxBytes`.
 *
 * #### Notes
 * A file with a NUL byte or invalid UTF-8 is reported as binary: a notice
 * writer never produces one, so it is a mistake (an image copied over the
 * notice file) and is refused rather than shown as mojibake.
 */
export function decodeNoticeBytes(
  bytes: Uint8Array,
  maxBytes: number = MAX_NOTICE_BYTES
): DecodedNotice {
  let end = bytes.length;
  const truncated = end > maxBytes;
  if (truncated) {
    end = maxBytes;
    // Never cut inside a multi-byte character: step back over continuation
    // bytes (10xxxxxx) to the start of the character that straddles the cut.
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) {
      end--;
    }
  }
  const head = bytes.subarray(0, end);
  if (head.includes(0)) {
    return { binary: true };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head);
  } catch {
    return { binary: true };
  }
  // A byte-order mark is an editor artefact, not content.
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  return { binary: false, text, truncated };
}

const LEVELS: ReadonlyArray<NoticeLevel> = ['info', 'warning', 'error'];

/**
 * Parse a notice file's text into notice content.
 *
 * The text is Markdown. An optional front-matter block at the very top sets
 * the level:
 *
 * ```
 * ---
 * level: warning
 * ---
 * The server restarts at 17:00.
 * ```
 *
 * Returns `null` for text with no visible content.
 */
export function parseNoticeText(
  raw: string,
  kind: NoticeKind,
  truncated = false
): INoticeContent | null {
  let text = raw.replace(/\r\n?/g, '\n');
  let level: NoticeLevel = kind === 'sticky' ? 'warning' : 'info';
  const front = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(text);
  if (front) {
    for (const line of front[1].split('\n')) {
      const match = /^\s*level\s*:\s*([A-Za-z]+)\s*$/.exec(line);
      const value = match?.[1].toLowerCase();
      if (value && (LEVELS as string[]).includes(value)) {
        level = value as NoticeLevel;
      } else if (value === 'warn') {
        level = 'warning';
      }
    }
    text = text.slice(front[0].length);
  }
  // Trailing spaces were stripped by the predecessor's writer too; blank
  // edges are never meaningful in a banner.
  const body = text.replace(/[ \t]+$/gm, '').trim();
  if (!body) {
    return null;
  }
  return { kind, level, body, truncated };
}

/**
 * Make Markdown keep the writer's line breaks: a single newline becomes a
 * hard break, except inside fenced code, where newlines already hold.
 *
 * #### Notes
 * Teachers write notices as plain text with deliberate line breaks; standard
 * Markdown would run those lines together.
 */
export function keepLineBreaks(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: string | null = null;
  return lines
    .map((line, i) => {
      const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
      if (marker) {
        if (fence === null) {
          fence = marker[0];
        } else if (marker[0] === fence) {
          fence = null;
        }
        return line;
      }
      const next = lines[i + 1];
      if (
        fence === null &&
        line.trim() !== '' &&
        next !== undefined &&
        next.trim() !== '' &&
        !/^\s*(```|~~~)/.test(next)
      ) {
        return line.replace(/\s*$/, '  ');
      }
      return line;
    })
    .join('\n');
}

/**
 * A 64-bit FNV-1a hash of a string's UTF-8 bytes, as 16 hex digits.
 *
 * #### Notes
 * Dismissals are keyed by content. `crypto.subtle` would do, but it exists
 * only in secure contexts, and classroom servers are often plain HTTP.
 */
export function contentHash(text: string): string {
  const bytes = new TextEncoder().encode(text);
  // 64-bit arithmetic in two 32-bit halves: FNV offset basis
  // 0xcbf29ce484222325 and prime 0x100000001b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const byte of bytes) {
    lo = (lo ^ byte) >>> 0;
    // (hi, lo) * 0x100000001b3 = (hi, lo) * 0x1b3 + (lo << 32)
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    const newHi = (hi * 0x1b3 + carry + lo * 0x100) >>> 0;
    hi = newHi;
    lo = newLo;
  }
  return (
    (hi >>> 0).toString(16).padStart(8, '0') +
    (lo >>> 0).toString(16).padStart(8, '0')
  );
}
