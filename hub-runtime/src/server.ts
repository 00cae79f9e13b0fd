/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's HTTP server: routes, error pages and the listen/close life
 * cycle. No side effects on import.
 *
 * @module
 */

import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  publicOrigin,
  sessionAuthenticator,
  type IRequestView
} from './auth.js';
import type { IHubConfig } from './config.js';
import { HttpCode, HttpError } from './errors.js';
import { HttpFront } from './httpFront.js';
import type { ILogger } from './log.js';
import { errorPage } from './pages.js';
import { UserProxy } from './proxy.js';
import { createApiHandler } from './routes/api.js';
import { createDemoHandler, type IDemoOptions } from './routes/demo.js';
import { createLtiLaunchHandler } from './routes/lti.js';
import { createProgressHandler } from './routes/progress.js';
import { loadSessionSecret } from './session.js';
import type { ServerManager } from './spawner/manager.js';
import type { IHubStore } from './store/types.js';
import { WsRouter } from './wsRouter.js';

/**
 * What the server is built from.
 */
export interface IHubServerOptions {
  config: IHubConfig;
  store: IHubStore;
  logger: ILogger;
  /**
   * The user servers; without one, launches only sign in and `/user/…`
   * answers 503.
   */
  manager?: ServerManager;
  /**
   * Admin API tokens (`Authorization: token …`); none: the API refuses
   * everything.
   */
  apiTokens?: ReadonlyMap<string, string>;
  /**
   * The demo consumer page; only in demo mode.
   */
  demo?: IDemoOptions;
  now?: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The hub's HTTP server.
 */
export class HubServer {
  constructor(options: IHubServerOptions) {
    this._logger = options.logger;
    const { config, store, manager } = options;
    const now = options.now ?? Date.now;
    const sessionSecret = loadSessionSecret(
      config.session.secret,
      config.dataDir
    );
    this._launch = createLtiLaunchHandler({ ...options, sessionSecret });
    this._api = createApiHandler({
      store,
      manager,
      tokens: options.apiTokens ?? new Map(),
      logger: options.logger
    });
    this._demo = options.demo ? createDemoHandler(config, options.demo) : null;
    const origin = (req: IRequestView): string => publicOrigin(req, config);
    if (manager) {
      this.proxy = new UserProxy({
        manager,
        store,
        activity: manager.activity,
        authenticate: sessionAuthenticator(store, sessionSecret, { now }),
        origin,
        logger: options.logger
      });
      this._progress = createProgressHandler({
        manager,
        authenticate: sessionAuthenticator(store, sessionSecret, { now })
      });
      this.ws = new WsRouter({
        proxy: this.proxy,
        activity: manager.activity,
        origin,
        logger: options.logger
      });
    }
    this.server = createServer((req, res) => void this._handle(req, res));
    this.front = new HttpFront({
      http: this.server,
      proxy: this.proxy,
      activity: manager?.activity ?? null,
      logger: options.logger
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (this.ws) {
        this.ws.handle(req, socket, head);
      } else {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      }
    });
    // Expired nonces and sessions are dropped in the background; the timer
    // does not keep the process alive.
    this._purge = setInterval(() => {
      try {
        const purged = store.purgeExpired(now());
        if (purged.nonces || purged.sessions) {
          this._logger.debug('store.purged', purged);
        }
      } catch (e) {
        this._logger.error('store.purge.failed', {
          error: (e as Error).message
        });
      }
    }, HubServer.PURGE_INTERVAL_MS);
    this._purge.unref();
  }

  /**
   * How often expired nonces and sessions are purged.
   */
  static PURGE_INTERVAL_MS = 60_000;

  /**
   * Node's HTTP server for the hub's pages, the API, WebSocket upgrades and
   * every request the front's fast path hands over; it does not listen
   * itself.
   */
  readonly server: Server;
  /**
   * The listening socket (see {@link HttpFront}).
   */
  readonly front: HttpFront;
  readonly proxy: UserProxy | null = null;
  readonly ws: WsRouter | null = null;

  /**
   * Listen; port 0 picks a free port. Resolves with the bound address.
   */
  listen(port: number, host: string): Promise<AddressInfo> {
    return this.front.listen(port, host);
  }

  /**
   * Stop accepting connections, drop proxied WebSockets and idle
   * connections, and resolve when the last request is done. User servers
   * are not touched (see {@link ServerManager.stopAll}).
   */
  close(): Promise<void> {
    clearInterval(this._purge);
    const closed = this.front.close();
    this.server.close();
    this.ws?.closeAll();
    this.proxy?.close();
    this.server.closeIdleConnections();
    return closed;
  }

  private async _handle(
    req: IncomingMessage,
    res: ServerResponse
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (this._progress?.(req, res, path)) {
        // The start progress page or its status.
      } else if (path.startsWith('/user/')) {
        if (!this.proxy) {
          throw new HttpError(
            HttpCode.ServiceUnavailable,
            'This hub runs no user servers.',
            'no_server'
          );
        }
        await this.proxy.web(req, res);
      } else if (path === '/hub/lti/launch') {
        await this._launch(req, res);
      } else if (path === '/hub/health') {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify({ status: 'ok' }));
      } else if (path.startsWith('/hub/api/')) {
        await this._api(req, res);
      } else if (this._demo && (path === '/' || path.startsWith('/hub/demo'))) {
        await this._demo(req, res);
      } else {
        throw new HttpError(
          HttpCode.NotFound,
          'There is nothing at this address.',
          'not_found'
        );
      }
    } catch (e) {
      this._fail(req, res, e);
    }
  }

  private _fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    const err =
      e instanceof HttpError
        ? e
        : new HttpError(
            HttpCode.ServerError,
            'The hub failed to handle this request.',
            'internal'
          );
    const fields = {
      status: err.status,
      reason: err.reason,
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      remote: req.socket.remoteAddress,
      ...err.details
    };
    if (err.status >= 500 && err.reason === 'internal') {
      this._logger.error('http.error', {
        ...fields,
        error: (e as Error)?.stack
      });
    } else {
      this._logger.warn(
        fields.path === '/hub/lti/launch'
          ? 'lti.launch.refused'
          : 'http.refused',
        fields
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = err.status;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    if (err.status === HttpCode.MethodNotAllowed) {
      res.setHeader('Allow', 'POST');
    }
    if (err.status === HttpCode.PayloadTooLarge) {
      res.setHeader('Connection', 'close');
    }
    if (err.retrySeconds) {
      res.setHeader('Retry-After', String(Math.round(err.retrySeconds)));
    }
    res.end(
      errorPage(err.status, err.message, err.reason, {
        retrySeconds: err.retrySeconds
      })
    );
  }

  private _logger: ILogger;
  private _purge: NodeJS.Timeout;
  private _launch: Handler;
  private _api: Handler;
  private _demo: Handler | null;
  private _progress:
    | ((req: IncomingMessage, res: ServerResponse, path: string) => boolean)
    | null = null;
}
