// What the hub benchmarks (launch.mjs, burst.mjs) share: our hub started
// through its command line, LTI 1.1 launches signed with the hub's own
// OAuth code (JupyterHub's oauthlib checks them independently in
// launch.mjs), and process memory read from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..'
);

/**
 * The built hub package; LTILAB_HUB_DIR points the benchmarks at another
 * build of it (a snapshot, while the working tree is being edited).
 */
export const hubDir = process.env.LTILAB_HUB_DIR
  ? path.resolve(process.env.LTILAB_HUB_DIR)
  : path.join(root, 'hub-runtime');
const hubLib = path.join(hubDir, 'lib/src/index.js');

export const CHP_VERSION = '5.3.0';
const chpDir = path.join(root, 'build', 'bench-chp');

/**
 * configurable-http-proxy from npm, installed where bench/proxy.mjs puts it;
 * returns its command.
 */
export function ensureChp() {
  const bin = path.join(
    chpDir,
    'node_modules/configurable-http-proxy/bin/configurable-http-proxy'
  );
  if (!existsSync(bin)) {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        chpDir,
        `configurable-http-proxy@${CHP_VERSION}`,
        '--no-audit',
        '--no-fund',
        '--loglevel=error'
      ],
      { stdio: 'inherit' }
    );
  }
  return bin;
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Poll `url` until it answers 200. */
export async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
      throw new Error('not yet');
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`${url} did not come up`);
      }
      await sleep(100);
    }
  }
}

/**
 * The fields Moodle's External Tool sends for a student (no custom
 * parameters, so both hubs start the same default JupyterLab).
 */
export function studentLaunch(name, n) {
  return [
    ['user_id', String(10_000 + n)],
    ['roles', 'Learner'],
    ['context_id', '57'],
    ['context_title', 'Programming I'],
    ['resource_link_id', '21'],
    ['resource_link_title', 'Python Lab'],
    ['ext_user_username', name],
    ['lis_person_name_full', `Student ${n}`],
    [
      'lis_outcome_service_url',
      'https://lms.example.edu/moodle/mod/lti/service.php'
    ],
    ['lti_version', 'LTI-1p0'],
    ['lti_message_type', 'basic-lti-launch-request'],
    ['tool_consumer_info_product_family_code', 'moodle']
  ];
}

/**
 * Sign a launch (OAuth 1.0a HMAC-SHA1, as Moodle does); returns the form
 * fields with the OAuth ones.
 */
export async function signLaunch(url, params, key, secret) {
  const { signatureBaseString, hmacSha1Sign } = await import(hubLib);
  const all = [
    ['oauth_version', '1.0'],
    ['oauth_nonce', randomBytes(16).toString('hex')],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_consumer_key', key],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_callback', 'about:blank'],
    ...params
  ];
  const signature = hmacSha1Sign(signatureBaseString('POST', url, all), secret);
  return [...all, ['oauth_signature', signature]];
}

/** Form-encode pairs. */
export function formBody(fields) {
  return new URLSearchParams(fields.map(([k, v]) => [k, v])).toString();
}

/**
 * Start `ltilab-hub` (the built CLI) with one LTI consumer, the local
 * spawner on `.venv` and an admin token. Logs go to `<dir>/hub.log`.
 */
export async function startOurHub(dir, extraConfig = {}) {
  const port = await freePort();
  const key = 'bench-moodle';
  const secret = randomBytes(24).toString('hex');
  const apiToken = randomBytes(24).toString('hex');
  const config = path.join(dir, 'hub.json');
  writeFileSync(
    config,
    JSON.stringify({
      lti: { consumers: [{ key, secretEnv: 'BENCH_LTI_SECRET' }] },
      api: { tokens: [{ name: 'bench', secretEnv: 'BENCH_API_TOKEN' }] },
      log: { level: 'warn' },
      ...extraConfig,
      spawner: { onShutdown: 'stop', ...(extraConfig.spawner ?? {}) }
    })
  );
  const log = openSync(path.join(dir, 'hub.log'), 'a');
  const proc = spawn(
    process.execPath,
    [
      path.join(hubDir, 'lib/src/cli.js'),
      '--config',
      config,
      '--data-dir',
      path.join(dir, 'ours'),
      '--jupyter',
      path.join(root, '.venv/bin/jupyter'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port)
    ],
    {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        BENCH_LTI_SECRET: secret,
        BENCH_API_TOKEN: apiToken
      }
    }
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/hub/health`);
  return {
    name: 'ltilab hub',
    proc,
    origin,
    launchUrl: `${origin}/hub/lti/launch`,
    key,
    secret,
    async stopServer(user) {
      await fetch(`${origin}/hub/api/users/${user}/server`, {
        method: 'DELETE',
        headers: { authorization: `token ${apiToken}` }
      });
    },
    stop: graceMs => stopProcess(proc, graceMs)
  };
}

/** SIGTERM a child and wait for it (SIGKILL after `graceMs`). */
export function stopProcess(proc, graceMs = 30_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** The local "Moodle": serves one auto-submitting launch form per id. */
export async function startFormServer() {
  const forms = new Map();
  const server = createHttpServer((req, res) => {
    const html = forms.get(req.url);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html' });
    res.end(html ?? 'not found');
  });
  const port = await freePort();
  await new Promise(r => server.listen(port, '127.0.0.1', r));
  let n = 0;
  return {
    add(action, fields) {
      const id = `/launch/${++n}`;
      const esc = s =>
        String(s).replace(/[&<>"]/g, c => `&#${c.charCodeAt(0)};`);
      forms.set(
        id,
        `<!doctype html><html><body>
<form method="post" action="${esc(action)}">
${fields.map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('\n')}
</form>
<script>window.benchMark('start', Date.now()).then(() => document.forms[0].submit());</script>
</body></html>`
      );
      return `http://127.0.0.1:${port}${id}`;
    },
    close: () => server.close()
  };
}

/** Runs in every document; reports when JupyterLab is usable. */
export const READY_SCRIPT = `(() => {
  if (!/^\\/user\\/[^/]+\\/lab/.test(location.pathname)) return;
  const shown = el => !!el && el.getClientRects().length > 0;
  const timer = setInterval(() => {
    if (document.getElementById('jupyterlab-splash')) return;
    if (!shown(document.querySelector('.jp-Launcher .jp-LauncherCard'))) return;
    if (!shown(document.querySelector('.jp-FileBrowser .jp-DirListing-content'))) return;
    clearInterval(timer);
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const slow = res.slice().sort((a, b) => b.duration - a.duration).slice(0, 6)
      .map(r => Math.round(r.startTime) + '+' + Math.round(r.duration) + ' ' + r.name.replace(/^.*\\/user\\/[^/]+/, ''));
    window.benchMark('ready', Date.now(), performance.timeOrigin + (nav ? nav.responseStart : 0),
      { resources: res.length, domContentLoaded: nav ? Math.round(nav.domContentLoadedEventEnd) : 0, slow });
  }, 10);
})();`;

/**
 * One launch in a fresh browser context: the auto-submitting form, then
 * wait until JupyterLab is usable ({@link READY_SCRIPT}). Resolves with the
 * milliseconds from the submit to usable and to JupyterLab's HTML.
 */
export async function browserLaunch(
  browser,
  forms,
  system,
  user,
  n,
  { verbose = false, timeoutMs = 180_000 } = {}
) {
  const fields = await signLaunch(
    system.launchUrl,
    studentLaunch(user, n),
    system.key,
    system.secret
  );
  const url = forms.add(system.launchUrl, fields);
  const context = await browser.newContext();
  try {
    let start = 0;
    let done;
    let timer;
    const ready = new Promise((resolve, reject) => {
      done = resolve;
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${system.name}: ${user} not ready in ${timeoutMs / 1000} s`
            )
          ),
        timeoutMs
      );
    });
    await context.exposeBinding(
      'benchMark',
      (_source, what, t, labHtml, detail) => {
        if (what === 'start') {
          start = t;
        } else {
          if (verbose) {
            console.log(system.name, JSON.stringify(detail, null, 1));
          }
          done({ total: t - start, labHtml: labHtml - start });
        }
      }
    );
    await context.addInitScript(READY_SCRIPT);
    const page = await context.newPage();
    let redirects = 0;
    let documents = 0;
    page.on('response', r => {
      if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) {
        if (r.status() >= 300 && r.status() < 400) {
          redirects++;
        } else {
          documents++;
        }
      }
    });
    await page.goto(url);
    const timing = await ready
      .finally(() => clearTimeout(timer))
      .catch(e => {
        throw new Error(`${e.message} (at ${page.url()})`);
      });
    // The form page is not part of the launch.
    return { ...timing, redirects, documents: documents - 1 };
  } finally {
    await context.close();
  }
}

/** Resident memory of a process, in bytes (0 when it is gone). */
export function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The pids of every descendant of `pid`. */
export function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = p => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Percentile (nearest rank) of sorted numbers. */
export function percentile(sorted, p) {
  if (!sorted.length) {
    return NaN;
  }
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1
  );
  return sorted[Math.max(0, i)];
}

/** Median (the mean of the middle two for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
