/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The WebSocket upgrade path of `/user/<name>/…`: the same session check as
 * HTTP plus an `Origin` check, then a byte pipe to the user's server.
 *
 * @module
 */

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { ActivityTracker } from './activity.js';
import { HttpCode, HttpError } from './errors.js';
import { parseResponseHead, type IResponseHead } from './http1.js';
import type { ILogger } from './log.js';
import { forwardHeaders, type UserProxy } from './proxy.js';

/**
 * What the router needs.
 */
export interface IWsRouterOptions {
  proxy: UserProxy;
  activity: ActivityTracker;
  origin: (req: IncomingMessage) => string;
  logger: ILogger;
}

/**
 * Handles `upgrade` events of the hub's HTTP server.
 *
 * #### Notes
 * Browsers send cookies with WebSocket handshakes from any site, so the
 * `Origin` (which scripts cannot forge) must be the hub's own; a handshake
 * without one is refused too. Frames are not parsed: after the upstream's
 * 101 the two sockets are piped. An open socket keeps its user active (see
 * {@link ActivityTracker.sockets}), and its traffic is recorded as activity
 * by sampling the byte counters every {@link WsRouter.ACTIVITY_SAMPLE_MS}.
 */
export class WsRouter {
  constructor(options: IWsRouterOptions) {
    this._o = options;
  }

  /**
   * Route one upgrade request.
   */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void this._handle(req, socket, head).catch(e => {
      const err =
        e instanceof HttpError
          ? e
          : new HttpError(HttpCode.ServerError, 'internal', 'internal');
      this._o.logger.warn('ws.refused', {
        status: err.status,
        reason: err.reason,
        path: (req.url ?? '').split('?')[0],
        origin: req.headers.origin,
        ...err.details
      });
      refuse(socket, err.status, err.reason);
    });
  }

  private async _handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const user = this._o.proxy.authorize(req, path);
    const origin = this._o.origin(req);
    if (req.headers.origin !== origin) {
      throw new HttpError(
        HttpCode.Forbidden,
        'This WebSocket came from another site.',
        'bad_origin',
        { user, origin: req.headers.origin ?? null }
      );
    }
    const server = await this._o.proxy.target(user);
    const url = new URL(server.url!);
    const headers = forwardHeaders(req, server.token!, url.host);
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
    const client = socket as Socket;
    const link = new UpstreamLink(client);
    const { activity, logger } = this._o;
    let answer: IResponseHead;
    try {
      answer = await link.open(
        // `[::1]` is a URL's spelling; sockets want `::1`.
        url.hostname.replace(/^\[(.*)\]$/, '$1'),
        Number(url.port || 80),
        requestHead(req.method ?? 'GET', req.url ?? '/', headers)
      );
    } catch (e) {
      logger.warn('ws.backend.error', { user, error: (e as Error).message });
      throw new HttpError(
        HttpCode.ServiceUnavailable,
        'Your server is not answering right now.',
        'backend_down',
        { user }
      );
    }
    const up = link.up;
    if (answer.status !== 101) {
      // The server refused the upgrade: pass its status on, not its body
      // (which is not scrubbed of the server token).
      up.destroy();
      logger.warn('ws.backend.refused', { user, status: answer.status });
      refuse(client, answer.status, answer.reason);
      return;
    }
    if (client.destroyed) {
      up.destroy();
      return;
    }
    client.setNoDelay(true);
    if (head.length) {
      up.write(head);
    }
    activity.sockets(user, 1);
    const entry: IOpenSocket = {
      user,
      up,
      done: () => link.close(),
      bytes: 0
    };
    this._open.add(entry);
    this._timer ??= setInterval(
      () => this._sample(),
      WsRouter.ACTIVITY_SAMPLE_MS
    ).unref();
    const closed = (): void => {
      activity.sockets(user, -1);
      this._open.delete(entry);
      if (!this._open.size) {
        clearInterval(this._timer);
        this._timer = undefined;
      }
    };
    link.start(statusHead(answer.status, answer.lines), closed);
  }

  /**
   * How often open WebSockets are checked for traffic, in ms.
   */
  static ACTIVITY_SAMPLE_MS = 2000;

  /**
   * Record activity for every WebSocket that moved bytes since the last
   * sample: a counter comparison per socket and interval instead of a
   * listener call per frame.
   */
  private _sample(): void {
    for (const e of this._open) {
      const bytes = e.up.bytesRead + e.up.bytesWritten;
      if (bytes !== e.bytes) {
        e.bytes = bytes;
        this._o.activity.touch(e.user);
      }
    }
  }

  /**
   * Close every proxied WebSocket (at shutdown; browsers reconnect).
   */
  closeAll(): void {
    for (const e of [...this._open]) {
      e.done();
    }
  }

  /**
   * How many WebSockets are open.
   */
  get size(): number {
    return this._open.size;
  }

  private _o: IWsRouterOptions;
  private _open = new Set<IOpenSocket>();
  private _timer: NodeJS.Timeout | undefined;
}

/**
 * One proxied WebSocket.
 */
interface IOpenSocket {
  user: string;
  /**
   * The connection to the user's server (its byte counters are sampled).
   */
  up: Socket;
  done: () => void;
  bytes: number;
}

/**
 * Bytes read from a user server per system call on a proxied WebSocket.
 */
const RELAY_BUFFER = 32 * 1024;

/**
 * The largest response head accepted from a user server.
 */
const MAX_RESPONSE_HEAD = 64 * 1024;

/**
 * The connection to a user's server for one WebSocket: the upgrade
 * handshake, then a byte relay in both directions.
 *
 * #### Notes
 * The server's bytes are read into one buffer per connection (the socket's
 * `onread` option) and written straight on to the client: no buffer is
 * allocated and no stream machinery runs per chunk. The buffer is reused by
 * the next read, so while a write to the client has not been flushed (a
 * slow reader), reading from the server stops until it is. The client's
 * bytes arrive as `data` events and are written on with `write()`'s return
 * value as backpressure. The end of either side ends the other (half-close);
 * an error or close of either side closes both.
 */
export class UpstreamLink {
  constructor(private readonly _client: Socket) {}

  /**
   * The connection to the user's server (set by {@link open}).
   */
  up!: Socket;

  /**
   * Connect, send the upgrade request and resolve with the server's
   * response head; rejects when the server cannot be reached, closes, or
   * answers something that is not HTTP. Reading stops after the head until
   * {@link start}.
   */
  open(host: string, port: number, request: Buffer): Promise<IResponseHead> {
    return new Promise((resolve, reject) => {
      this._settle = { resolve, reject };
      const up = connect({
        host,
        port,
        noDelay: true,
        // A server's end is passed on as the client's; the client may
        // still send until it ends too (and the other way round).
        allowHalfOpen: true,
        onread: {
          buffer: Buffer.allocUnsafe(RELAY_BUFFER),
          callback: this._onUpstream
        }
      });
      this.up = up;
      up.on('error', this._onHandshakeEnd);
      up.on('end', this._onHandshakeEnd);
      up.on('close', this._onHandshakeEnd);
      this._client.on('close', this._onClientGone);
      up.write(request);
    });
  }

  /**
   * Relay in both directions, starting with the response head for the
   * client and the bytes the server sent after its own.
   */
  start(responseHead: string, onClosed: () => void): void {
    const { up } = this;
    const client = this._client;
    up.off('error', this._onHandshakeEnd);
    up.off('end', this._onHandshakeEnd);
    up.off('close', this._onHandshakeEnd);
    this._client.off('close', this._onClientGone);
    this._relaying = true;
    // Read from the server once these are flushed (see _onUpstream).
    this._waiting = true;
    client.write(responseHead, 'latin1');
    client.write(this._rest, this._onFlushed);
    this._rest = EMPTY;
    client.on('data', (chunk: Buffer) => {
      if (!up.write(chunk)) {
        client.pause();
      }
    });
    up.on('drain', () => client.resume());
    client.on('end', () => up.end());
    up.on('end', () => client.end());
    this._onClosed = onClosed;
    const close = (): void => this.close();
    up.on('error', close);
    up.on('close', close);
    client.on('error', close);
    client.on('close', close);
  }

  /**
   * Close both connections.
   */
  close(): void {
    this.up.destroy();
    this._client.destroy();
    const onClosed = this._onClosed;
    this._onClosed = null;
    onClosed?.();
  }

  private _onUpstream = (n: number, buf: Buffer): boolean => {
    const client = this._client;
    if (this._relaying) {
      client.write(buf.subarray(0, n), this._onFlushed);
      if (client.writableLength !== 0) {
        // The write holds the shared buffer until it is flushed.
        this._waiting = true;
        return false;
      }
      return true;
    }
    // The handshake (a copy: the buffer is reused).
    this._head = Buffer.concat([this._head, buf.subarray(0, n)]);
    const r = parseResponseHead(this._head, MAX_RESPONSE_HEAD);
    if (r === 'incomplete') {
      return true;
    }
    const settle = this._settle!;
    this._settle = null;
    if (r === 'invalid') {
      this.up.destroy();
      settle.reject(new Error('invalid response head'));
      return false;
    }
    this._rest = this._head.subarray(r.length);
    this._head = EMPTY;
    settle.resolve(r);
    return false;
  };

  private _onFlushed = (): void => {
    if (this._waiting) {
      this._waiting = false;
      this.up.resume();
    }
  };

  private _onHandshakeEnd = (e?: Error | boolean): void => {
    const settle = this._settle;
    this._settle = null;
    this.up.destroy();
    settle?.reject(
      e instanceof Error ? e : new Error('closed before the response')
    );
  };

  private _onClientGone = (): void => {
    this._onHandshakeEnd(new Error('client gone'));
  };

  private _settle: {
    resolve: (r: IResponseHead) => void;
    reject: (e: Error) => void;
  } | null = null;
  private _head: Buffer = EMPTY;
  private _rest: Buffer = EMPTY;
  private _relaying = false;
  private _waiting = false;
  private _onClosed: (() => void) | null = null;
}

const EMPTY = Buffer.alloc(0);

/**
 * The upgrade request for the user's server.
 */
function requestHead(
  method: string,
  target: string,
  headers: OutgoingHttpHeaders
): Buffer {
  let out = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) {
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      out += `${name}: ${v}\r\n`;
    }
  }
  return Buffer.from(out + '\r\n', 'latin1');
}

/**
 * A response head from {@link IResponseHead.lines} (name, lower-cased name,
 * value).
 */
function statusHead(status: number, lines: readonly string[]): string {
  let out = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i + 2 < lines.length; i += 3) {
    out += `${lines[i]}: ${lines[i + 2]}\r\n`;
  }
  return out + '\r\n';
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${status} ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body
  );
}
