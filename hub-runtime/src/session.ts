/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The signed session cookie.
 *
 * @module
 */

import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { constantTimeEqual } from './lti/oauth.js';

/**
 * The cookie's name.
 */
export const SESSION_COOKIE = 'ltilab-session';

/**
 * Sign a session id: `<id>.<HMAC-SHA256(id)>`.
 */
export function signSessionId(id: string, secret: string): string {
  return `${id}.${mac(id, secret)}`;
}

/**
 * Return the session id of a signed cookie value, or null when the
 * signature does not match.
 */
export function unsignSessionId(value: string, secret: string): string | null {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) {
    return null;
  }
  const id = value.slice(0, dot);
  return constantTimeEqual(value.slice(dot + 1), mac(id, secret)) ? id : null;
}

/**
 * The `Set-Cookie` value. Over HTTPS the cookie is `Secure` and
 * `SameSite=None`, so it survives inside the LMS's iframe; over plain HTTP
 * browsers refuse `SameSite=None`, so it is `Lax`.
 */
export function sessionCookieHeader(
  value: string,
  options: { secure: boolean; maxAge: number }
): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    `Max-Age=${options.maxAge}`
  ];
  parts.push(
    ...(options.secure ? ['Secure', 'SameSite=None'] : ['SameSite=Lax'])
  );
  return parts.join('; ');
}

/**
 * Read one cookie from a `Cookie` header.
 */
export function readCookie(
  header: string | undefined,
  name: string
): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return part.slice(eq + 1).trim();
    }
  }
  return null;
}

/**
 * The cookie-signing key: the configured one, or one generated once and kept
 * in `<dataDir>/session.key` (mode 600).
 */
export function loadSessionSecret(
  configured: string | null,
  dataDir: string
): string {
  if (configured) {
    return configured;
  }
  const file = join(dataDir, 'session.key');
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

function mac(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id, 'utf8').digest('base64url');
}
