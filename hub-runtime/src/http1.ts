/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Strict HTTP/1.1 message-head parsing and body framing for the proxy's
 * fast path (RFC 9112).
 *
 * #### Notes
 * The request parser accepts only a narrow, unambiguous subset of HTTP/1.1
 * and says `other` for everything else; the caller then hands the bytes to
 * Node's own HTTP server (llhttp), which serves or refuses them. So this
 * parser never has to be lenient: obs-fold, bare CR or LF, `Transfer-Encoding`
 * on a request, several or malformed `Content-Length`s, `Expect`, `Upgrade`,
 * HTTP/1.0 and oversized heads all leave the fast path.
 *
 * @module
 */

/**
 * A request head in the fast path's subset.
 */
export interface IRequestHead {
  method: string;
  /**
   * The origin-form request target (path and query).
   */
  target: string;
  /**
   * Header names as sent, lower-cased names and values, in order:
   * `[name, lower, value, name, lower, value, …]`.
   */
  lines: string[];
  /**
   * Lower-cased names to values; repeated headers joined with `, `
   * (`; ` for `Cookie`).
   */
  headers: Record<string, string>;
  /**
   * The body's length (0 without `Content-Length`).
   */
  contentLength: number;
  /**
   * The client asked to close the connection after this exchange.
   */
  close: boolean;
  /**
   * Bytes of the head, with its final empty line.
   */
  length: number;
}

/**
 * What {@link parseRequestHead} found: a head, `incomplete` (read more), or
 * `other` (not for the fast path; hand the bytes to a full HTTP server).
 */
export type RequestHeadResult = IRequestHead | 'incomplete' | 'other';

/**
 * A response head from a backend.
 */
export interface IResponseHead {
  status: number;
  reason: string;
  /**
   * As in {@link IRequestHead.lines}.
   */
  lines: string[];
  /**
   * `Content-Length`, or -1.
   */
  contentLength: number;
  /**
   * The body is chunked (the last transfer coding is `chunked`).
   */
  chunked: boolean;
  /**
   * The backend closes the connection after this response (HTTP/1.0 without
   * keep-alive, `Connection: close`, or a body delimited by the close).
   */
  close: boolean;
  /**
   * Lower-cased `Content-Type`, or ''.
   */
  contentType: string;
  /**
   * Lower-cased `Content-Encoding`, or ''.
   */
  contentEncoding: string;
  length: number;
}

/**
 * Headers of one connection (RFC 9110 7.6.1), never forwarded.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'expect',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade'
]);

const CRLF2 = Buffer.from('\r\n\r\n');
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const REQUEST_LINE = new RegExp(`^(${TOKEN}) (/[\\x21-\\x7e]*) HTTP/1\\.1$`);
// Field-value characters: no control characters besides HTAB (so no bare
// CR or LF, no NUL).
const VCHARS = '[^\\x00-\\x08\\x0a-\\x1f\\x7f]';
const STATUS_LINE = new RegExp(
  `^HTTP/1\\.([01]) ([1-9]\\d\\d)(?: (${VCHARS}*))?$`
);
// A field line: no leading whitespace (obs-fold).
const FIELD_LINE = new RegExp(`^(${TOKEN}):[ \\t]*(${VCHARS}*?)[ \\t]*$`);
const DIGITS = /^\d{1,15}$/;
const MAX_FIELDS = 100;

/**
 * Headers that send a request off the fast path.
 */
const REQUEST_OTHER = new Set(['transfer-encoding', 'expect', 'upgrade']);
/**
 * Headers that may appear once only.
 */
const SINGLE = new Set(['content-length', 'host']);

/**
 * Parse the request head at the start of `buf`.
 */
export function parseRequestHead(
  buf: Buffer,
  maxSize: number
): RequestHeadResult {
  const end = buf.indexOf(CRLF2);
  if (end === -1) {
    return buf.length >= maxSize ? 'other' : 'incomplete';
  }
  if (end + 4 > maxSize) {
    return 'other';
  }
  const text = buf.toString('latin1', 0, end).split('\r\n');
  const first = REQUEST_LINE.exec(text[0]!);
  if (!first || text.length - 1 > MAX_FIELDS) {
    return 'other';
  }
  const lines: string[] = [];
  const headers: Record<string, string> = {};
  for (let i = 1; i < text.length; i++) {
    const m = FIELD_LINE.exec(text[i]!);
    if (!m) {
      return 'other';
    }
    const name = m[1]!;
    const lower = name.toLowerCase();
    const value = m[2]!;
    if (REQUEST_OTHER.has(lower)) {
      return 'other';
    }
    const prior = headers[lower];
    if (prior !== undefined) {
      if (SINGLE.has(lower)) {
        return 'other';
      }
      headers[lower] = `${prior}${lower === 'cookie' ? '; ' : ', '}${value}`;
    } else {
      headers[lower] = value;
    }
    lines.push(name, lower, value);
  }
  if (headers.host === undefined) {
    return 'other';
  }
  const cl = headers['content-length'];
  if (cl !== undefined && !DIGITS.test(cl)) {
    return 'other';
  }
  const connection = headers.connection?.toLowerCase() ?? '';
  if (connection.includes('upgrade')) {
    return 'other';
  }
  return {
    method: first[1]!,
    target: first[2]!,
    lines,
    headers,
    contentLength: cl === undefined ? 0 : Number(cl),
    close: hasToken(connection, 'close'),
    length: end + 4
  };
}

/**
 * Parse the response head at the start of `buf`: the head, `incomplete`,
 * or `invalid` (the backend's answer cannot be framed safely).
 */
export function parseResponseHead(
  buf: Buffer,
  maxSize: number
): IResponseHead | 'incomplete' | 'invalid' {
  const end = buf.indexOf(CRLF2);
  if (end === -1) {
    return buf.length >= maxSize ? 'invalid' : 'incomplete';
  }
  const text = buf.toString('latin1', 0, end).split('\r\n');
  const first = STATUS_LINE.exec(text[0]!);
  if (!first || text.length - 1 > MAX_FIELDS * 2) {
    return 'invalid';
  }
  const lines: string[] = [];
  let contentLength = -1;
  let te = '';
  let connection = '';
  let contentType = '';
  let contentEncoding = '';
  for (let i = 1; i < text.length; i++) {
    const m = FIELD_LINE.exec(text[i]!);
    if (!m) {
      return 'invalid';
    }
    const name = m[1]!;
    const lower = name.toLowerCase();
    const value = m[2]!;
    switch (lower) {
      case 'content-length': {
        if (!DIGITS.test(value)) {
          return 'invalid';
        }
        const n = Number(value);
        if (contentLength !== -1 && contentLength !== n) {
          return 'invalid';
        }
        contentLength = n;
        break;
      }
      case 'transfer-encoding':
        te = te ? `${te}, ${value}` : value;
        break;
      case 'connection':
        connection = connection ? `${connection}, ${value}` : value;
        break;
      case 'content-type':
        contentType = value.toLowerCase();
        break;
      case 'content-encoding':
        contentEncoding = value.toLowerCase();
        break;
    }
    lines.push(name, lower, value);
  }
  if (te && contentLength !== -1) {
    // Both framings at once: a smuggling attempt or a broken server.
    return 'invalid';
  }
  const http10 = first[1] === '0';
  connection = connection.toLowerCase();
  const codings = te.toLowerCase().split(',');
  const chunked =
    te !== '' && codings[codings.length - 1]!.trim() === 'chunked';
  return {
    status: Number(first[2]),
    reason: first[3] ?? '',
    lines,
    contentLength,
    chunked,
    close:
      hasToken(connection, 'close') ||
      (http10 && !hasToken(connection, 'keep-alive')) ||
      (te !== '' && !chunked),
    contentType,
    contentEncoding,
    length: end + 4
  };
}

/**
 * Whether a comma-separated, lower-cased header value holds a token.
 */
export function hasToken(value: string, token: string): boolean {
  if (!value.includes(token)) {
    return false;
  }
  return value.split(',').some(t => t.trim() === token);
}

const enum ChunkState {
  Size,
  Data,
  DataEnd,
  Trailer,
  Done
}

const CHUNK_SIZE = new RegExp(`^([0-9a-fA-F]{1,12})(?:[ \\t]*;${VCHARS}*)?$`);
const MAX_CHUNK_LINE = 4096;

/**
 * Finds the end of a chunked body (RFC 9112 7.1), optionally handing out
 * the decoded data.
 */
export class ChunkedDecoder {
  /**
   * Whether the last chunk and trailer section were read.
   */
  get done(): boolean {
    return this._state === ChunkState.Done;
  }

  /**
   * Read from `buf`; returns how many bytes belong to the body (the rest
   * belongs to whatever follows it), or -1 when the body is malformed.
   */
  feed(buf: Buffer, onData?: (data: Buffer) => void): number {
    let i = 0;
    while (i < buf.length && this._state !== ChunkState.Done) {
      if (this._state === ChunkState.Data) {
        const take = Math.min(this._remaining, buf.length - i);
        onData?.(buf.subarray(i, i + take));
        this._remaining -= take;
        i += take;
        if (this._remaining === 0) {
          this._state = ChunkState.DataEnd;
        }
        continue;
      }
      const nl = buf.indexOf(10, i);
      const stop = nl === -1 ? buf.length : nl + 1;
      this._line += buf.toString('latin1', i, stop);
      i = stop;
      if (this._line.length > MAX_CHUNK_LINE) {
        return -1;
      }
      if (nl === -1) {
        break;
      }
      const line = this._line;
      this._line = '';
      if (!line.endsWith('\r\n')) {
        return -1;
      }
      const text = line.slice(0, -2);
      if (this._state === ChunkState.DataEnd) {
        if (text !== '') {
          return -1;
        }
        this._state = ChunkState.Size;
      } else if (this._state === ChunkState.Size) {
        const m = CHUNK_SIZE.exec(text);
        if (!m) {
          return -1;
        }
        this._remaining = parseInt(m[1]!, 16);
        this._state =
          this._remaining === 0 ? ChunkState.Trailer : ChunkState.Data;
      } else if (text === '') {
        this._state = ChunkState.Done;
      } else if (!FIELD_LINE.test(text) || ++this._trailers > MAX_FIELDS) {
        return -1;
      }
    }
    return i;
  }

  private _state = ChunkState.Size;
  private _remaining = 0;
  private _line = '';
  private _trailers = 0;
}
