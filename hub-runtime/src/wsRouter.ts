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

import type { IncomingMessage } from 'node:http';
import { request as httpRequest, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import type { ActivityTracker } from './activity.js';
import { HttpCode, HttpError } from './errors.js';
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
    const upstream = httpRequest({
      host: url.hostname,
      port: url.port,
      method: req.method,
      path: req.url,
      headers,
      // An upgraded socket leaves any pool; do not borrow one.
      agent: false
    });
    const { activity, logger } = this._o;
    await new Promise<void>((resolve, reject) => {
      upstream.on('error', e => {
        logger.warn('ws.backend.error', { user, error: e.message });
        reject(
          new HttpError(
            HttpCode.ServiceUnavailable,
            'Your server is not answering right now.',
            'backend_down',
            { user }
          )
        );
      });
      socket.on('close', () => upstream.destroy());
      upstream.on('response', res => {
        // The server refused the upgrade: pass its answer on.
        socket.write(statusHead(res.statusCode ?? 502, res.rawHeaders));
        res.pipe(socket);
        resolve();
      });
      upstream.on('upgrade', (res, up, upHead) => {
        socket.write(statusHead(res.statusCode ?? 101, res.rawHeaders));
        if (upHead.length) {
          socket.write(upHead);
        }
        if (head.length) {
          up.write(head);
        }
        up.setNoDelay(true);
        (socket as Socket).setNoDelay?.(true);
        activity.sockets(user, 1);
        let open = true;
        const done = (): void => {
          if (open) {
            open = false;
            activity.sockets(user, -1);
            this._open.delete(entry);
            if (!this._open.size) {
              clearInterval(this._timer);
              this._timer = undefined;
            }
          }
          up.destroy();
          socket.destroy();
        };
        const entry: IOpenSocket = { user, up, done, bytes: 0 };
        this._open.add(entry);
        this._timer ??= setInterval(
          () => this._sample(),
          WsRouter.ACTIVITY_SAMPLE_MS
        ).unref();
        up.on('error', done);
        up.on('close', done);
        socket.on('close', done);
        socket.on('error', done);
        relay(up, socket);
        relay(socket, up);
        resolve();
      });
      upstream.end();
    });
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
 * Copy bytes from one socket to the other, pausing the source while the
 * destination's buffer is full; the end of one ends the other. (What
 * `pipe()` does, without its bookkeeping on every chunk.)
 */
function relay(from: Duplex, to: Duplex): void {
  to.on('drain', () => from.resume());
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
    }
  });
  from.on('end', () => to.end());
}

function statusHead(status: number, raw: readonly string[]): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  return lines.join('\r\n') + '\r\n\r\n';
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
