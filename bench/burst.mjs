// A class burst: 50 students launch within the same 10 seconds against the
// ltilab hub with the local spawner (one real `jupyter lab` per student, on
// this machine).
//
//   make install && make hub && node bench/burst.mjs [--students 50]
//       [--window 10] [--concurrency N]
//
// Each student, at an even offset within the window, does what a browser
// does at the HTTP level: POSTs a signed LTI 1.1 launch, follows the
// redirect to /user/<name>/lab, waits on the hub's progress page (its
// `?wait=1` status endpoint, as the page's script does) and reloads until
// JupyterLab's page answers 200 through the proxy, then asks
// /user/<name>/api/status through the proxy. Time to ready runs from the
// student's POST to that status answer. Reported: p50, p95 and max time to
// ready, failures (a 4xx/5xx that is not the waiting page, or no JupyterLab
// within 10 minutes), the hub's peak resident memory and the user servers'
// total resident memory once all are up. `--concurrency` sets the hub's
// spawner.spawnConcurrency (default: the hub's own default).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright';

import {
  browserLaunch,
  descendants,
  formBody,
  percentile,
  rssOf,
  signLaunch,
  sleep,
  startFormServer,
  startOurHub,
  studentLaunch
} from './hub-common.mjs';

const { values: opts } = parseArgs({
  options: {
    students: { type: 'string', default: '50' },
    window: { type: 'string', default: '10' },
    concurrency: { type: 'string' },
    browsers: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false }
  }
});
const STUDENTS = Number(opts.students);
const WINDOW_MS = Number(opts.window) * 1000;
const GIVE_UP_MS = 10 * 60_000;
const BROWSERS = Number(opts.browsers);
const launchOptions = createRequire(import.meta.url)('../ui-tests/chromium.js');

/** One student's launch, at the HTTP level. */
async function student(hub, n, t0) {
  const name = `burst${String(n).padStart(3, '0')}`;
  const fields = await signLaunch(
    hub.launchUrl,
    studentLaunch(name, n),
    hub.key,
    hub.secret
  );
  const started = Date.now();
  const deadline = started + GIVE_UP_MS;
  const post = await fetch(hub.launchUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(fields),
    redirect: 'manual'
  });
  if (post.status !== 302) {
    throw new Error(`${name}: launch answered ${post.status}`);
  }
  const cookie = post.headers.get('set-cookie').split(';')[0];
  const headers = { cookie, accept: 'text/html' };
  let url = new URL(post.headers.get('location'), hub.origin).href;
  let waits = 0;
  for (;;) {
    if (Date.now() > deadline) {
      throw new Error(`${name}: no JupyterLab after ${GIVE_UP_MS / 1000} s`);
    }
    const res = await fetch(url, { headers, redirect: 'manual' });
    const text = await res.text();
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).href;
    } else if (res.status === 200 && text.includes('<progress id="bar"')) {
      // The waiting page: wait as its script does, then load again.
      waits++;
      for (;;) {
        const p = await fetch(
          `${hub.origin}/hub/spawn/progress/${name}?wait=1`,
          { headers: { cookie } }
        );
        const body = await p.json();
        if (!body.pending || Date.now() > deadline) {
          break;
        }
      }
    } else if (res.status === 200 && text.includes('jupyter-config-data')) {
      const labAt = Date.now();
      const status = await fetch(`${hub.origin}/user/${name}/api/status`, {
        headers: { cookie }
      });
      if (status.status !== 200 || !(await status.json()).started) {
        throw new Error(`${name}: api/status answered ${status.status}`);
      }
      return {
        name,
        offset: started - t0,
        lab: labAt - started,
        ready: Date.now() - started,
        waits
      };
    } else {
      throw new Error(
        `${name}: ${url} answered ${res.status}: ${text.slice(0, 300)}`
      );
    }
  }
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ltilab-bench-burst-'));
  const spawner = opts.concurrency
    ? { spawnConcurrency: Number(opts.concurrency) }
    : {};
  const hub = await startOurHub(dir, { spawner });
  let browser;
  let forms;
  let peakHubRss = rssOf(hub.proc.pid);
  const sampler = setInterval(() => {
    peakHubRss = Math.max(peakHubRss, rssOf(hub.proc.pid));
  }, 250);
  try {
    // A few students, spread over the window, use Chromium instead.
    const inBrowser = new Set(
      Array.from({ length: BROWSERS }, (_, k) =>
        Math.floor(((k + 0.5) * STUDENTS) / BROWSERS)
      )
    );
    if (BROWSERS > 0) {
      browser = await chromium.launch(launchOptions);
      forms = await startFormServer();
    }
    const t0 = Date.now();
    const runs = Array.from({ length: STUDENTS }, (_, i) =>
      sleep((i * WINDOW_MS) / STUDENTS).then(async () => {
        if (!inBrowser.has(i)) {
          return student(hub, i + 1, t0);
        }
        const name = `burst${String(i + 1).padStart(3, '0')}`;
        const r = await browserLaunch(browser, forms, hub, name, i + 1, {
          timeoutMs: GIVE_UP_MS
        });
        return { name, browser: true, ready: r.total, lab: r.labHtml };
      })
    );
    const settled = await Promise.allSettled(runs);
    const ok = settled.filter(s => s.status === 'fulfilled').map(s => s.value);
    const failed = settled.filter(s => s.status === 'rejected');
    for (const f of failed) {
      console.log(`FAILED ${f.reason.message}`);
    }
    const servers = descendants(hub.proc.pid);
    const serverRss = servers.reduce((sum, pid) => sum + rssOf(pid), 0);
    const hubRss = rssOf(hub.proc.pid);
    peakHubRss = Math.max(peakHubRss, hubRss);
    const ready = ok.map(r => r.ready / 1000).sort((a, b) => a - b);
    const http = ok.filter(r => !r.browser);
    const lastOffset = Math.max(...http.map(r => r.offset)) / 1000;
    const mib = b => (b / 2 ** 20).toFixed(0);
    console.log(
      `${STUDENTS} students launching over ${(WINDOW_MS / 1000).toFixed(0)} s (last launch at ${lastOffset.toFixed(1)} s), ` +
        `${availableParallelism()} CPUs, spawnConcurrency ${opts.concurrency ?? 'default'}`
    );
    console.log(
      '| Students | Ready | Failures | p50 | p95 | max | Hub RSS (peak) | User servers RSS (total) |'
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${STUDENTS} | ${ok.length} | ${failed.length} | ${percentile(ready, 50).toFixed(1)} s | ` +
        `${percentile(ready, 95).toFixed(1)} s | ${ready[ready.length - 1].toFixed(1)} s | ` +
        `${mib(peakHubRss)} MiB | ${mib(serverRss)} MiB (${servers.length} processes) |`
    );
    console.log(
      `waiting page seen by ${http.filter(r => r.waits > 0).length} of ${http.length} HTTP students; ` +
        `all done ${((Date.now() - t0) / 1000).toFixed(1)} s after the first launch`
    );
    for (const r of ok.filter(b => b.browser)) {
      console.log(
        `in Chromium: ${r.name} usable after ${(r.ready / 1000).toFixed(1)} s (JupyterLab's HTML at ${(r.lab / 1000).toFixed(1)} s)`
      );
    }
    if (failed.length) {
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    await browser?.close();
    forms?.close();
    // The hub stops its servers on SIGTERM; whatever survives it is killed.
    const servers = descendants(hub.proc.pid);
    await hub.stop(120_000);
    for (const pid of servers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    if (!opts.keep) {
      rmSync(dir, { recursive: true, force: true });
    } else {
      console.log(`kept ${dir}`);
    }
  }
}

await main();
