/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's listening socket: a lean forwarding path for signed-in users'
 * requests to their own servers, and Node's HTTP server for everything else.
 *
 * @module
 */

import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import {
  connect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket
} from 'node:net';

import type { ActivityTracker } from './activity.js';
import { HttpCode } from './errors.js';
import {
  ChunkedDecoder,
  HOP_BY_HOP,
  hasToken,
  parseRequestHead,
  parseResponseHead,
  type IRequestHead,
  type IResponseHead
} from './http1.js';
import type { ILogger } from './log.js';
import { errorPage } from './pages.js';
import {
  decodeBody,
  SAFE_METHODS,
  stripCookie,
  type UserProxy
} from './proxy.js';
import { SESSION_COOKIE } from './session.js';
import type { IServerRecord } from './store/types.js';

/**
 * How a response body ends.
 */
const enum BodyMode {
  None,
  Length,
  Chunked,
  Close
}

/**
 * What the front needs.
 */
export interface IHttpFrontOptions {
  /**
   * Node's HTTP server (not listening itself): it gets every connection
   * the fast path does not serve.
   */
  http: HttpServer;
  proxy: UserProxy | null;
  activity: ActivityTracker | null;
  logger: ILogger;
  /**
   * The largest request head, in bytes. Default 16 KiB (Node's default).
   */
  maxHeadBytes?: number;
  /**
   * Close a connection idle between requests after this many ms. Default
   * 5000 (Node's `keepAliveTimeout`).
   */
  keepAliveMs?: number;
  /**
   * Close a connection whose request head takes longer than this many ms.
   * Default 60000 (Node's `headersTimeout`).
   */
  headersTimeoutMs?: number;
  /**
   * How often the "server unavailable" page retries, in seconds. Default 5.
   */
  retrySeconds?: number;
}

/**
 * Accepts the hub's connections and serves `/user/<name>/…` requests on a
 * lean HTTP/1.1 path.
 *
 * #### Notes
 * Node's HTTP server, with a client request per proxied request, spends
 * most of a proxied request's time in generic machinery. Here each request
 * head is parsed by {@link parseRequestHead} and, when it is a plain request
 * of a signed-in user for their own running server
 * ({@link UserProxy.fastRoute}), it is rewritten and written to a pooled
 * keep-alive connection to that server; the response is framed by its
 * `Content-Length` or chunks and passed through as bytes.
 *
 * Everything else — every other path, anything outside the strict parser's
 * subset, WebSocket upgrades, refused or redirected requests, a server that
 * is starting — is handed, at a request boundary and with the bytes read so
 * far put back, to Node's HTTP server for the rest of the connection. Its
 * handlers ({@link UserProxy.web}, the WebSocket router, the hub's pages)
 * check the request again from scratch, so the fast path can only ever be
 * narrower than the full one, never more permissive.
 *
 * Every request is authenticated, not only a connection's first. Requests
 * are served one at a time per connection: pipelined requests wait, read no
 * further than a bound, until the previous response is complete.
 */
export class HttpFront {
  constructor(options: IHttpFrontOptions) {
    this._o = options;
    this.server = createServer({ allowHalfOpen: true }, socket =>
      this._accept(socket)
    );
  }

  /**
   * The listening socket.
   */
  readonly server: Server;

  /**
   * Keep-alive connections to user servers.
   */
  readonly pool = new BackendPool();

  /**
   * How many requests were answered on the fast path and how many
   * connections were handed to Node's HTTP server.
   */
  readonly stats = { fast: 0, handedOff: 0 };

  /**
   * Listen; port 0 picks a free port. Resolves with the bound address.
   */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        // Node's HTTP server starts tracking its connections (for
        // `headersTimeout`, `requestTimeout` and `closeIdleConnections`) on
        // 'listening'; it gets its connections from here instead.
        this._o.http.emit('listening');
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stop listening and close fast-path connections once their exchange in
   * progress is done; resolves when every accepted connection (handed-off
   * ones too) is closed.
   */
  close(): Promise<void> {
    return new Promise(resolve => {
      this.server.close(() => resolve());
      this._closing = true;
      for (const c of this._connections) {
        c.closeWhenIdle();
      }
      this.pool.close();
    });
  }

  private _accept(socket: Socket): void {
    socket.setNoDelay(true);
    const c = new ClientConnection(
      socket,
      this._o,
      this.pool,
      this.stats,
      () => {
        this._connections.delete(c);
      }
    );
    this._connections.add(c);
    if (this._closing) {
      c.closeWhenIdle();
    }
  }

  private _o: IHttpFrontOptions;
  private _connections = new Set<ClientConnection>();
  private _closing = false;
}

/**
 * Idle keep-alive connections to user servers, by `host:port`.
 */
export class BackendPool {
  /**
   * Most idle connections kept per server.
   */
  static MAX_IDLE = 64;

  /**
   * Idle connections are closed after this many ms, before servers with
   * Node's 5 s keep-alive timeout close them under a request.
   */
  static IDLE_MS = 4000;

  /**
   * An idle connection to a server, or null.
   */
  take(key: string): Socket | null {
    const idle = this._idle.get(key);
    while (idle?.length) {
      const socket = idle.pop()!;
      socket.removeListener('data', onIdleData);
      socket.removeListener('close', this._onIdleClose);
      socket.removeListener('timeout', onIdleData);
      socket.setTimeout(0);
      if (!socket.destroyed) {
        return socket;
      }
    }
    return null;
  }

  /**
   * A new connection; resolves once connected.
   */
  connect(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  /**
   * Keep a connection whose exchange is complete.
   */
  release(key: string, socket: Socket): void {
    let idle = this._idle.get(key);
    if (!idle) {
      idle = [];
      this._idle.set(key, idle);
    }
    if (this._closed || idle.length >= BackendPool.MAX_IDLE) {
      socket.destroy();
      return;
    }
    (socket as IPooled)[POOL_KEY] = key;
    // Data on an idle connection is a protocol error; so is its end.
    socket.on('data', onIdleData);
    socket.on('close', this._onIdleClose);
    socket.on('timeout', onIdleData);
    socket.setTimeout(BackendPool.IDLE_MS);
    idle.push(socket);
  }

  close(): void {
    this._closed = true;
    for (const idle of this._idle.values()) {
      for (const s of idle.splice(0)) {
        s.destroy();
      }
    }
  }

  private _onIdleClose = function (this: Socket): void {
    // `this` is the socket; drop it from its list.
    const pool = (this as IPooled)[POOL_OWNER];
    pool?._forget(this);
  };

  /**
   * Forget a closed idle connection.
   */
  _forget(socket: Socket): void {
    const idle = this._idle.get((socket as IPooled)[POOL_KEY] ?? '');
    const i = idle?.indexOf(socket) ?? -1;
    if (i >= 0) {
      idle!.splice(i, 1);
    }
  }

  /**
   * Tag a socket with this pool (for the shared close listener).
   */
  adopt(socket: Socket): void {
    (socket as IPooled)[POOL_OWNER] = this;
  }

  private _idle = new Map<string, Socket[]>();
  private _closed = false;
}

const POOL_KEY = Symbol('poolKey');
const POOL_OWNER = Symbol('poolOwner');

interface IPooled {
  [POOL_KEY]?: string;
  [POOL_OWNER]?: BackendPool;
}

function onIdleData(this: Socket): void {
  this.destroy();
}

/**
 * Bytes read ahead of the request being served, at most (pipelining).
 */
const MAX_AHEAD = 64 * 1024;

/**
 * One client connection on the fast path.
 */
class ClientConnection {
  constructor(
    readonly socket: Socket,
    private readonly _o: IHttpFrontOptions,
    private readonly _pool: BackendPool,
    private readonly _stats: HttpFront['stats'],
    private readonly _onGone: () => void
  ) {
    socket.on('data', this._onData);
    socket.on('end', this._onEnd);
    socket.on('error', this._onError);
    socket.on('close', this._onClose);
    socket.on('timeout', this._onTimeout);
    socket.setTimeout(this._o.keepAliveMs ?? 5000);
  }

  /**
   * Close after the exchange in progress (at shutdown).
   */
  closeWhenIdle(): void {
    this._closeAfter = true;
    if (!this._exchange && !this._handedOff) {
      this.socket.destroy();
    }
  }

  private _onData = (chunk: Buffer): void => {
    if (this._over) {
      return;
    }
    const ex = this._exchange;
    if (ex && ex.bodyLeft > 0) {
      const take = Math.min(ex.bodyLeft, chunk.length);
      ex.writeBody(take === chunk.length ? chunk : chunk.subarray(0, take));
      if (take === chunk.length) {
        return;
      }
      chunk = chunk.subarray(take);
    }
    this._pending = this._pending.length
      ? Buffer.concat([this._pending, chunk])
      : chunk;
    if (this._exchange) {
      if (this._pending.length > MAX_AHEAD) {
        this.socket.pause();
      }
      return;
    }
    this._next();
  };

  private _onEnd = (): void => {
    this._ended = true;
    if (!this._exchange) {
      this.socket.end();
    }
  };

  private _onError = (): void => {
    this.socket.destroy();
  };

  private _onClose = (): void => {
    this._exchange?.abort();
    this._clearHeadTimer();
    if (!this._handedOff) {
      this._onGone();
    }
  };

  private _onTimeout = (): void => {
    if (!this._exchange) {
      this.socket.destroy();
    }
  };

  /**
   * Serve the next request in the buffer, if it is complete.
   */
  private _next(): void {
    if (!this._pending.length) {
      if (this._ended || this._closeAfter) {
        this.socket.end();
      }
      return;
    }
    const o = this._o;
    const head = parseRequestHead(this._pending, o.maxHeadBytes ?? 16 * 1024);
    if (head === 'incomplete') {
      if (this._ended) {
        this.socket.destroy();
        return;
      }
      this._startHeadTimer();
      return;
    }
    this._clearHeadTimer();
    if (
      head === 'other' ||
      !o.proxy ||
      !head.target.startsWith('/user/') ||
      head.method === 'CONNECT'
    ) {
      this._handOff();
      return;
    }
    const q = head.target.indexOf('?');
    const path = q === -1 ? head.target : head.target.slice(0, q);
    const view = {
      headers: head.headers as IncomingHttpHeaders,
      url: head.target,
      socket: this.socket
    };
    const route = o.proxy.fastRoute(head.method, path, view);
    if (!route) {
      this._handOff();
      return;
    }
    this._pending = this._pending.subarray(head.length);
    this.socket.setTimeout(0);
    const ex = new Exchange(
      this,
      head,
      route.user,
      route.server,
      this.takeAhead(head.contentLength)
    );
    this._exchange = ex;
    void ex.start();
  }

  /**
   * Take the bytes of the request body already read (up to `n`).
   */
  takeAhead(n: number): Buffer {
    const take = Math.min(n, this._pending.length);
    const out = this._pending.subarray(0, take);
    this._pending = this._pending.subarray(take);
    return out;
  }

  /**
   * Put a request head back in front of the buffer and hand the connection
   * over (its exchange failed before anything was forwarded or answered).
   */
  handOffWith(head: Buffer): void {
    this._exchange = null;
    this._pending = this._pending.length
      ? Buffer.concat([head, this._pending])
      : head;
    this._handOff();
  }

  /**
   * The exchange is complete.
   */
  done(close: boolean): void {
    this._exchange = null;
    this._stats.fast++;
    if (close || this._closeAfter) {
      this._over = true;
      this.socket.end();
      return;
    }
    if (this.socket.destroyed) {
      return;
    }
    this.socket.setTimeout(this._o.keepAliveMs ?? 5000);
    this.socket.resume();
    this._next();
  }

  get o(): IHttpFrontOptions {
    return this._o;
  }

  get pool(): BackendPool {
    return this._pool;
  }

  /**
   * Give the connection, with the bytes read so far, to Node's HTTP server.
   */
  private _handOff(): void {
    const { socket } = this;
    this._handedOff = true;
    this._stats.handedOff++;
    this._onGone();
    socket.pause();
    socket.setTimeout(0);
    socket.off('data', this._onData);
    socket.off('end', this._onEnd);
    socket.off('error', this._onError);
    socket.off('close', this._onClose);
    socket.off('timeout', this._onTimeout);
    if (this._pending.length) {
      socket.unshift(this._pending);
      this._pending = EMPTY;
    }
    this._o.http.emit('connection', socket);
    socket.resume();
  }

  private _startHeadTimer(): void {
    if (this._headTimer) {
      return;
    }
    this._headTimer = setTimeout(() => {
      this._headTimer = null;
      this.socket.destroy();
    }, this._o.headersTimeoutMs ?? 60_000);
    this._headTimer.unref();
  }

  private _clearHeadTimer(): void {
    if (this._headTimer) {
      clearTimeout(this._headTimer);
      this._headTimer = null;
    }
  }

  private _pending: Buffer = EMPTY;
  private _exchange: Exchange | null = null;
  private _ended = false;
  private _over = false;
  private _closeAfter = false;
  private _handedOff = false;
  private _headTimer: NodeJS.Timeout | null = null;
}

const EMPTY = Buffer.alloc(0);

/**
 * Response headers never passed on from a user server, besides the ones its
 * `Connection` header names.
 */
const RESPONSE_DROP = new Set(
  [...HOP_BY_HOP].filter(h => h !== 'transfer-encoding')
);

/**
 * Request headers the hub sets itself.
 */
const REQUEST_REPLACED = new Set([
  'authorization',
  'cookie',
  'host',
  'origin',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto'
]);

/**
 * One request and its response on the fast path.
 */
class Exchange {
  constructor(
    private readonly _client: ClientConnection,
    private readonly _head: IRequestHead,
    private readonly _user: string,
    private readonly _server: IServerRecord,
    ahead: Buffer
  ) {
    const url = new URL(_server.url!);
    // `[::1]` is a URL's spelling; sockets want `::1`.
    this._host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this._port = Number(url.port || 80);
    this._key = url.host;
    this.bodyLeft = _head.contentLength - ahead.length;
    this._early = ahead.length ? [ahead] : [];
    this._idempotent =
      SAFE_METHODS.has(_head.method) && _head.contentLength === 0;
  }

  /**
   * Request body bytes still to forward.
   */
  bodyLeft: number;

  async start(): Promise<void> {
    const c = this._client;
    c.o.activity?.touch(this._user);
    let socket = c.pool.take(this._key);
    const reused = socket !== null;
    if (!socket) {
      try {
        socket = await c.pool.connect(this._host, this._port);
      } catch {
        this._handBack();
        return;
      }
    }
    if (this._aborted) {
      socket.destroy();
      return;
    }
    this._attach(socket, reused);
  }

  /**
   * Forward body bytes read from the client.
   */
  writeBody(data: Buffer): void {
    this.bodyLeft -= data.length;
    if (!this._backend) {
      // Still connecting: hold what came, read no more until connected.
      this._early.push(data);
      this._client.socket.pause();
      return;
    }
    if (!this._backend.write(data)) {
      this._client.socket.pause();
      this._backend.once('drain', () => this._client.socket.resume());
    }
  }

  /**
   * The client went away.
   */
  abort(): void {
    this._aborted = true;
    this._backend?.destroy();
  }

  private _attach(socket: Socket, reused: boolean): void {
    const c = this._client;
    this._backend = socket;
    c.pool.adopt(socket);
    socket.on('data', this._onData);
    socket.on('end', this._onEnd);
    socket.on('error', this._onError);
    socket.on('close', this._onError);
    this._reused = reused;
    const head = this._requestHead();
    const parts = [head, ...this._early];
    this._early = [];
    if (!socket.write(parts.length === 1 ? head : Buffer.concat(parts))) {
      c.socket.pause();
      socket.once('drain', () => c.socket.resume());
    } else {
      c.socket.resume();
    }
  }

  /**
   * The request head for the user server: the client's headers without
   * hop-by-hop ones and without those the hub sets, then the server token,
   * the session-less `Cookie`, the server's `Host` and `X-Forwarded-*`.
   */
  private _requestHead(): Buffer {
    const h = this._head;
    const connection = h.headers.connection?.toLowerCase() ?? '';
    let out = `${h.method} ${h.target} HTTP/1.1\r\n`;
    for (let i = 0; i < h.lines.length; i += 3) {
      const lower = h.lines[i + 1]!;
      if (
        HOP_BY_HOP.has(lower) ||
        REQUEST_REPLACED.has(lower) ||
        (connection && hasToken(connection, lower))
      ) {
        continue;
      }
      out += `${h.lines[i]}: ${h.lines[i + 2]}\r\n`;
    }
    const cookie = stripCookie(h.headers.cookie, SESSION_COOKIE);
    if (cookie) {
      out += `Cookie: ${cookie}\r\n`;
    }
    const client = this._client.socket.remoteAddress ?? '';
    const xff = h.headers['x-forwarded-for'];
    out +=
      `Authorization: token ${this._server.token}\r\n` +
      `Host: ${this._key}\r\n` +
      `X-Forwarded-For: ${xff ? `${xff}, ${client}` : client}\r\n` +
      `X-Forwarded-Host: ${h.headers.host}\r\n` +
      'X-Forwarded-Proto: http\r\n\r\n';
    return Buffer.from(out, 'latin1');
  }

  private _onData = (chunk: Buffer): void => {
    this._got = true;
    if (this._response === null) {
      this._buf = this._buf.length ? Buffer.concat([this._buf, chunk]) : chunk;
      this._readHead();
      return;
    }
    this._body(chunk);
  };

  private _readHead(): void {
    for (;;) {
      const r = parseResponseHead(this._buf, 64 * 1024);
      if (r === 'incomplete') {
        return;
      }
      if (r === 'invalid' || r.status === 101) {
        this._fail('invalid response head');
        return;
      }
      this._buf = this._buf.subarray(r.length);
      if (r.status >= 100 && r.status < 200) {
        // Interim responses (100, 103) are not passed on, as in the full
        // path.
        continue;
      }
      this._response = r;
      this._startBody(r);
      return;
    }
  }

  private _startBody(r: IResponseHead): void {
    const noBody =
      this._head.method === 'HEAD' || r.status === 204 || r.status === 304;
    if (noBody) {
      this._mode = BodyMode.None;
    } else if (r.chunked) {
      this._mode = BodyMode.Chunked;
      this._chunks = new ChunkedDecoder();
    } else if (r.contentLength >= 0) {
      this._mode = BodyMode.Length;
      this._left = r.contentLength;
    } else {
      this._mode = BodyMode.Close;
    }
    // An answer before the whole request body (the rest is still coming)
    // also ends the connection: it cannot carry another request.
    this._closeClient =
      this._head.close || this._mode === BodyMode.Close || this.bodyLeft > 0;
    this._html = /^text\/html/.test(r.contentType);
    // The head and the first body bytes leave in one write.
    const client = this._client.socket;
    client.cork();
    if (!this._html) {
      client.write(this._responseHead(r, -1));
    }
    const rest = this._buf;
    this._buf = EMPTY;
    if (this._mode === BodyMode.None) {
      this._finish(rest.length > 0);
    } else if (rest.length) {
      this._body(rest);
    } else if (this._mode === BodyMode.Length && this._left === 0) {
      this._finish(false);
    }
    client.uncork();
  }

  /**
   * The response head for the client; `length` >= 0 replaces the framing
   * (a scrubbed HTML body).
   */
  private _responseHead(r: IResponseHead, length: number): Buffer {
    let connection = '';
    for (let i = 0; i < r.lines.length; i += 3) {
      if (r.lines[i + 1] === 'connection') {
        connection += `,${r.lines[i + 2]!.toLowerCase()}`;
      }
    }
    let out = `HTTP/1.1 ${r.status} ${r.reason}\r\n`;
    for (let i = 0; i < r.lines.length; i += 3) {
      const lower = r.lines[i + 1]!;
      if (
        RESPONSE_DROP.has(lower) ||
        (connection && hasToken(connection, lower)) ||
        (length >= 0 &&
          (lower === 'content-length' ||
            lower === 'transfer-encoding' ||
            lower === 'content-encoding'))
      ) {
        continue;
      }
      out += `${r.lines[i]}: ${r.lines[i + 2]}\r\n`;
    }
    if (length >= 0) {
      out += `Content-Length: ${length}\r\n`;
    }
    if (this._closeClient) {
      out += 'Connection: close\r\n';
    }
    return Buffer.from(out + '\r\n', 'latin1');
  }

  private _body(chunk: Buffer): void {
    let used = chunk.length;
    let complete = false;
    if (this._mode === BodyMode.Length) {
      used = Math.min(this._left, chunk.length);
      this._left -= used;
      complete = this._left === 0;
    } else if (this._mode === BodyMode.Chunked) {
      used = this._chunks!.feed(
        chunk,
        this._html ? d => this._collected.push(d) : undefined
      );
      if (used < 0) {
        this._fail('invalid chunked body');
        return;
      }
      complete = this._chunks!.done;
    }
    const mine = used === chunk.length ? chunk : chunk.subarray(0, used);
    if (this._html) {
      if (this._mode !== BodyMode.Chunked) {
        this._collected.push(mine);
      }
    } else if (!this._client.socket.write(mine)) {
      const backend = this._backend!;
      backend.pause();
      this._client.socket.once('drain', () => backend.resume());
    }
    if (complete) {
      this._finish(used < chunk.length);
    }
  }

  private _onEnd = (): void => {
    if (this._response && this._mode === BodyMode.Close) {
      this._finish(true);
      return;
    }
    this._onError();
  };

  private _onError = (): void => {
    if (this._complete) {
      return;
    }
    const c = this._client;
    if (this._aborted) {
      this._detach();
      return;
    }
    if (!this._got && this._idempotent && this._reused && !this._retried) {
      // A kept-alive connection the server closed just as it was reused: a
      // request without a body is sent again on a new one.
      this._retried = true;
      this._detach();
      c.o.logger.debug('proxy.retry', { user: this._user });
      void c.pool.connect(this._host, this._port).then(
        s => (this._aborted ? s.destroy() : this._attach(s, false)),
        () => this._backendDown()
      );
      return;
    }
    if (!this._got && this._idempotent) {
      this._detach(true);
      this._handBack();
      return;
    }
    this._fail('connection lost');
  };

  private _backendDown(): void {
    this._handBack();
  }

  /**
   * Nothing was forwarded or answered: let the full path handle the request
   * (it answers the 503 page, or waits for a start in progress).
   */
  private _handBack(): void {
    if (this._aborted) {
      return;
    }
    const head = Buffer.from(this._rawHead(), 'latin1');
    this._client.handOffWith(Buffer.concat([head, ...this._early]));
  }

  /**
   * The client's head as received (the hand-off target parses it again).
   */
  private _rawHead(): string {
    const h = this._head;
    let out = `${h.method} ${h.target} HTTP/1.1\r\n`;
    for (let i = 0; i < h.lines.length; i += 3) {
      out += `${h.lines[i]}: ${h.lines[i + 2]}\r\n`;
    }
    return out + '\r\n';
  }

  /**
   * The exchange broke after something was forwarded: answer 503 when no
   * response started, else cut the client connection.
   */
  private _fail(why: string): void {
    const c = this._client;
    c.o.logger.warn('proxy.backend.error', { user: this._user, error: why });
    this._complete = true;
    this._detach(true);
    if (this._response === null && c.socket.writable) {
      const retry = c.o.retrySeconds ?? 5;
      const body = errorPage(
        HttpCode.ServiceUnavailable,
        'Your server is not answering right now.',
        'backend_down',
        { retrySeconds: retry }
      );
      c.socket.end(
        'HTTP/1.1 503 Service Unavailable\r\n' +
          'Content-Type: text/html; charset=utf-8\r\n' +
          'Cache-Control: no-store\r\n' +
          `Retry-After: ${retry}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Connection: close\r\n\r\n' +
          body
      );
      return;
    }
    c.socket.destroy();
  }

  private _finish(extra: boolean): void {
    const c = this._client;
    const r = this._response!;
    this._complete = true;
    if (this._html) {
      let text: string;
      try {
        text = decodeBody(Buffer.concat(this._collected), r.contentEncoding)
          .toString('utf8')
          .split(this._server.token!)
          .join('');
      } catch {
        this._detach(true);
        c.socket.destroy();
        return;
      }
      const body = Buffer.from(text, 'utf8');
      c.socket.write(this._responseHead(r, body.length));
      if (this._head.method !== 'HEAD') {
        c.socket.write(body);
      }
    }
    const reusable =
      !extra &&
      !r.close &&
      this._mode !== BodyMode.Close &&
      this.bodyLeft === 0;
    const backend = this._detach(!reusable);
    if (backend && reusable) {
      c.pool.release(this._key, backend);
    }
    c.o.activity?.touch(this._user);
    c.done(this._closeClient || this.bodyLeft > 0);
  }

  /**
   * Stop listening to the backend connection; destroy it when asked.
   */
  private _detach(destroy = false): Socket | null {
    const s = this._backend;
    this._backend = null;
    if (!s) {
      return null;
    }
    s.off('data', this._onData);
    s.off('end', this._onEnd);
    s.off('error', this._onError);
    s.off('close', this._onError);
    s.resume();
    if (destroy) {
      s.destroy();
      return null;
    }
    return s;
  }

  private readonly _host: string;
  private readonly _port: number;
  private readonly _key: string;
  private readonly _idempotent: boolean;
  private _backend: Socket | null = null;
  private _early: Buffer[];
  private _buf: Buffer = EMPTY;
  private _response: IResponseHead | null = null;
  private _mode = BodyMode.None;
  private _left = 0;
  private _chunks: ChunkedDecoder | null = null;
  private _html = false;
  private _collected: Buffer[] = [];
  private _closeClient = false;
  private _reused = false;
  private _retried = false;
  private _got = false;
  private _aborted = false;
  private _complete = false;
}
