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

import type { IHubConfig } from './config.js';
import { HttpCode, HttpError } from './errors.js';
import type { ILogger } from './log.js';
import { errorPage } from './pages.js';
import { createLtiLaunchHandler } from './routes/lti.js';
import { loadSessionSecret } from './session.js';
import type { IHubStore } from './store/types.js';

/**
 * What the server is built from.
 */
export interface IHubServerOptions {
  config: IHubConfig;
  store: IHubStore;
  logger: ILogger;
  now?: () => number;
}

/**
 * The hub's HTTP server.
 */
export class HubServer {
  constructor(options: IHubServerOptions) {
    this._logger = options.logger;
    const sessionSecret = loadSessionSecret(
      options.config.session.secret,
      options.config.dataDir
    );
    this._launch = createLtiLaunchHandler({ ...options, sessionSecret });
    this.server = createServer((req, res) => void this._handle(req, res));
    // Expired nonces and sessions are dropped in the background; the timer
    // does not keep the process alive.
    const now = options.now ?? Date.now;
    this._purge = setInterval(() => {
      try {
        const purged = options.store.purgeExpired(now());
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

  readonly server: Server;

  /**
   * Listen; port 0 picks a free port. Resolves with the bound address.
   */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stop accepting connections and close idle ones.
   */
  close(): Promise<void> {
    clearInterval(this._purge);
    return new Promise(resolve => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async _handle(
    req: IncomingMessage,
    res: ServerResponse
  ): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/hub/lti/launch') {
        await this._launch(req, res);
      } else if (path === '/hub/health') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ status: 'ok' }));
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
    if (err.status >= 500) {
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
    res.end(errorPage(err.status, err.message, err.reason));
  }

  private _logger: ILogger;
  private _purge: NodeJS.Timeout;
  private _launch: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}
