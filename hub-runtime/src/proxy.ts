/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The authenticating HTTP proxy for `/user/<name>/…`.
 *
 * @module
 */

import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse
} from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

import type { ActivityTracker } from './activity.js';
import type { Authenticator, IRequestView } from './auth.js';
import { userOfPath } from './auth.js';
import { HttpCode, HttpError } from './errors.js';
import { HOP_BY_HOP } from './http1.js';
import type { ILogger } from './log.js';
import { SESSION_COOKIE } from './session.js';
import type { ServerManager } from './spawner/manager.js';
import type { IHubStore, IServerRecord } from './store/types.js';

/**
 * What the proxy needs.
 */
export interface IUserProxyOptions {
  manager: ServerManager;
  /**
   * Where the running servers are recorded; its
   * {@link IHubStore.generation} invalidates the in-memory route table.
   */
  store: IHubStore;
  activity: ActivityTracker;
  authenticate: Authenticator;
  /**
   * The hub's public origin for a request.
   */
  origin: (req: IRequestView) => string;
  logger: ILogger;
  /**
   * How often the "server unavailable" page retries, in seconds. Default 5.
   */
  retrySeconds?: number;
}

/**
 * Methods that need no `Origin` check.
 */
export const SAFE_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'OPTIONS'
]);

/**
 * Forwards a signed-in user's requests to their own server.
 *
 * #### Notes
 * - Only the owner's session passes; unsafe methods (POST, PUT, DELETE…)
 *   with an `Origin` must come from the hub's own origin, because the hub's
 *   token makes Jupyter skip its XSRF check.
 * - The session cookie is removed and `Authorization: token <server token>`
 *   added; the browser never holds the server token. JupyterLab writes the
 *   token into its page config, so HTML responses have it scrubbed.
 * - Upstream connections are kept alive; activity is recorded when a request
 *   starts and when its response ends (a long download is activity too).
 */
export class UserProxy {
  constructor(options: IUserProxyOptions) {
    this._o = options;
  }

  /**
   * Keep-alive connections to the user servers.
   */
  readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  /**
   * Check who asks for a `/user/<name>/` path; returns the user or throws an
   * {@link HttpError}.
   */
  authorize(req: IRequestView, path: string): string {
    const user = userOfPath(path);
    if (user === null) {
      throw new HttpError(
        HttpCode.NotFound,
        'There is nothing at this address.',
        'not_found'
      );
    }
    const session = this._o.authenticate(req);
    if (session === null) {
      throw new HttpError(
        HttpCode.Forbidden,
        'You are not signed in. Open the activity from Moodle again.',
        'no_session',
        { user }
      );
    }
    if (session !== user) {
      throw new HttpError(
        HttpCode.Forbidden,
        'This is not your server. Open the activity from Moodle again.',
        'wrong_user',
        { user, session }
      );
    }
    return user;
  }

  /**
   * The happy path of one request without waiting: the user and their
   * running server when the request passes every check of {@link web}
   * (the owner's session, the `Origin` of an unsafe method) and needs no
   * redirect; otherwise null, and {@link web} must handle it (it answers
   * the refusals and waits for a start in progress).
   */
  fastRoute(
    method: string,
    path: string,
    req: IRequestView
  ): { user: string; server: IServerRecord } | null {
    const user = userOfPath(path);
    if (
      user === null ||
      path === `/user/${encodeURIComponent(user)}` ||
      this._o.authenticate(req) !== user
    ) {
      return null;
    }
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      !SAFE_METHODS.has(method) &&
      origin !== this._o.origin(req)
    ) {
      return null;
    }
    const server = this._route(user);
    return server ? { user, server } : null;
  }

  /**
   * The running server of a user from the in-memory route table, filled from
   * the store and emptied whenever the store's generation moves; null while
   * a start or stop is in progress.
   */
  private _route(user: string): IServerRecord | null {
    const { manager, store } = this._o;
    if (this._routesGeneration !== store.generation) {
      this._routes.clear();
      this._routesGeneration = store.generation;
    }
    // A start in progress or a failed one shows the progress page (see
    // routes/progress.ts), on the full path.
    if (manager.isPending(user) || manager.progress(user)?.phase === 'failed') {
      return null;
    }
    let server = this._routes.get(user);
    if (server === undefined) {
      const record = store.getServer(user);
      server =
        record?.state === 'running' && record.url && record.token
          ? record
          : null;
      if (this._routes.size >= 10_000) {
        this._routes.clear();
      }
      this._routes.set(user, server);
    }
    return server;
  }

  /**
   * The running server of a user, or an {@link HttpError} page.
   */
  async target(user: string): Promise<IServerRecord> {
    const server = await this._o.manager.route(user);
    if (!server || !server.url || !server.token) {
      throw new HttpError(
        HttpCode.ServiceUnavailable,
        this._o.manager.lastError(user)
          ? 'Your server could not be started. Try again later, or ask your teacher.'
          : 'Your server is not running. Open the activity from Moodle again to start it.',
        this._o.manager.lastError(user) ? 'start_failed' : 'no_server',
        { user }
      );
    }
    return server;
  }

  /**
   * Handle an HTTP request for `/user/…`. Throws {@link HttpError}s for the
   * hub's error pages before anything is sent.
   */
  async web(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const user = this.authorize(req, path);
    if (path === `/user/${encodeURIComponent(user)}`) {
      res.writeHead(HttpCode.Found, {
        location: `${path}/${(req.url ?? '').slice(path.length)}`
      });
      res.end();
      return;
    }
    const method = req.method ?? 'GET';
    if (!SAFE_METHODS.has(method) && req.headers.origin !== undefined) {
      const origin = this._o.origin(req);
      if (req.headers.origin !== origin) {
        throw new HttpError(
          HttpCode.Forbidden,
          'This request came from another site.',
          'bad_origin',
          { user, origin: req.headers.origin }
        );
      }
    }
    const server = await this.target(user);
    this._o.activity.touch(user);
    const safe = SAFE_METHODS.has(method) && !hasBody(req);
    // A kept-alive connection the server closed just as it was reused fails
    // at once; a request without a body can then be sent again.
    if (!(await this._forward(req, res, user, server, safe, !safe))) {
      await this._forward(req, res, user, server, false, false);
    }
  }

  /**
   * Send one request upstream. Resolves false when it failed on a reused
   * connection before anything was sent back and `mayRetry` is set.
   */
  private _forward(
    req: IncomingMessage,
    res: ServerResponse,
    user: string,
    server: IServerRecord,
    mayRetry: boolean,
    pipeBody: boolean
  ): Promise<boolean> {
    const { activity, logger } = this._o;
    const method = req.method ?? 'GET';
    const url = new URL(server.url!);
    const upstream = httpRequest({
      host: url.hostname,
      port: url.port,
      method,
      path: req.url,
      headers: forwardHeaders(req, server.token!, url.host),
      agent: this.agent
    });
    const onClose = (): void => {
      if (!res.writableFinished) {
        upstream.destroy();
      }
    };
    res.on('close', onClose);
    return new Promise<boolean>((resolve, reject) => {
      upstream.on('error', e => {
        if (res.headersSent) {
          res.destroy();
          resolve(true);
          return;
        }
        if (mayRetry && upstream.reusedSocket) {
          res.off('close', onClose);
          logger.debug('proxy.retry', { user, error: e.message });
          resolve(false);
          return;
        }
        logger.warn('proxy.backend.error', { user, error: e.message });
        reject(
          new HttpError(
            HttpCode.ServiceUnavailable,
            'Your server is not answering right now.',
            'backend_down',
            { user },
            this._o.retrySeconds ?? 5
          )
        );
      });
      upstream.on('response', up => {
        const headers = responseHeaders(up.headers);
        const type = String(up.headers['content-type'] ?? '');
        if (/^text\/html/i.test(type)) {
          // Buffer HTML (small pages) to scrub the token out of it.
          const chunks: Buffer[] = [];
          up.on('data', c => chunks.push(c));
          up.on('error', () => res.destroy());
          up.on('end', () => {
            let body: Buffer;
            try {
              body = decodeBody(
                Buffer.concat(chunks),
                String(up.headers['content-encoding'] ?? '')
              );
            } catch {
              res.destroy();
              resolve(true);
              return;
            }
            const text = body.toString('utf8').split(server.token!).join('');
            delete headers['content-encoding'];
            headers['content-length'] = Buffer.byteLength(text);
            res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
            res.end(req.method === 'HEAD' ? undefined : text);
            activity.touch(user);
            resolve(true);
          });
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
        up.pipe(res);
        up.on('end', () => {
          activity.touch(user);
          resolve(true);
        });
        up.on('error', () => {
          res.destroy();
          resolve(true);
        });
      });
      if (pipeBody) {
        req.pipe(upstream);
      } else {
        upstream.end();
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private _o: IUserProxyOptions;
  private _routes = new Map<string, IServerRecord | null>();
  private _routesGeneration = -1;
}

/**
 * The request headers a user server gets: no hop-by-hop headers, no session
 * cookie, no `Origin` (the hub checked it), the server's token, the
 * server's own `Host` and `X-Forwarded-*`.
 */
export function forwardHeaders(
  req: IncomingMessage,
  token: string,
  host: string
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const drop = new Set([
    ...HOP_BY_HOP,
    ...String(req.headers.connection ?? '')
      .split(',')
      .map(s => s.trim().toLowerCase())
  ]);
  for (const [k, v] of Object.entries(req.headers)) {
    if (!drop.has(k) && v !== undefined) {
      headers[k] = v;
    }
  }
  delete headers.origin;
  const cookie = stripCookie(req.headers.cookie, SESSION_COOKIE);
  if (cookie) {
    headers.cookie = cookie;
  } else {
    delete headers.cookie;
  }
  headers.authorization = `token ${token}`;
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for']
    ? `${req.headers['x-forwarded-for']}, ${client}`
    : client;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean })
    .encrypted
    ? 'https'
    : 'http';
  headers.host = host;
  return headers;
}

/**
 * A `Cookie` header without one cookie, or null when nothing is left.
 */
export function stripCookie(
  header: string | undefined,
  name: string
): string | null {
  const kept = (header ?? '')
    .split(';')
    .map(p => p.trim())
    .filter(p => p && p.split('=')[0]!.trim() !== name);
  return kept.length ? kept.join('; ') : null;
}

function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(k) && v !== undefined) {
      out[k] = v;
    }
  }
  return out;
}

/**
 * A body without its `Content-Encoding`.
 */
export function decodeBody(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    case '':
    case 'identity':
      return body;
    default:
      // A coding the hub cannot read could hide the token: refuse it.
      throw new Error(`unknown content-encoding ${encoding}`);
  }
}
