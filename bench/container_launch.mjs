// The container backend (real Podman) beside the local backend, both behind
// the hub's command line, in one run:
//
//   1. launch to a usable JupyterLab, one student at a time, alternating
//      backends (--reps each);
//   2. --students students launching within the same --window seconds, in
//      containers (and, as the anchor, the same burst on the local backend):
//      all ready, p50, p95 and max time to ready;
//   3. memory per idle student container beside an idle local server.
//
//   make hub && node bench/container_launch.mjs [--reps 5] [--students 50] [--window 10] [--concurrency 0]
//
// Needs podman and runc (scripts/setup.sh --test) and root. Podman runs as
// `podman system service` on a temporary socket with
// hub-runtime/image/containers.conf, and the image is the test image
// (hub-runtime/test/container-helpers.ts: an almost empty root file system
// with the host's /usr and the repository's .venv mounted read-only), so
// both backends run the same JupyterLab 4.6.4 and ltilab wheel.
//
// "Usable" is measured at the HTTP level, the same way for both: from the
// LTI launch POST until GET /user/<name>/lab through the hub has returned
// JupyterLab's page and /user/<name>/api/kernelspecs has answered 200.
// (bench/launch.mjs times the browser side for the local backend.)
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  descendants,
  formBody,
  hubDir,
  median,
  percentile,
  rssOf,
  signLaunch,
  sleep,
  startOurHub,
  studentLaunch
} from './hub-common.mjs';

const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    students: { type: 'string', default: '50' },
    window: { type: 'string', default: '10' },
    // spawner.spawnConcurrency of both hubs; 0: the hub's default (the
    // number of CPUs, at least 2).
    concurrency: { type: 'string', default: '0' }
  }
});
const reps = Number(opts.reps);
const students = Number(opts.students);
const windowMs = Number(opts.window) * 1000;

const helpers = path.join(hubDir, 'lib/test/container-helpers.js');
const { startPodman, testHostMounts, TEST_IMAGE, TEST_ENV } = await import(
  helpers
);
const instance = `bench-${process.pid}`;

/** One launch through the hub until JupyterLab is usable; ms. */
async function launchUntilUsable(hub, name, n) {
  const t0 = performance.now();
  const fields = await signLaunch(
    hub.launchUrl,
    studentLaunch(name, n),
    hub.key,
    hub.secret
  );
  const res = await fetch(hub.launchUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(fields),
    redirect: 'manual'
  });
  if (res.status !== 302) {
    throw new Error(`${name}: launch ${res.status} ${await res.text()}`);
  }
  const cookie = res.headers.get('set-cookie').split(';')[0];
  // Without `Accept: text/html` the proxy waits for the start instead of
  // sending the progress page.
  const lab = await fetch(`${hub.origin}/user/${name}/lab`, {
    headers: { cookie }
  });
  const page = await lab.text();
  if (lab.status !== 200 || !page.includes('jupyter-config-data')) {
    throw new Error(`${name}: /lab ${lab.status}`);
  }
  const specs = await fetch(`${hub.origin}/user/${name}/api/kernelspecs`, {
    headers: { cookie }
  });
  if (specs.status !== 200) {
    throw new Error(`${name}: kernelspecs ${specs.status}`);
  }
  await specs.arrayBuffer();
  return performance.now() - t0;
}

/** `students` launches spread evenly over the window; times to ready. */
async function burst(hub, prefix, base) {
  const gap = windowMs / students;
  const t0 = performance.now();
  const times = await Promise.all(
    Array.from({ length: students }, async (_, i) => {
      await sleep(Math.max(0, i * gap - (performance.now() - t0)));
      return launchUntilUsable(hub, `${prefix}${i}`, base + i);
    })
  );
  return times.sort((a, b) => a - b);
}

function summary(times) {
  return {
    ready: times.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1]
  };
}

/** Resident memory of every process called `comm`. */
function rssOfCommand(comm) {
  let total = 0;
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) {
        total += rssOf(Number(entry));
        count++;
      }
    } catch {
      // gone meanwhile
    }
  }
  return { total, count };
}

/** Memory of this hub's containers: cgroup use without page cache. */
async function containerMemory(docker) {
  const list = await docker.listContainers({
    filters: { label: [`io.ltilab.hub=${instance}`] }
  });
  let total = 0;
  for (const c of list) {
    const s = await docker.getContainer(c.Id).stats({ stream: false });
    const m = s.memory_stats ?? {};
    total +=
      (m.usage ?? 0) -
      (m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0);
  }
  return { total, count: list.length };
}

const fmt = ms => `${(ms / 1000).toFixed(2)} s`;
const mib = b => `${(b / 1048576).toFixed(0)} MiB`;

const podman = await startPodman();
const dir = mkdtempSync(path.join(tmpdir(), 'ltilab-ctr-bench-'));
const containerConfig = {
  spawn: { defaultImage: TEST_IMAGE },
  spawner: {
    backend: 'container',
    startTimeout: 600,
    env: TEST_ENV,
    spawnConcurrency: Number(opts.concurrency),
    container: {
      host: podman.host,
      instance,
      hostMounts: testHostMounts(),
      pull: 'never'
    }
  }
};
mkdirSync(path.join(dir, 'local'));
mkdirSync(path.join(dir, 'ctr'));
const local = await startOurHub(path.join(dir, 'local'), {
  spawner: { spawnConcurrency: Number(opts.concurrency) }
});
const ctr = await startOurHub(path.join(dir, 'ctr'), containerConfig);
try {
  // 1. One at a time; one untimed launch each warms the caches.
  await launchUntilUsable(local, 'warml', 1);
  await local.stopServer('warml');
  await launchUntilUsable(ctr, 'warmc', 2);
  await ctr.stopServer('warmc');
  const single = { local: [], container: [] };
  for (let r = 0; r < reps; r++) {
    for (const [kind, hub] of r % 2
      ? [
          ['container', ctr],
          ['local', local]
        ]
      : [
          ['local', local],
          ['container', ctr]
        ]) {
      const name = `${kind[0]}single${r}`;
      single[kind].push(await launchUntilUsable(hub, name, 100 + r));
      await hub.stopServer(name);
    }
  }
  const ml = median(single.local);
  const mc = median(single.container);
  console.log(`\nLaunch to usable JupyterLab, median of ${reps}:`);
  console.log(`  local      ${fmt(ml)}  (${single.local.map(fmt).join(', ')})`);
  console.log(
    `  container  ${fmt(mc)}  (${single.container.map(fmt).join(', ')})`
  );
  console.log(`  container / local = ${(mc / ml).toFixed(2)}`);

  // 2. The burst, containers then the local anchor.
  const burstC = summary(await burst(ctr, 'c', 1000));
  // 3. Memory, once the burst's servers are idle.
  await sleep(15_000);
  const mem = await containerMemory(podman.docker);
  const conmon = rssOfCommand('conmon');
  const burstL = summary(await burst(local, 'l', 2000));
  await sleep(15_000);
  const localPids = descendants(local.proc.pid);
  const localRss = localPids.reduce((sum, pid) => sum + rssOf(pid), 0);
  console.log(
    `\n${students} students launching within ${windowMs / 1000} s ` +
      `(spawnConcurrency ${opts.concurrency}), time to ready:`
  );
  for (const [kind, s] of [
    ['container', burstC],
    ['local', burstL]
  ]) {
    console.log(
      `  ${kind.padEnd(9)}  ${s.ready}/${students} ready  p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  max ${fmt(s.max)}`
    );
  }
  console.log(
    `  container / local p95 = ${(burstC.p95 / burstL.p95).toFixed(2)}`
  );
  const perContainer = mem.total / mem.count;
  const perConmon = conmon.count ? conmon.total / conmon.count : 0;
  const perLocal = localRss / students;
  console.log(`\nMemory per idle student server (${students} idle):`);
  console.log(
    `  container  ${mib(perContainer)} in its cgroup + ${mib(perConmon)} conmon = ${mib(perContainer + perConmon)}`
  );
  console.log(
    `  local      ${mib(perLocal)} resident (jupyter lab process tree)`
  );
  console.log(
    `  container / local = ${((perContainer + perConmon) / perLocal).toFixed(2)}`
  );
} finally {
  await Promise.all([ctr.stop(), local.stop()]);
  const left = await podman.docker.listContainers({
    all: true,
    filters: { label: [`io.ltilab.hub=${instance}`] }
  });
  await Promise.all(
    left.map(c => podman.docker.getContainer(c.Id).remove({ force: true }))
  );
  await podman.stop();
  rmSync(dir, { recursive: true, force: true });
}
