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

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

import type { IHubConfig } from './config.js';
import { resolveRequestUrl } from './lti/oauth.js';
import { SESSION_COOKIE, readCookie, unsignSessionId } from './session.js';
import type { IHubStore } from './store/types.js';

/**
 * Returns the user name of a request's valid session, or null.
 */
export type Authenticator = (req: IncomingMessage) => string | null;

/**
 * An {@link Authenticator} over the signed session cookie and the store.
 */
export function sessionAuthenticator(
  store: IHubStore,
  secret: string,
  now: () => number = Date.now
): Authenticator {
  return req => {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    const id = value ? unsignSessionId(value, secret) : null;
    return id ? (store.getSession(id, now())?.userName ?? null) : null;
  };
}

/**
 * The origin a browser reached the hub at: `publicUrl` when configured, else
 * the request's own (forwarded headers only when the front proxy is
 * trusted).
 */
export function publicOrigin(
  req: IncomingMessage,
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
