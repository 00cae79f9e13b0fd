/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Who a request is from (the session cookie) and where the hub is (its
 * public origin), for the proxy and the WebSocket router.
 *
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

import type { IHubConfig } from './config.js';
import { resolveRequestUrl } from './lti/oauth.js';
import { SESSION_COOKIE, readCookie, unsignSessionId } from './session.js';
import type { IHubStore } from './store/types.js';

/**
 * The parts of a request that {@link Authenticator} and {@link publicOrigin}
 * read; an `IncomingMessage` is one, and so is the proxy's own parsed head.
 */
export interface IRequestView {
  headers: IncomingHttpHeaders;
  url?: string;
  socket: object;
}

/**
 * Returns the user name of a request's valid session, or null.
 */
export type Authenticator = (
  req: Pick<IRequestView, 'headers'>
) => string | null;

/**
 * Options of {@link sessionAuthenticator}.
 */
export interface ISessionAuthenticatorOptions {
  now?: () => number;
  /**
   * How long a verified cookie is trusted without asking the store again, in
   * ms. Default 5000.
   */
  cacheMs?: number;
  /**
   * How many verified cookies are remembered. Default 10000.
   */
  cacheSize?: number;
}

/**
 * An {@link Authenticator} over the signed session cookie and the store.
 *
 * #### Notes
 * Every proxied request is checked, so a verified cookie is remembered for a
 * few seconds: the HMAC and the database read then happen once per cookie
 * and interval instead of once per request. The memory is dropped whenever
 * the store's {@link IHubStore.generation} moves (a logout, a deleted user or
 * session, a stopped server) and an entry never outlives its session.
 * Unknown and forged cookies are never remembered.
 */
export function sessionAuthenticator(
  store: IHubStore,
  secret: string,
  options: ISessionAuthenticatorOptions = {}
): Authenticator {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5000;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<
    string,
    { user: string; until: number; generation: number }
  >();
  return req => {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!value) {
      return null;
    }
    const t = now();
    const hit = cache.get(value);
    if (hit) {
      if (hit.generation === store.generation && t < hit.until) {
        return hit.user;
      }
      cache.delete(value);
    }
    const id = unsignSessionId(value, secret);
    const session = id ? store.getSession(id, t) : null;
    if (!session) {
      return null;
    }
    if (cache.size >= cacheSize) {
      // Maps iterate in insertion order: drop the oldest entry.
      cache.delete(cache.keys().next().value!);
    }
    cache.set(value, {
      user: session.userName,
      until: Math.min(t + cacheMs, session.expiresAt),
      generation: store.generation
    });
    return session.userName;
  };
}

/**
 * The origin a browser reached the hub at: `publicUrl` when configured, else
 * the request's own (forwarded headers only when the front proxy is
 * trusted).
 */
export function publicOrigin(
  req: IRequestView,
  config: Pick<IHubConfig, 'publicUrl' | 'proxy'>
): string {
  const url = resolveRequestUrl(
    {
      headers: req.headers,
      url: req.url ?? '/',
      encrypted: !!(req.socket as TLSSocket).encrypted
    },
    {
      trustProxy: config.proxy.trusted,
      proxyHeader: config.proxy.header,
      publicUrl: config.publicUrl
    }
  );
  return `${url.scheme}://${url.host}`;
}

/**
 * The user of a `/user/<name>/…` path, or null for other paths.
 */
export function userOfPath(path: string): string | null {
  const m = /^\/user\/([^/?#]+)/.exec(path);
  if (!m) {
    return null;
  }
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}
