/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's own HTML pages.
 *
 * @module
 */

/**
 * Escape text for HTML.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    ch =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        ch
      ]!
  );
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authorised',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request too large',
  415: 'Unsupported request',
  500: 'Server error',
  503: 'Service unavailable'
};

/**
 * A small, self-contained error page. `message` must hold no secret.
 */
export function errorPage(
  status: number,
  message: string,
  reason?: string,
  options: { retrySeconds?: number } = {}
): string {
  const title = TITLES[status] ?? 'Error';
  const retry = options.retrySeconds
    ? `<meta http-equiv="refresh" content="${Math.round(options.retrySeconds)}">\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${retry}<title>${status} ${escapeHtml(title)} · ltilab</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:3rem 1rem;background:#f6f7f9;color:#222}
main{max-width:36rem;margin:auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}code{color:#555}
</style>
</head>
<body>
<main>
<h1>${status} · ${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
${options.retrySeconds ? `<p>This page tries again every ${Math.round(options.retrySeconds)} seconds.</p>` : ''}
${reason ? `<p><small>Code: <code>${escapeHtml(reason)}</code></small></p>` : ''}
</main>
</body>
</html>
`;
}
