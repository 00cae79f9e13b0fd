/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Demo mode's built-in LTI test consumer: `GET /hub/demo` is a form that
 * plays Moodle; `POST /hub/demo/launch` signs the launch server-side with
 * the demo key and hands the browser an auto-submitting form to
 * `/hub/lti/launch`, which verifies it like any other.
 *
 * Anyone who reaches a hub in demo mode can sign in as anyone: demo mode is
 * for a laptop, never for a course.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { publicOrigin } from '../auth.js';
import type { IHubConfig } from '../config.js';
import { HttpCode, HttpError } from '../errors.js';
import {
  hmacSha1Sign,
  parseFormEncoded,
  signatureBaseString,
  type Param
} from '../lti/oauth.js';
import { escapeHtml } from '../pages.js';

import { readBody } from './lti.js';

/**
 * The demo consumer.
 */
export interface IDemoOptions {
  key: string;
  secret: string;
}

/**
 * The custom parameters the form starts with.
 */
export const DEMO_CUSTOM_PARAMS = [
  'lms_course=Demo course',
  'lms_ltiname=Demo activity',
  'lms_actlimit=3600',
  'lms_vol_materials=-Materials',
  'lms_prs_materials=MyWork',
  'lms_sub_homework=Submit',
  'lms_users=*',
  'lms_defurl=/lab'
].join('\n');

/**
 * Create the demo handler (`/`, `/hub/demo`, `/hub/demo/launch`).
 */
export function createDemoHandler(
  config: IHubConfig,
  demo: IDemoOptions
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    res.setHeader('Cache-Control', 'no-store');
    if (path === '/') {
      res.writeHead(HttpCode.Found, { location: '/hub/demo' });
      res.end();
      return;
    }
    if (path === '/hub/demo' && req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(demoPage());
      return;
    }
    if (path === '/hub/demo/launch' && req.method === 'POST') {
      const form = new Map(
        parseFormEncoded((await readBody(req, 64 * 1024)).toString('utf8'))
      );
      const params = demoLaunchParams(form);
      const url = `${publicOrigin(req, config)}/hub/lti/launch`;
      const signed = signDemoLaunch(url, params, demo, Date.now());
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(autoSubmitPage('/hub/lti/launch', signed));
      return;
    }
    throw new HttpError(
      HttpCode.NotFound,
      'There is nothing at this address.',
      'not_found'
    );
  };
}

/**
 * The launch parameters a demo form asks for, shaped as Moodle sends them.
 */
export function demoLaunchParams(form: ReadonlyMap<string, string>): Param[] {
  const teacher = form.get('role') === 'teacher';
  const username = (form.get('username') || (teacher ? 'teacher' : 'student'))
    .trim()
    .toLowerCase();
  const params: Param[] = [
    ['lti_message_type', 'basic-lti-launch-request'],
    ['lti_version', 'LTI-1p0'],
    ['resource_link_id', form.get('resource_link_id') || '1'],
    ['resource_link_title', 'Demo activity'],
    ['context_id', form.get('context_id') || '1'],
    ['context_title', 'Demo course'],
    ['user_id', form.get('user_id') || (teacher ? '2' : '3')],
    ['roles', teacher ? 'Instructor' : 'Learner'],
    ['ext_user_username', username],
    ['lis_person_name_full', username],
    ['tool_consumer_info_product_family_code', 'moodle'],
    // Volume names carry the Moodle host; the demo plays one.
    ['lis_outcome_service_url', 'https://moodle.example/mod/lti/service.php'],
    ['launch_presentation_document_target', 'window']
  ];
  for (const line of (form.get('custom') ?? '').split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      const key = line
        .slice(0, eq)
        .trim()
        .replace(/^custom_/, '');
      if (/^[a-z0-9_]+$/i.test(key)) {
        params.push([`custom_${key}`, line.slice(eq + 1).trim()]);
      }
    }
  }
  return params;
}

/**
 * Sign launch parameters as an LTI 1.1 consumer does (OAuth 1.0a,
 * HMAC-SHA1, body parameters).
 */
export function signDemoLaunch(
  url: string,
  params: readonly Param[],
  demo: IDemoOptions,
  nowMs: number
): Param[] {
  const all: Param[] = [
    ...params,
    ['oauth_version', '1.0'],
    ['oauth_nonce', randomBytes(16).toString('hex')],
    ['oauth_timestamp', String(Math.floor(nowMs / 1000))],
    ['oauth_consumer_key', demo.key],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_callback', 'about:blank']
  ];
  const base = signatureBaseString('POST', url, all);
  return [...all, ['oauth_signature', hmacSha1Sign(base, demo.secret)]];
}

function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ltilab demo consumer</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#f6f7f9;color:#222}
main{max-width:40rem;margin:auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px #0002}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input,textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}
textarea{font-family:ui-monospace,monospace;min-height:12rem}
button{margin-top:1.2rem;font:inherit;padding:.5rem 1.2rem}
.note{color:#555;font-size:.9rem}
</style>
</head>
<body>
<main>
<h1>ltilab demo: LTI test consumer</h1>
<p class="note">This page plays Moodle. It signs an LTI 1.1 launch on the hub with the demo key. It exists only in demo mode.</p>
<form method="post" action="/hub/demo/launch">
<label for="role">Role</label>
<select id="role" name="role">
<option value="student">Student (Learner)</option>
<option value="teacher">Teacher (Instructor)</option>
</select>
<label for="username">User name (ext_user_username)</label>
<input id="username" name="username" value="student" autocomplete="off">
<label for="user_id">LMS user id (user_id)</label>
<input id="user_id" name="user_id" value="3">
<label for="context_id">Course id (context_id)</label>
<input id="context_id" name="context_id" value="1">
<label for="resource_link_id">Activity id (resource_link_id)</label>
<input id="resource_link_id" name="resource_link_id" value="1">
<label for="custom">Custom parameters (one <code>lms_…=value</code> a line)</label>
<textarea id="custom" name="custom">${escapeHtml(DEMO_CUSTOM_PARAMS)}</textarea>
<button type="submit">Launch</button>
</form>
</main>
</body>
</html>
`;
}

function autoSubmitPage(action: string, params: readonly Param[]): string {
  const fields = params
    .map(
      ([k, v]) =>
        `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Launching…</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(action)}">
${fields}
<noscript><button type="submit">Continue</button></noscript>
</form>
</body>
</html>
`;
}
