/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import {
  HttpError,
  LaunchValidator,
  SqliteStore,
  type ILaunchRequest,
  type Param
} from '../src/index.js';

import {
  EXAMPLE_TIMESTAMP,
  EXAMPLE_URL,
  MemoryNonceStore,
  WORKED_EXAMPLE,
  formEncode,
  signLaunch,
  tempDir
} from './helpers.js';

const KEY = 'ltilab';
const SECRET = 'moodle-shared-secret-0123456789';
const NOW = EXAMPLE_TIMESTAMP * 1000;

let nonceCounter = 0;

function validator(
  overrides: Partial<LaunchValidator.IOptions> = {}
): LaunchValidator {
  return new LaunchValidator({
    consumers: new Map([[KEY, SECRET]]),
    nonces: new MemoryNonceStore(),
    trust: { trustProxy: false, proxyHeader: 'x-forwarded' },
    now: () => NOW,
    ...overrides
  });
}

function request(
  body: string,
  overrides: Partial<ILaunchRequest> = {}
): ILaunchRequest {
  return {
    method: 'POST',
    url: '/hub/lti/launch',
    headers: {
      host: 'hub.example.edu',
      'content-type': 'application/x-www-form-urlencoded'
    },
    encrypted: true,
    body,
    ...overrides
  };
}

function signed(
  options: {
    params?: Param[];
    timestamp?: number | string;
    nonce?: string;
    key?: string;
    secret?: string;
    url?: string;
  } = {}
): string {
  return signLaunch({
    url: options.url ?? EXAMPLE_URL,
    params: options.params ?? WORKED_EXAMPLE,
    key: options.key ?? KEY,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? EXAMPLE_TIMESTAMP,
    nonce: options.nonce ?? `nonce-${++nonceCounter}`
  });
}

function rejects(
  v: LaunchValidator,
  req: ILaunchRequest,
  status: number,
  reason: string
): HttpError {
  let caught: unknown;
  try {
    v.validate(req);
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof HttpError,
    `expected an HttpError, got ${String(caught)}`
  );
  assert.equal(caught.reason, reason, caught.message);
  assert.equal(caught.status, status);
  assert.ok(!caught.message.includes(SECRET));
  return caught;
}

/**
 * Remove (or replace) fields of a signed body, keeping the rest as sent.
 */
function edit(body: string, drop: string[], add: Param[] = []): string {
  const pairs = [...new URLSearchParams(body)].filter(
    ([k]) => !drop.includes(k)
  );
  return formEncode([...pairs, ...add]);
}

describe('LaunchValidator', () => {
  it('accepts the worked example and returns the LTI parameters', () => {
    const launch = validator().validate(request(signed({ nonce: 'n-ok' })));
    assert.equal(launch.consumerKey, KEY);
    assert.equal(launch.nonce, 'n-ok');
    assert.equal(launch.timestamp, EXAMPLE_TIMESTAMP);
    assert.equal(launch.params['ext_user_username'], 's1234567');
    assert.equal(launch.params['custom_lms_course'], 'Programming I');
    assert.equal(launch.params['oauth_signature'], undefined);
    assert.equal(launch.url.baseUri, EXAMPLE_URL);
  });

  it('refuses a GET (405) and a non-form body (415)', () => {
    const v = validator();
    rejects(v, request('', { method: 'GET' }), 405, 'method_not_allowed');
    rejects(
      v,
      request(signed(), {
        headers: { host: 'hub.example.edu', 'content-type': 'application/json' }
      }),
      415,
      'unsupported_media_type'
    );
  });

  it('accepts a charset on the content type', () => {
    validator().validate(
      request(signed(), {
        headers: {
          host: 'hub.example.edu',
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8'
        }
      })
    );
  });

  it('refuses an oversized body (413)', () => {
    const v = validator({ maxBodyBytes: 2048 });
    const body = signed({
      params: [...WORKED_EXAMPLE, ['custom_pad', 'x'.repeat(2048)]]
    });
    rejects(v, request(body), 413, 'body_too_large');
  });

  it('refuses a duplicated parameter (400), in the body or across query and body', () => {
    const v = validator();
    const body = signed();
    rejects(v, request(body + '&user_id=813'), 400, 'duplicate_param');
    rejects(
      v,
      request(body, { url: '/hub/lti/launch?user_id=812' }),
      400,
      'duplicate_param'
    );
  });

  it('requires every OAuth field (400) and names the missing ones', () => {
    const v = validator();
    for (const field of [
      'oauth_consumer_key',
      'oauth_signature_method',
      'oauth_timestamp',
      'oauth_nonce',
      'oauth_version',
      'oauth_signature'
    ]) {
      const err = rejects(
        v,
        request(edit(signed(), [field])),
        400,
        'missing_oauth_param'
      );
      assert.match(err.message, new RegExp(field));
      rejects(
        v,
        request(edit(signed(), [field], [[field, '']])),
        400,
        'missing_oauth_param'
      );
    }
  });

  it('refuses other signature methods and versions (400)', () => {
    const v = validator();
    rejects(
      v,
      request(
        edit(
          signed(),
          ['oauth_signature_method'],
          [['oauth_signature_method', 'PLAINTEXT']]
        )
      ),
      400,
      'unsupported_signature_method'
    );
    rejects(
      v,
      request(edit(signed(), ['oauth_version'], [['oauth_version', '2.0']])),
      400,
      'unsupported_oauth_version'
    );
  });

  it('refuses an unknown consumer key (401) before looking at LTI fields', () => {
    const v = validator();
    const body = edit(signed({ key: 'stranger' }), ['user_id']);
    rejects(v, request(body), 401, 'unknown_consumer');
  });

  it('requires the four LTI fields (400) before checking the timestamp', () => {
    const v = validator();
    for (const field of [
      'lti_message_type',
      'lti_version',
      'resource_link_id',
      'user_id'
    ]) {
      const body = edit(signed({ timestamp: EXAMPLE_TIMESTAMP - 3600 }), [
        field
      ]);
      const err = rejects(v, request(body), 400, 'missing_lti_param');
      assert.match(err.message, new RegExp(field));
    }
  });

  it('refuses other LTI message types (400)', () => {
    const params = WORKED_EXAMPLE.map(
      ([k, v]) =>
        [
          k,
          k === 'lti_message_type' ? 'ContentItemSelectionRequest' : v
        ] as Param
    );
    rejects(
      validator(),
      request(signed({ params })),
      400,
      'unsupported_message_type'
    );
  });

  it('checks the timestamp format and window (401)', () => {
    const v = validator();
    rejects(
      v,
      request(signed({ timestamp: '178900000' })),
      401,
      'bad_timestamp'
    );
    rejects(
      v,
      request(signed({ timestamp: '17890000000' })),
      401,
      'bad_timestamp'
    );
    rejects(
      v,
      request(signed({ timestamp: 'abcdefghij' })),
      401,
      'bad_timestamp'
    );
    rejects(
      v,
      request(signed({ timestamp: EXAMPLE_TIMESTAMP - 31 })),
      401,
      'stale_timestamp'
    );
    rejects(
      v,
      request(signed({ timestamp: EXAMPLE_TIMESTAMP + 31 })),
      401,
      'stale_timestamp'
    );
    v.validate(request(signed({ timestamp: EXAMPLE_TIMESTAMP - 30 })));
    v.validate(request(signed({ timestamp: EXAMPLE_TIMESTAMP + 30 })));
    const wide = validator({ timestampWindow: 300 });
    wide.validate(request(signed({ timestamp: EXAMPLE_TIMESTAMP - 200 })));
  });

  it('refuses a replayed nonce (401) before checking the signature', () => {
    const v = validator();
    const body = signed({ nonce: 'once' });
    v.validate(request(body));
    rejects(v, request(body), 401, 'replayed_nonce');
    // A replay with a broken signature still reports the replay.
    rejects(
      v,
      request(edit(body, ['oauth_signature'], [['oauth_signature', 'AAAA']])),
      401,
      'replayed_nonce'
    );
  });

  it('refuses a bad signature (401) and does not burn the nonce', () => {
    const v = validator();
    const body = signed({ nonce: 'fresh' });
    const tampered = body.replace('user_id=812', 'user_id=813');
    assert.notEqual(tampered, body);
    rejects(v, request(tampered), 401, 'bad_signature');
    rejects(
      v,
      request(signed({ nonce: 'x', secret: 'wrong-secret' })),
      401,
      'bad_signature'
    );
    // The genuine launch with the same nonce still goes through.
    v.validate(request(body));
  });

  it('checks the signature against the connection, not untrusted headers', () => {
    const proxied = {
      host: '127.0.0.1:8000',
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'hub.example.edu'
    };
    const body = signed({ nonce: 'via-proxy' });
    rejects(
      validator(),
      request(body, { headers: proxied, encrypted: false }),
      401,
      'bad_signature'
    );
    const trusting = validator({
      trust: { trustProxy: true, proxyHeader: 'x-forwarded' }
    });
    trusting.validate(request(body, { headers: proxied, encrypted: false }));
  });

  it('signs query parameters too', () => {
    const body = signed({ url: `${EXAMPLE_URL}?course=57`, nonce: 'q' });
    validator().validate(request(body, { url: '/hub/lti/launch?course=57' }));
    rejects(
      validator(),
      request(body, { url: '/hub/lti/launch?course=58' }),
      401,
      'bad_signature'
    );
  });

  describe('with the SQLite nonce store', () => {
    const dir = tempDir();
    after(() => dir.remove());

    it('keeps refusing a replay after a restart', () => {
      const body = signed({ nonce: 'persisted' });
      const first = new SqliteStore(dir.path);
      validator({ nonces: first }).validate(request(body));
      first.close();
      const second = new SqliteStore(dir.path);
      try {
        rejects(
          validator({ nonces: second }),
          request(body),
          401,
          'replayed_nonce'
        );
      } finally {
        second.close();
      }
    });
  });
});
