/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The JupyterHub-compatible admin REST API, the calls mod_lticontainer
 * makes:
 *
 * | Request                                | Answer                                         |
 * | -------------------------------------- | ---------------------------------------------- |
 * | `GET /hub/api/users`                   | 200, a list of JupyterHub user models          |
 * | `GET /hub/api/users/<name>`            | 200, one user model; 404                       |
 * | `DELETE /hub/api/users/<name>/server`  | 204 stopped; 400 not running; 404 no such user |
 * | `DELETE /hub/api/users/<name>`         | 204 (server stopped, user and sessions gone); 404 |
 *
 * Every call needs `Authorization: token <admin token>` (or `Bearer`);
 * otherwise 403. Errors are JupyterHub's JSON: `{"status", "message"}`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpCode } from '../errors.js';
import type { ILogger } from '../log.js';
import { constantTimeEqual } from '../lti/oauth.js';
import type { ServerManager } from '../spawner/manager.js';
import type { IHubStore, IServerRecord, IUserRecord } from '../store/types.js';

/**
 * What the API needs.
 */
export interface IApiOptions {
  store: IHubStore;
  manager?: ServerManager;
  /**
   * Token name (for logs) to token.
   */
  tokens: ReadonlyMap<string, string>;
  logger: ILogger;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/**
 * Create the handler for `/hub/api/…`.
 */
export function createApiHandler(
  options: IApiOptions
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { store, manager, tokens, logger } = options;

  const caller = (req: IncomingMessage): string | null => {
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(
      req.headers.authorization ?? ''
    );
    if (!m) {
      return null;
    }
    for (const [name, token] of tokens) {
      if (constantTimeEqual(m[1]!, token)) {
        return name;
      }
    }
    return null;
  };

  const model = (user: IUserRecord): Record<string, unknown> => {
    const server = store.getServer(user.name);
    const last = Math.max(
      manager?.activity.lastActivity(user.name) ?? 0,
      server?.lastActivityAt ?? 0,
      user.lastLaunchAt
    );
    const url = `/user/${encodeURIComponent(user.name)}/`;
    return {
      kind: 'user',
      name: user.name,
      admin: false,
      roles: ['user'],
      groups: [],
      server: server?.state === 'running' ? url : null,
      pending: pendingOf(server),
      created: iso(user.createdAt),
      last_activity: iso(last),
      servers: server
        ? {
            '': {
              name: '',
              ready: server.state === 'running',
              stopped: false,
              pending: pendingOf(server),
              url,
              started: iso(server.startedAt),
              last_activity: iso(
                Math.max(
                  server.lastActivityAt,
                  manager?.activity.lastActivity(user.name) ?? 0
                )
              ),
              user_options: {},
              progress_url: `/hub/api/users/${encodeURIComponent(user.name)}/server/progress`
            }
          }
        : {},
      lti: { teacher: user.isTeacher, lms_username: user.lmsUsername }
    };
  };

  const route = async (
    req: IncomingMessage,
    parts: string[]
  ): Promise<[number, unknown]> => {
    const method = req.method ?? 'GET';
    if (parts[0] !== 'users') {
      throw new ApiError(404, 'Not found');
    }
    if (parts.length === 1) {
      if (method !== 'GET') {
        throw new ApiError(405, 'Method not allowed');
      }
      return [200, store.listUsers().map(model)];
    }
    const name = parts[1]!;
    const user = store.getUser(name);
    if (parts.length === 2) {
      if (method === 'GET') {
        if (!user) {
          throw new ApiError(404, `No such user: ${name}`);
        }
        return [200, model(user)];
      }
      if (method === 'DELETE') {
        if (!user) {
          throw new ApiError(404, `No such user: ${name}`);
        }
        await manager?.stop(name, 'api');
        store.deleteUser(name);
        return [204, null];
      }
      throw new ApiError(405, 'Method not allowed');
    }
    if (parts.length === 3 && parts[2] === 'server') {
      if (method !== 'DELETE') {
        throw new ApiError(405, 'Method not allowed');
      }
      if (!user) {
        throw new ApiError(404, `No such user: ${name}`);
      }
      if (!(await manager?.stop(name, 'api'))) {
        throw new ApiError(400, `${name}'s server is not running`);
      }
      return [204, null];
    }
    throw new ApiError(404, 'Not found');
  };

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    let status: number;
    let body: unknown;
    const who = caller(req);
    try {
      if (who === null) {
        throw new ApiError(403, 'Missing or invalid credentials.');
      }
      let parts: string[];
      try {
        parts = path
          .slice('/hub/api/'.length)
          .split('/')
          .filter(Boolean)
          .map(p => decodeURIComponent(p));
      } catch {
        throw new ApiError(400, 'Bad path');
      }
      [status, body] = await route(req, parts);
      logger.info('api.call', {
        method: req.method,
        path,
        status,
        token: who
      });
    } catch (e) {
      status = e instanceof ApiError ? e.status : HttpCode.ServerError;
      body = {
        status,
        message: e instanceof ApiError ? e.message : 'Internal error'
      };
      logger.warn('api.refused', {
        method: req.method,
        path,
        status,
        token: who,
        error: (e as Error).message
      });
    }
    res.statusCode = status;
    res.setHeader('Cache-Control', 'no-store');
    if (status === HttpCode.NoContent) {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };
}

function pendingOf(server: IServerRecord | null): string | null {
  return server?.state === 'starting'
    ? 'spawn'
    : server?.state === 'stopping'
      ? 'stop'
      : null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
