/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The page a student sees while their server starts: a progress bar and the
 * live phase (queued, pulling, creating, starting, waiting for the server),
 * read from `GET /hub/spawn/progress/<user>` every half second; it opens
 * JupyterLab when the server is ready and shows the reason when the start
 * failed.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

import { userOfPath, type Authenticator } from '../auth.js';
import { HttpCode, HttpError } from '../errors.js';
import { escapeHtml } from '../pages.js';
import type { ServerManager } from '../spawner/manager.js';

/**
 * The progress endpoint's path prefix.
 */
export const PROGRESS_PATH = '/hub/spawn/progress/';

/**
 * The longest a `?wait=1` progress request is held.
 */
export const LONG_POLL_MS = 2000;

/**
 * What the progress routes need.
 */
export interface IProgressOptions {
  manager: ServerManager;
  authenticate: Authenticator;
}

/**
 * Returns a handler that answers the progress endpoint and, for a browser
 * opening `/user/<name>/…` while that user's server starts (or after its
 * start failed), the progress page. It resolves false for everything else,
 * which then goes on to the proxy.
 */
export function createProgressHandler(
  options: IProgressOptions
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const { manager, authenticate } = options;
  const owner = (req: IncomingMessage, user: string): void => {
    const session = authenticate(req);
    if (session !== user) {
      throw new HttpError(
        HttpCode.Forbidden,
        session === null
          ? 'You are not signed in. Open the activity from Moodle again.'
          : 'This is not your server. Open the activity from Moodle again.',
        session === null ? 'no_session' : 'wrong_user',
        { user }
      );
    }
  };
  return (req, res, path) => {
    if (path.startsWith(PROGRESS_PATH)) {
      const user = decodeURIComponent(path.slice(PROGRESS_PATH.length));
      owner(req, user);
      const answer = (): void => {
        const p = manager.progress(user);
        const pending = manager.isPending(user);
        const body = {
          phase: pending ? (p?.phase ?? 'starting') : (p?.phase ?? 'none'),
          percent: p?.percent ?? 0,
          message: p?.message ?? '',
          pending,
          // The place in line while queued (1: next).
          ...(pending && p?.phase === 'queued' && p.position
            ? { position: p.position }
            : {})
        };
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(body));
      };
      // `?wait=1` holds the answer while the start runs, up to
      // LONG_POLL_MS: the page learns that the server is ready the moment
      // it is, without polling fast.
      if (manager.isPending(user) && /[?&]wait=1(&|$)/.test(req.url ?? '')) {
        let timer: NodeJS.Timeout | undefined;
        void Promise.race([
          manager.route(user).catch(() => null),
          new Promise(r => (timer = setTimeout(r, LONG_POLL_MS)))
        ]).then(() => {
          clearTimeout(timer);
          if (!res.destroyed) {
            answer();
          }
        });
      } else {
        answer();
      }
      return true;
    }
    const user = userOfPath(path);
    if (
      user === null ||
      req.method !== 'GET' ||
      !(req.headers.accept ?? '').includes('text/html') ||
      !(manager.isPending(user) || manager.progress(user)?.phase === 'failed')
    ) {
      return false;
    }
    owner(req, user);
    const failed = !manager.isPending(user);
    res.statusCode = failed ? HttpCode.ServiceUnavailable : HttpCode.Ok;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(progressPage(user, manager.progress(user)?.message ?? ''));
    return true;
  };
}

/**
 * The page itself: self-contained, no external resources. The script reads
 * the user's progress and reloads the requested address once ready.
 */
export function progressPage(user: string, message: string): string {
  const endpoint = JSON.stringify(PROGRESS_PATH + encodeURIComponent(user));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Starting your server · ltilab</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;background:#f6f7f9;color:#222}
main{max-width:36rem;margin:auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}
progress{width:100%;height:1.2rem}
.failed{color:#a4000f}
</style>
</head>
<body>
<main>
<h1>Starting your server</h1>
<progress id="bar" max="100" value="0"></progress>
<p id="status" role="status" aria-live="polite">${escapeHtml(message || 'Starting your server')}</p>
<p><small>JupyterLab opens by itself when it is ready.</small></p>
</main>
<script>
(function () {
  var bar = document.getElementById('bar');
  var status = document.getElementById('status');
  function poll() {
    fetch(${endpoint} + '?wait=1', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        bar.value = p.percent;
        status.textContent = p.message || p.phase;
        if (p.phase === 'failed') {
          status.className = 'failed';
          bar.value = 0;
          return;
        }
        if (p.phase === 'ready' || (!p.pending && p.phase !== 'none')) {
          location.reload();
          return;
        }
        // A pending start was waited for on the server already.
        setTimeout(poll, p.pending ? 0 : 500);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
</script>
</body>
</html>
`;
}
