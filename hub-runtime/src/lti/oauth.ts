/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * OAuth 1.0a request signing as LTI 1.1 uses it (RFC 5849, HMAC-SHA1 only).
 *
 * @module
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * One request parameter, in wire order. Duplicates are kept as separate pairs.
 */
export type Param = readonly [name: string, value: string];

/**
 * Percent-encode a string as RFC 5849 section 3.6 requires.
 *
 * #### Notes
 * The string is taken as UTF-8; only the unreserved characters
 * `A-Z a-z 0-9 - . _ ~` stay as they are, and every other byte becomes `%XX`
 * with upper-case hex digits. Unlike `encodeURIComponent`, this also encodes
 * `! ' ( ) *` and never throws on a lone surrogate (which becomes U+FFFD, the
 * same bytes a browser would send).
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      byte === 0x2d || // -
      byte === 0x2e || // .
      byte === 0x5f || // _
      byte === 0x7e // ~
    ) {
      out += String.fromCharCode(byte);
    } else {
      out += '%' + (byte < 0x10 ? '0' : '') + byte.toString(16).toUpperCase();
    }
  }
  return out;
}

/**
 * Decode an `application/x-www-form-urlencoded` string (a body or a query
 * string without its `?`) into name/value pairs in wire order.
 */
export function parseFormEncoded(text: string): Param[] {
  const params: Param[] = [];
  // URLSearchParams implements the WHATWG form decoding: '+' is a space,
  // malformed escapes stay literal, and empty pieces between '&' are dropped.
  for (const [name, value] of new URLSearchParams(text)) {
    params.push([name, value]);
  }
  return params;
}

/**
 * Normalise request parameters into the string RFC 5849 section 3.4.1.3.2
 * signs.
 *
 * #### Notes
 * `oauth_signature` is left out. Every other pair is kept, duplicates
 * included; names and values are encoded first and then sorted by name and,
 * for equal names, by value (byte order, which for the ASCII output of
 * {@link percentEncode} is plain string order).
 */
export function normalizeParameters(params: Iterable<Param>): string {
  const encoded: [string, string][] = [];
  for (const [name, value] of params) {
    if (name === 'oauth_signature') {
      continue;
    }
    encoded.push([percentEncode(name), percentEncode(value)]);
  }
  encoded.sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
  );
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/**
 * Build the base string URI (RFC 5849 section 3.4.1.2): lower-case scheme and
 * host, the port only when it is not the scheme's default, then the path.
 * Query and fragment are not part of it.
 */
export function baseStringUri(
  scheme: string,
  host: string,
  path: string
): string {
  const lowerScheme = scheme.toLowerCase();
  const { hostname, port } = splitHostPort(host.toLowerCase());
  const defaultPort =
    lowerScheme === 'https' ? '443' : lowerScheme === 'http' ? '80' : '';
  const authority =
    port && port !== defaultPort ? `${hostname}:${port}` : hostname;
  const cleanPath = (path.split('?')[0] ?? '').split('#')[0] || '/';
  return `${lowerScheme}://${authority}${cleanPath}`;
}

/**
 * Build the signature base string: `METHOD&enc(uri)&enc(normalised params)`.
 */
export function signatureBaseString(
  method: string,
  uri: string,
  params: Iterable<Param>
): string {
  return [
    method.toUpperCase(),
    percentEncode(uri),
    percentEncode(normalizeParameters(params))
  ].join('&');
}

/**
 * Sign a base string with HMAC-SHA1 (RFC 5849 section 3.4.2). LTI 1.1 has no
 * token, so the token secret is empty by default.
 */
export function hmacSha1Sign(
  baseString: string,
  consumerSecret: string,
  tokenSecret = ''
): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString, 'utf8').digest('base64');
}

/**
 * Compare two strings in time that does not depend on where they differ.
 *
 * #### Notes
 * Both sides are hashed first, so inputs of different lengths take the same
 * path and `timingSafeEqual` always sees equal-length buffers.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Check a received `oauth_signature` against the one computed for `baseString`.
 */
export function verifyHmacSha1(
  baseString: string,
  consumerSecret: string,
  signature: string
): boolean {
  return constantTimeEqual(hmacSha1Sign(baseString, consumerSecret), signature);
}

/**
 * Where the hub learns the public scheme and host of a request.
 */
export interface IUrlTrust {
  /**
   * Believe the front proxy's forwarded headers. Off by default: a client
   * could otherwise choose the URL the signature is checked against.
   */
  trustProxy: boolean;
  /**
   * Which header family the trusted proxy sets. Only that one is read, so a
   * client cannot slip in the other family through a proxy that does not
   * strip it.
   */
  proxyHeader: 'x-forwarded' | 'forwarded';
  /**
   * A fixed public origin (`https://hub.example.edu`) that overrides both the
   * connection and the headers. The request path is still appended.
   */
  publicUrl?: string | null;
}

/**
 * What {@link resolveRequestUrl} needs from a request.
 */
export interface IRequestLike {
  headers: IncomingHttpHeaders;
  /**
   * The request target as received (`/hub/lti/launch?x=1`).
   */
  url: string;
  /**
   * Whether the connection itself is TLS.
   */
  encrypted: boolean;
}

/**
 * The public URL a client used, as far as the hub can tell.
 */
export interface IResolvedUrl {
  scheme: 'http' | 'https';
  /**
   * Host with an optional port, lower-cased, as received.
   */
  host: string;
  /**
   * Path without the query.
   */
  path: string;
  /**
   * The query string without `?`, possibly empty.
   */
  query: string;
  /**
   * The base string URI for OAuth.
   */
  baseUri: string;
}

/**
 * Work out the scheme, host and path the client used for a request.
 *
 * #### Notes
 * Without a trusted proxy only the connection and the `Host` header count.
 * With one, the last value of `X-Forwarded-Proto`/`X-Forwarded-Host`
 * (`X-Forwarded-Port` when the host has none), or of the last `Forwarded`
 * element, wins: the last value is the one the trusted proxy itself added,
 * while earlier ones came from the client.
 */
export function resolveRequestUrl(
  req: IRequestLike,
  trust: IUrlTrust
): IResolvedUrl {
  const target = req.url || '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);

  let scheme: string = req.encrypted ? 'https' : 'http';
  let host = firstHeader(req.headers.host) ?? '';

  if (trust.publicUrl) {
    const pub = new URL(trust.publicUrl);
    scheme = pub.protocol.replace(/:$/, '');
    host = pub.host;
  } else if (trust.trustProxy) {
    if (trust.proxyHeader === 'forwarded') {
      const fwd = lastForwardedElement(headerText(req.headers['forwarded']));
      if (fwd.proto) {
        scheme = fwd.proto;
      }
      if (fwd.host) {
        host = fwd.host;
      }
    } else {
      const proto = lastListValue(headerText(req.headers['x-forwarded-proto']));
      const fhost = lastListValue(headerText(req.headers['x-forwarded-host']));
      const fport = lastListValue(headerText(req.headers['x-forwarded-port']));
      if (proto) {
        scheme = proto;
      }
      if (fhost) {
        host = fhost;
      }
      if (fport && /^\d{1,5}$/.test(fport) && !splitHostPort(host).port) {
        host = `${host}:${fport}`;
      }
    }
  }

  scheme = scheme.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    scheme = req.encrypted ? 'https' : 'http';
  }
  host = host.toLowerCase();
  return {
    scheme: scheme as 'http' | 'https',
    host,
    path,
    query,
    baseUri: baseStringUri(scheme, host, path)
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function lastListValue(text: string): string {
  const parts = text
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/**
 * Parse the last element of an RFC 7239 `Forwarded` header.
 */
function lastForwardedElement(text: string): { proto?: string; host?: string } {
  const elements = text
    .split(',')
    .map(e => e.trim())
    .filter(Boolean);
  const last = elements[elements.length - 1];
  const result: { proto?: string; host?: string } = {};
  if (!last) {
    return result;
  }
  for (const pair of last.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) {
      continue;
    }
    const key = pair.slice(0, eq).trim().toLowerCase();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (key === 'proto') {
      result.proto = value;
    } else if (key === 'host') {
      result.host = value;
    }
  }
  return result;
}

/**
 * Split `host[:port]`, including bracketed IPv6 literals.
 */
function splitHostPort(host: string): { hostname: string; port: string } {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end >= 0) {
      const rest = host.slice(end + 1);
      return {
        hostname: host.slice(0, end + 1),
        port: rest.startsWith(':') ? rest.slice(1) : ''
      };
    }
    return { hostname: host, port: '' };
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && host.indexOf(':') === colon) {
    return { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
  }
  return { hostname: host, port: '' };
}
