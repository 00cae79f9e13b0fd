/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Shared fixtures: the worked example of seed-systems.md section 8, a
 * launch signer and temporary directories.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  hmacSha1Sign,
  percentEncode,
  signatureBaseString,
  type INonceStore,
  type Param
} from '../src/index.js';

/**
 * The launch of the worked example, in wire order, without OAuth fields.
 * `custom_lms_rpctoken` is a made-up 32-hex token.
 */
export const WORKED_EXAMPLE: Param[] = [
  ['user_id', '812'],
  ['roles', 'Learner'],
  ['context_id', '57'],
  ['resource_link_id', '21'],
  [
    'lis_outcome_service_url',
    'https://lms.example.edu/moodle/mod/lti/service.php'
  ],
  ['ext_user_username', 's1234567'],
  ['lti_version', 'LTI-1p0'],
  ['lti_message_type', 'basic-lti-launch-request'],
  ['custom_lms_users', '*'],
  ['custom_lms_teachers', 'yamada'],
  ['custom_lms_image', 'example/jupyterhub-python : 2026.1'],
  ['custom_lms_cpulimit', '2'],
  ['custom_lms_memlimit', '2,147,483,648'],
  ['custom_lms_actlimit', '7200'],
  ['custom_lms_defurl', '/lab'],
  ['custom_lms_sub_homework1_close', '1790780340'],
  ['custom_lms_vol_materials', '-Materials'],
  ['custom_lms_prs_materials', 'MyWork'],
  ['custom_lms_sub_homework1', 'Submit'],
  ['custom_lms_iframe', '1'],
  ['custom_lms_sessioninfo', '4,21'],
  ['custom_lms_course', 'Programming I'],
  ['custom_lms_ltiname', 'Python Lab'],
  ['custom_lms_rpctoken', '9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d'],
  ['custom_lms_serverurl', 'https://lms.example.edu:443'],
  ['custom_lms_serverpath', '/moodle']
];

export const EXAMPLE_TIMESTAMP = 1789000000;
export const EXAMPLE_URL = 'https://hub.example.edu/hub/lti/launch';

/**
 * The worked example as a record, with overrides (undefined removes a key).
 */
export function exampleParams(
  overrides: Record<string, string | undefined> = {}
): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(WORKED_EXAMPLE);
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) {
      delete params[k];
    } else {
      params[k] = v;
    }
  }
  return params;
}

/**
 * Sign a launch with this package's own signer; returns the form body.
 * (The independent check against oauthlib is in oauthlib.test.ts.)
 */
export function signLaunch(options: {
  url: string;
  params: Param[];
  key: string;
  secret: string;
  timestamp: number | string;
  nonce: string;
  extraOauth?: Param[];
}): string {
  const oauth: Param[] = [
    ['oauth_version', '1.0'],
    ['oauth_nonce', options.nonce],
    ['oauth_timestamp', String(options.timestamp)],
    ['oauth_consumer_key', options.key],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ...(options.extraOauth ?? [])
  ];
  const all = [...oauth, ...options.params];
  const u = new URL(options.url);
  const query = [...u.searchParams].map(([k, v]) => [k, v] as Param);
  const base = signatureBaseString(
    'POST',
    `${u.protocol}//${u.host}${u.pathname}`,
    [...query, ...all]
  );
  const signature = hmacSha1Sign(base, options.secret);
  return formEncode([...all, ['oauth_signature', signature]]);
}

/**
 * Encode pairs as a form body.
 */
export function formEncode(params: readonly Param[]): string {
  return params
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}

/**
 * A nonce store in memory.
 */
export class MemoryNonceStore implements INonceStore {
  seen = new Map<string, number>();
  hasNonce(key: string, ts: number, nonce: string): boolean {
    return this.seen.has(`${key}\0${ts}\0${nonce}`);
  }
  claimNonce(
    key: string,
    ts: number,
    nonce: string,
    expiresAt: number
  ): boolean {
    const id = `${key}\0${ts}\0${nonce}`;
    if (this.seen.has(id)) {
      return false;
    }
    this.seen.set(id, expiresAt);
    return true;
  }
}

/**
 * A fresh temporary directory and its remover.
 */
export function tempDir(prefix = 'ltilab-hub-'): {
  path: string;
  remove: () => void;
} {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
