// Launch to a usable JupyterLab, timed in the browser: the ltilab hub (local
// spawner) beside JupyterHub (PyPI) with jupyterhub-ltiauthenticator,
// SimpleLocalProcessSpawner and configurable-http-proxy (npm), in one run.
//
//   make install && make hub && node bench/launch.mjs [--reps 5]
//
// JupyterHub lives in its own virtualenv, build/bench-jupyterhub-venv, created
// on first use with the same JupyterLab (4.6.4) and the same ltilab wheel
// (dist/) as .venv, so each user server does the same work. configurable-
// http-proxy 5.3.0 is the one bench/proxy.mjs installs in build/bench-chp.
//
// Each launch: a fresh browser context opens a page on a local "Moodle"
// origin that auto-submits a signed LTI 1.1 launch form (Moodle's own launch
// page does the same). The clock starts in the page just before the submit
// and stops in the page when JupyterLab is usable:
//   - the splash screen is gone,
//   - a Launcher card is visible in the main area,
//   - the file browser's listing is visible.
// Both systems get the same definition, fresh users and alternating order;
// after each launch the user's server is stopped through the system's admin
// API. One untimed launch per system warms the disk cache first.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright';

import {
  CHP_VERSION,
  browserLaunch,
  ensureChp,
  freePort,
  median,
  root,
  startFormServer,
  startOurHub,
  stopProcess,
  waitFor
} from './hub-common.mjs';

const launchOptions = createRequire(import.meta.url)('../ui-tests/chromium.js');

const venv = path.join(root, 'build', 'bench-jupyterhub-venv');
const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false }
  }
});
const REPS = Number(opts.reps);

/** JupyterHub's virtualenv, with the same server side as .venv. */
function ensureJupyterHubVenv() {
  const py = path.join(venv, 'bin', 'python');
  if (!existsSync(path.join(venv, 'bin', 'jupyterhub'))) {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    const wheels = execFileSync(
      'bash',
      ['-c', `ls ${root}/dist/ltilab-*.whl`],
      {
        encoding: 'utf8'
      }
    ).trim();
    execFileSync(
      py,
      [
        '-m',
        'pip',
        'install',
        '-q',
        '--disable-pip-version-check',
        'jupyterhub',
        'jupyterhub-ltiauthenticator',
        'jupyterlab==4.6.4',
        wheels
      ],
      { stdio: 'inherit' }
    );
  }
  const version = (python, mod) =>
    execFileSync(
      python,
      ['-c', `import importlib.metadata as m; print(m.version("${mod}"))`],
      { encoding: 'utf8' }
    ).trim();
  const ours = path.join(root, '.venv', 'bin', 'python');
  for (const mod of ['jupyterlab', 'jupyter_server', 'ltilab']) {
    if (version(py, mod) !== version(ours, mod)) {
      throw new Error(
        `${mod} differs: ${version(py, mod)} in ${venv}, ${version(ours, mod)} in .venv`
      );
    }
  }
  return {
    jupyterhub: version(py, 'jupyterhub'),
    ltiauthenticator: version(py, 'jupyterhub-ltiauthenticator'),
    jupyterlab: version(py, 'jupyterlab')
  };
}

async function startJupyterHub(dir, chpBin) {
  const port = await freePort();
  const hubPort = await freePort();
  const apiPort = await freePort();
  const key = 'bench-moodle';
  const secret = randomBytes(24).toString('hex');
  const apiToken = randomBytes(24).toString('hex');
  const config = path.join(dir, 'jupyterhub_config.py');
  const asRoot = process.getuid?.() === 0;
  writeFileSync(
    config,
    `import os
c = get_config()  # noqa
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = ${hubPort}
c.JupyterHub.db_url = 'sqlite:///${dir}/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '${dir}/jupyterhub_cookie_secret'
c.JupyterHub.authenticator_class = 'ltiauthenticator.lti11.auth.LTI11Authenticator'
c.LTI11Authenticator.consumers = {'${key}': os.environ['BENCH_LTI_SECRET']}
c.LTI11Authenticator.username_key = 'ext_user_username'
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = 'simple'
c.SimpleLocalProcessSpawner.home_dir_template = '${dir}/jh-homes/{username}'
c.Spawner.default_url = '/lab'
# ltiauthenticator sends a launch to custom_next, else to the hub's default
# URL, else to /hub/home (a page with a start button); this sends it on to
# start the student's server, as ours does.
c.JupyterHub.default_url = '/hub/spawn'
c.Spawner.args = ${asRoot ? "['--allow-root']" : '[]'}
c.ConfigurableHTTPProxy.command = ['${process.execPath}', '${chpBin}']
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:${apiPort}'
c.JupyterHub.services = [{'name': 'bench', 'api_token': os.environ['BENCH_API_TOKEN']}]
c.JupyterHub.load_roles = [{'name': 'bench', 'scopes': ['admin:users', 'admin:servers'], 'services': ['bench']}]
c.JupyterHub.cleanup_servers = True
c.JupyterHub.log_level = 'WARN'
`
  );
  const log = openSync(path.join(dir, 'jupyterhub.log'), 'a');
  const proc = spawn(path.join(venv, 'bin', 'jupyterhub'), ['-f', config], {
    cwd: dir,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      PATH: `${path.join(venv, 'bin')}:${process.env.PATH}`,
      BENCH_LTI_SECRET: secret,
      BENCH_API_TOKEN: apiToken
    }
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/hub/health`, 120_000);
  const api = (p, init = {}) =>
    fetch(`${origin}/hub/api${p}`, {
      ...init,
      headers: { authorization: `token ${apiToken}` }
    });
  return {
    name: 'JupyterHub',
    proc,
    origin,
    launchUrl: `${origin}/hub/lti/launch`,
    key,
    secret,
    async stopServer(user) {
      await api(`/users/${user}/server`, { method: 'DELETE' });
      // The stop runs on in JupyterHub; wait until it is done.
      for (let i = 0; i < 300; i++) {
        const model = await (await api(`/users/${user}`)).json();
        if (!model.server && !model.pending) {
          return;
        }
        await new Promise(r => setTimeout(r, 100));
      }
    },
    stop: () => stopProcess(proc)
  };
}

async function main() {
  const versions = ensureJupyterHubVenv();
  const chpBin = ensureChp();
  const dir = mkdtempSync(path.join(tmpdir(), 'ltilab-bench-launch-'));
  const running = [];
  let browser;
  let forms;
  try {
    const ours = await startOurHub(dir);
    running.push(ours);
    const jhub = await startJupyterHub(dir, chpBin);
    running.push(jhub);
    forms = await startFormServer();
    browser = await chromium.launch(launchOptions);
    const results = new Map([
      [ours.name, []],
      [jhub.name, []]
    ]);
    let n = 0;
    for (let rep = -1; rep < REPS; rep++) {
      const order = rep % 2 ? [ours, jhub] : [jhub, ours];
      for (const system of order) {
        const user = `bench${++n}${randomBytes(3).toString('hex')}`;
        const r = await browserLaunch(browser, forms, system, user, n, {
          verbose: opts.verbose
        });
        await system.stopServer(user);
        const label = rep < 0 ? 'warm-up' : `run ${rep + 1}`;
        console.log(
          `${label.padEnd(8)} ${system.name.padEnd(11)} ${(r.total / 1000).toFixed(2)} s ` +
            `(lab HTML at ${(r.labHtml / 1000).toFixed(2)} s, ${r.redirects} redirects, ${r.documents} pages)`
        );
        if (rep >= 0) {
          results.get(system.name).push(r);
        }
      }
    }
    console.log(
      `\nJupyterHub ${versions.jupyterhub}, jupyterhub-ltiauthenticator ${versions.ltiauthenticator}, ` +
        `configurable-http-proxy ${CHP_VERSION}; JupyterLab ${versions.jupyterlab} and the ltilab wheel in both; ${REPS} runs each`
    );
    console.log(
      '| System | Launch → usable (median) | min | max | Launch → JupyterLab HTML (median) | Redirects | Pages |'
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const med = {};
    for (const [name, rs] of results) {
      const totals = rs.map(r => r.total / 1000);
      med[name] = median(totals);
      console.log(
        `| ${name} | ${med[name].toFixed(2)} s | ${Math.min(...totals).toFixed(2)} s | ${Math.max(...totals).toFixed(2)} s | ` +
          `${median(rs.map(r => r.labHtml / 1000)).toFixed(2)} s | ${rs[0].redirects} | ${rs[0].documents} |`
      );
    }
    console.log(
      `\nltilab hub / JupyterHub (median launch → usable): ${(med[ours.name] / med[jhub.name]).toFixed(2)}×`
    );
  } finally {
    await browser?.close();
    forms?.close();
    for (const s of running.reverse()) {
      await s.stop();
    }
    if (!opts.keep) {
      rmSync(dir, { recursive: true, force: true });
    } else {
      console.log(`kept ${dir}`);
    }
  }
}

await main();
process.exit(0);
