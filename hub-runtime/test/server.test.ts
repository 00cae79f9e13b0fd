/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';

import {
  HubServer,
  SESSION_COOKIE,
  SqliteStore,
  createLogger,
  loadSessionSecret,
  parseConfig,
  unsignSessionId,
  type IHubConfig
} from '../src/index.js';

import {
  EXAMPLE_TIMESTAMP,
  WORKED_EXAMPLE,
  signLaunch,
  tempDir
} from './helpers.js';

const SECRET = 'http-test-consumer-secret';
const NOW = EXAMPLE_TIMESTAMP * 1000 + 2000;

interface IResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request over loopback (raw, so nothing is added or followed).
 */
function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
): Promise<IResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/hub/lti/launch',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(options.headers ?? {})
        }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks).toString()
          })
        );
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('HubServer', () => {
  const dir = tempDir();
  const lines: string[] = [];
  let store: SqliteStore;
  let server: HubServer;
  let trusting: HubServer;
  let port = 0;
  let trustingPort = 0;
  let config: IHubConfig;
  let nonce = 0;

  const launchBody = (
    url: string,
    params = WORKED_EXAMPLE,
    secret = SECRET
  ): string =>
    signLaunch({
      url,
      params,
      key: 'moodle',
      secret,
      timestamp: EXAMPLE_TIMESTAMP,
      nonce: `http-${++nonce}`
    });

  before(async () => {
    config = parseConfig(
      {
        dataDir: dir.path,
        lti: {
          consumers: [{ key: 'moodle', secretEnv: 'SECRET' }],
          maxBodyBytes: 4096
        },
        spawn: { imageAllowlist: ['example/*:*'] }
      },
      { env: { SECRET } }
    ).config;
    store = new SqliteStore(dir.path);
    const logger = createLogger('info', line => lines.push(line));
    server = new HubServer({ config, store, logger, now: () => NOW });
    trusting = new HubServer({
      config: { ...config, proxy: { trusted: true, header: 'x-forwarded' } },
      store,
      logger,
      now: () => NOW
    });
    port = (await server.listen(0, '127.0.0.1')).port;
    trustingPort = (await trusting.listen(0, '127.0.0.1')).port;
  });

  after(async () => {
    await server.close();
    await trusting.close();
    store.close();
    dir.remove();
  });

  it('launches over HTTP: redirect, HttpOnly Lax cookie, session in the store', async () => {
    const res = await send(port, {
      body: launchBody(`http://127.0.0.1:${port}/hub/lti/launch`)
    });
    assert.equal(res.status, 302, res.body);
    assert.equal(res.headers.location, '/user/s1234567/lab');
    const cookie = String(res.headers['set-cookie']);
    assert.match(
      cookie,
      new RegExp(
        `^${SESSION_COOKIE}=[^;]+; Path=/; HttpOnly; Max-Age=28800; SameSite=Lax$`
      )
    );
    const value = cookie.split(';')[0]!.split('=')[1]!;
    const id = unsignSessionId(value, loadSessionSecret(null, dir.path));
    assert.ok(id, 'the cookie is signed with the hub key');
    const session = store.getSession(id, NOW);
    assert.equal(session?.userName, 's1234567');
    const launch = store.latestLaunch('s1234567')!;
    assert.equal(launch.id, session!.launchId);
    assert.equal(
      (launch.spec as { image: string }).image,
      'example/jupyterhub-python:2026.1'
    );
    assert.equal(store.getUser('s1234567')!.isTeacher, false);
    assert.ok(!cookie.includes(SECRET));
    const logged = lines.find(l => l.includes('lti.launch.accepted'))!;
    assert.equal(JSON.parse(logged).user, 's1234567');
    assert.ok(
      !lines.join('').includes('9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d'),
      'no token in logs'
    );
  });

  it('sets Secure and SameSite=None behind a trusted HTTPS proxy', async () => {
    const params = WORKED_EXAMPLE.map(
      ([k, v]) =>
        [
          k,
          k === 'ext_user_username' ? 'yamada' : k === 'user_id' ? '5' : v
        ] as const
    );
    const res = await send(trustingPort, {
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'hub.example.edu'
      },
      body: launchBody('https://hub.example.edu/hub/lti/launch', params)
    });
    assert.equal(res.status, 302, res.body);
    assert.match(String(res.headers['set-cookie']), /; Secure; SameSite=None$/);
    assert.equal(store.getUser('yamada')!.isTeacher, true);
  });

  it('refuses bad launches with an HTML page, a log line and no cookie', async () => {
    const url = `http://127.0.0.1:${port}/hub/lti/launch`;
    const good = launchBody(url);
    const cases: [string, Parameters<typeof send>[1], number, string][] = [
      ['GET', { method: 'GET' }, 405, 'method_not_allowed'],
      [
        'bad signature',
        { body: launchBody(url, WORKED_EXAMPLE, 'wrong') },
        401,
        'bad_signature'
      ],
      [
        'unknown key',
        {
          body: good.replace(
            'oauth_consumer_key=moodle',
            'oauth_consumer_key=other'
          )
        },
        401,
        'unknown_consumer'
      ],
      [
        'duplicate',
        { body: good + '&roles=Instructor' },
        400,
        'duplicate_param'
      ],
      [
        'too large',
        { body: good + '&pad=' + 'x'.repeat(5000) },
        413,
        'body_too_large'
      ],
      [
        'missing field',
        { body: good.replace(/&?resource_link_id=21/, '') },
        400,
        'missing_lti_param'
      ],
      [
        'bad custom',
        {
          body: launchBody(url, [
            ...WORKED_EXAMPLE.filter(([k]) => k !== 'custom_lms_cpulimit'),
            ['custom_lms_cpulimit', '64']
          ])
        },
        400,
        'bad_custom_param'
      ]
    ];
    for (const [what, options, status, reason] of cases) {
      const before = lines.length;
      const res = await send(port, options);
      assert.equal(res.status, status, `${what}: ${res.body}`);
      assert.equal(res.headers['set-cookie'], undefined, what);
      assert.match(String(res.headers['content-type']), /^text\/html/, what);
      assert.match(res.body, new RegExp(`<code>${reason}</code>`), what);
      assert.ok(!res.body.includes(SECRET), what);
      const logged = lines.slice(before).map(l => JSON.parse(l));
      assert.ok(
        logged.some(
          l =>
            l.event === 'lti.launch.refused' &&
            l.reason === reason &&
            l.status === status
        ),
        what
      );
    }
    assert.match(
      (await send(port, { method: 'GET' })).headers.allow as string,
      /POST/
    );
  });

  it('refuses a replayed launch', async () => {
    const body = launchBody(`http://127.0.0.1:${port}/hub/lti/launch`);
    assert.equal((await send(port, { body })).status, 302);
    const replay = await send(port, { body });
    assert.equal(replay.status, 401);
    assert.match(replay.body, /already used/);
  });

  it('serves health and a 404 page', async () => {
    const health = await send(port, { method: 'GET', path: '/hub/health' });
    assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
    const missing = await send(port, {
      method: 'GET',
      path: '/nowhere?<script>'
    });
    assert.equal(missing.status, 404);
    assert.ok(!missing.body.includes('<script>'));
  });
});
