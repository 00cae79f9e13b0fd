/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { ServerConnection } from '@jupyterlab/services';

/**
 * One recorded request.
 */
export interface IRecorded {
  method: string;
  url: string;
  body: string | null;
}

/**
 * A reply: a status and a JSON body (or raw text).
 */
export interface IReply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
}

/**
 * Server settings whose fetch answers from `route` and records every
 * request, under a hub-like base URL.
 */
export function fakeSettings(
  route: (method: string, path: string, body: string | null) => IReply,
  recorded: IRecorded[] = []
): ServerConnection.ISettings {
  const baseUrl = 'http://127.0.0.1:9/user/s1234567/';
  return ServerConnection.makeSettings({
    baseUrl,
    fetch: (async (input: RequestInfo, init?: RequestInit) => {
      const request = input instanceof Request ? input : null;
      const url = typeof input === 'string' ? input : input.url;
      const method = (request?.method ?? init?.method ?? 'GET').toUpperCase();
      const body =
        typeof init?.body === 'string'
          ? init.body
          : request
            ? await request.text()
            : null;
      recorded.push({ method, url, body: body || null });
      const path = new URL(url).pathname;
      const reply = route(method, path, body || null);
      const text =
        reply.text !== undefined ? reply.text : JSON.stringify(reply.json);
      return new Response(text, {
        status: reply.status,
        headers: {
          'Content-Type': reply.contentType ?? 'application/json'
        }
      });
    }) as typeof fetch
  });
}

export const NOW = 1_800_000_000;

export function box(overrides: Record<string, unknown> = {}): any {
  return {
    id: 'hw1',
    label: 'Homework 1',
    close: NOW + 3 * 86400 + 2 * 3600,
    close_iso: '2027-01-18T08:00:00Z',
    seconds_left: 3 * 86400 + 2 * 3600,
    open: true,
    late_policy: 'refuse',
    accepts_now: true,
    root_path: 'boxes/hw1',
    available: true,
    ...overrides
  };
}

export function whoami(overrides: Record<string, unknown> = {}): any {
  return {
    user: 'alice',
    is_teacher: false,
    server_time: NOW,
    server_time_iso: '2027-01-15T08:00:00Z',
    max_bytes: 20971520,
    ...overrides
  };
}

export function receipt(overrides: Record<string, unknown> = {}): any {
  return {
    box: 'hw1',
    user: 'alice',
    file: 'kadai.ipynb',
    stored: 'alice_kadai.ipynb',
    time: '2027-01-15T08:00:00Z',
    timestamp: NOW,
    size: 2048,
    sha256: '0123456789abcdef'.repeat(4),
    sha256_short: '01234567',
    late: false,
    unchanged: false,
    root_path: 'boxes/hw1/alice_kadai.ipynb',
    ...overrides
  };
}

export function submission(overrides: Record<string, unknown> = {}): any {
  return {
    box: 'hw1',
    user: 'alice',
    file: 'kadai.ipynb',
    stored: 'alice_kadai.ipynb',
    time: '2027-01-15T08:00:00Z',
    timestamp: NOW,
    size: 2048,
    late: false,
    version_count: 2,
    versions: [
      {
        name: '20270115T070000.000000Z-89abcdef',
        time: '2027-01-15T07:00:00Z',
        timestamp: NOW - 3600,
        size: 1024,
        sha256_short: '89abcdef',
        late: false,
        root_path: null
      }
    ],
    root_path: 'boxes/hw1/alice_kadai.ipynb',
    sha256: '0123456789abcdef'.repeat(4),
    sha256_short: '01234567',
    ...overrides
  };
}
