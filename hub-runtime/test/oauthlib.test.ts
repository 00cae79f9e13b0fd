/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Cross-check against an independent OAuth 1.0a implementation: Python's
 * oauthlib signs Moodle-shaped launches, the hub's verifier must accept them
 * and refuse every tampered copy.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  HttpError,
  LaunchValidator,
  baseStringUri,
  parseFormEncoded,
  signatureBaseString,
  verifyHmacSha1,
  type ILaunchRequest,
  type Param
} from '../src/index.js';

import {
  EXAMPLE_TIMESTAMP,
  MemoryNonceStore,
  WORKED_EXAMPLE,
  formEncode
} from './helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// lib/test -> the package root.
const PACKAGE = resolve(HERE, '..', '..');
const SIGNER = join(PACKAGE, 'test', 'fixtures', 'oauthlib_sign.py');

/**
 * The Python to use: $LTILAB_PYTHON, the repository's .venv, then python3.
 * Returns a reason instead when none has oauthlib.
 */
function findPython(): { python: string } | { skip: string } {
  const candidates = [
    process.env.LTILAB_PYTHON,
    join(PACKAGE, '..', '.venv', 'bin', 'python'),
    'python3'
  ].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const python of candidates) {
    if (python.includes('/') && !existsSync(python)) {
      continue;
    }
    const probe = spawnSync(
      python,
      ['-c', 'import oauthlib; print(oauthlib.__version__)'],
      {
        encoding: 'utf8'
      }
    );
    if (probe.status === 0) {
      return { python };
    }
    tried.push(`${python}: ${probe.error ? 'not found' : 'no oauthlib'}`);
  }
  return {
    skip:
      `python with oauthlib not found (${tried.join('; ')}). ` +
      'Install it with: .venv/bin/pip install oauthlib (or set LTILAB_PYTHON).'
  };
}

interface ICase {
  mode?: 'base';
  url: string;
  key: string;
  secret: string;
  timestamp: string;
  nonce: string;
  params: Param[];
}

function oauthlibSign(python: string, cases: ICase[]): string[] {
  const run = spawnSync(python, [SIGNER], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 30000
  });
  assert.equal(run.status, 0, `oauthlib signer failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const found = findPython();
const skip = 'skip' in found ? found.skip : false;

const KEY = 'ltilab';
const SECRET = 'Moodle secret with spaces & symbols: ü+%/=';

function moodleLaunch(extra: Param[] = []): Param[] {
  return [
    ...WORKED_EXAMPLE,
    ['context_title', 'Programming I (2026)'],
    ['resource_link_title', 'Python Lab — 課題 1'],
    ['lis_person_name_full', "Taro O'Yamada"],
    [
      'launch_presentation_return_url',
      'https://lms.example.edu/moodle/mod/lti/return.php?course=57&id=21'
    ],
    ['tool_consumer_instance_guid', 'lms.example.edu'],
    ['custom_note', 'a+b=c&d %41 ~*'],
    ...extra
  ];
}

describe('oauthlib cross-check', { skip }, () => {
  const python = 'python' in found ? found.python : '';
  const targets = [
    {
      url: 'https://hub.example.edu/hub/lti/launch',
      req: {
        headers: { host: 'hub.example.edu' },
        encrypted: true,
        path: '/hub/lti/launch'
      }
    },
    {
      url: 'http://127.0.0.1:8000/hub/lti/launch',
      req: {
        headers: { host: '127.0.0.1:8000' },
        encrypted: false,
        path: '/hub/lti/launch'
      }
    },
    {
      url: 'https://HUB.example.edu:443/prefix/hub/lti/launch',
      req: {
        headers: {
          host: '10.0.0.5:8000',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'hub.example.edu'
        },
        encrypted: false,
        path: '/prefix/hub/lti/launch'
      }
    }
  ];
  const cases: ICase[] = targets.map((t, i) => ({
    url: t.url,
    key: KEY,
    secret: SECRET,
    timestamp: String(EXAMPLE_TIMESTAMP),
    nonce: `oauthlib-nonce-${i}`,
    params: moodleLaunch()
  }));
  const bodies = skip ? [] : oauthlibSign(python, cases);

  function validator(): LaunchValidator {
    return new LaunchValidator({
      consumers: new Map([[KEY, SECRET]]),
      nonces: new MemoryNonceStore(),
      trust: { trustProxy: true, proxyHeader: 'x-forwarded' },
      now: () => EXAMPLE_TIMESTAMP * 1000 + 5000
    });
  }

  function request(i: number, body: string): ILaunchRequest {
    const t = targets[i]!;
    return {
      method: 'POST',
      url: t.req.path,
      headers: {
        ...t.req.headers,
        'content-type': 'application/x-www-form-urlencoded'
      },
      encrypted: t.req.encrypted,
      body
    };
  }

  function refused(v: LaunchValidator, req: ILaunchRequest): string {
    try {
      v.validate(req);
    } catch (e) {
      assert.ok(e instanceof HttpError);
      return e.reason;
    }
    return 'accepted';
  }

  it('accepts launches signed by oauthlib', () => {
    assert.equal(bodies.length, targets.length);
    targets.forEach((_, i) => {
      const launch = validator().validate(request(i, bodies[i]!));
      assert.equal(launch.params['resource_link_title'], 'Python Lab — 課題 1');
      assert.equal(launch.params['custom_note'], 'a+b=c&d %41 ~*');
    });
  });

  it('refuses tampered copies', () => {
    const body = bodies[0]!;
    const pairs = [...new URLSearchParams(body)] as Param[];
    const change = (name: string, value: string): string =>
      formEncode(pairs.map(([k, v]) => [k, k === name ? value : v] as Param));
    const tampered: [string, string][] = [
      ['changed user', change('ext_user_username', 'yamada')],
      ['changed role', change('roles', 'Instructor')],
      ['changed custom', change('custom_lms_image', 'evil/image:1')],
      [
        'changed signature',
        change('oauth_signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')
      ],
      [
        'added parameter',
        formEncode([...pairs, ['custom_lms_teachers_x', 's1234567']])
      ],
      [
        'removed parameter',
        formEncode(pairs.filter(([k]) => k !== 'custom_lms_users'))
      ]
    ];
    for (const [what, tbody] of tampered) {
      assert.equal(
        refused(validator(), request(0, tbody)),
        'bad_signature',
        what
      );
    }
    // The right body at another URL or under another secret.
    assert.equal(
      refused(validator(), request(1, body)),
      'bad_signature',
      'other URL'
    );
    const other = new LaunchValidator({
      consumers: new Map([[KEY, SECRET + 'x']]),
      nonces: new MemoryNonceStore(),
      trust: { trustProxy: false, proxyHeader: 'x-forwarded' },
      now: () => EXAMPLE_TIMESTAMP * 1000
    });
    assert.equal(
      refused(other, request(0, body)),
      'bad_signature',
      'other secret'
    );
  });

  it('builds the same base string as oauthlib, duplicates and query included', () => {
    // The validator refuses duplicates, but the base string must keep them
    // (RFC 5849); oauthlib's own building blocks give the reference.
    const url = 'https://Hub.Example.edu:443/hub/lti/launch?b=2&a=1&q=%2B+x';
    const params: Param[] = [
      ['a', '3'],
      ['a', '1'],
      ['z', ''],
      ['name', 'Taro ü / 課題 * ~'],
      ['oauth_consumer_key', KEY],
      ['oauth_nonce', 'dups'],
      ['oauth_timestamp', String(EXAMPLE_TIMESTAMP)],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_version', '1.0']
    ];
    const [ref] = oauthlibSign(python, [
      {
        mode: 'base',
        url,
        key: KEY,
        secret: SECRET,
        timestamp: '',
        nonce: '',
        params
      }
    ]) as unknown as { base: string; signature: string }[];
    const all = [...parseFormEncoded('b=2&a=1&q=%2B+x'), ...params];
    const base = signatureBaseString(
      'POST',
      baseStringUri('https', 'Hub.Example.edu:443', '/hub/lti/launch'),
      all
    );
    assert.equal(base, ref!.base);
    assert.ok(verifyHmacSha1(base, SECRET, ref!.signature));
    // Dropping one duplicate changes the base string.
    const deduped = all.filter(([k, v]) => !(k === 'a' && v === '3'));
    const base2 = signatureBaseString(
      'POST',
      'https://hub.example.edu/hub/lti/launch',
      deduped
    );
    assert.ok(!verifyHmacSha1(base2, SECRET, ref!.signature));
  });
});
