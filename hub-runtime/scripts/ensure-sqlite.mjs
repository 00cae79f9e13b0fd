#!/usr/bin/env node
/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 *
 * Make sure better-sqlite3's native addon loads, building it from source with
 * node-gyp when it does not.
 *
 * npm 11 may skip better-sqlite3's install script (install-script approval),
 * and its prebuilt-binary download cannot work without internet access. This
 * script is the one place that fixes both: `npm run setup -w
 * @ltilab/hub-runtime` (also run before `npm test`). It is idempotent and
 * quick when the addon already loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function loads() {
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      "const D=require('better-sqlite3');new D(':memory:').prepare('select 1').get()"
    ],
    { cwd: dirname(new URL(import.meta.url).pathname), encoding: 'utf8' }
  );
  return { ok: probe.status === 0, detail: (probe.stderr || '').trim() };
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) {
    candidates.push(process.env.npm_config_node_gyp);
  }
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package; try npm's bundled copy below
  }
  candidates.push(
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js'
    )
  );
  return candidates.find(c => existsSync(c));
}

const first = loads();
if (first.ok) {
  console.log('ensure-sqlite: better-sqlite3 loads');
  process.exit(0);
}
console.log(
  'ensure-sqlite: better-sqlite3 does not load; building from source'
);
console.log(first.detail.split('\n').slice(0, 3).join('\n'));

const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
const gyp = findNodeGyp();
if (!gyp) {
  console.error('ensure-sqlite: node-gyp not found (is npm installed?)');
  process.exit(1);
}
// Debian's nodejs ships the headers in /usr/include/node; ~/.npmrc may say
// nodedir=/usr. Pass it explicitly when those headers exist, so node-gyp does
// not try to download them.
const args = [gyp, 'rebuild', '--release'];
const nodedir =
  process.env.npm_config_nodedir || dirname(dirname(process.execPath));
if (existsSync(join(nodedir, 'include', 'node', 'node.h'))) {
  args.push(`--nodedir=${nodedir}`);
}
const build = spawnSync(process.execPath, args, {
  cwd: pkgDir,
  stdio: 'inherit'
});
if (build.status !== 0) {
  console.error(
    'ensure-sqlite: the source build failed. It needs python3, make, g++ and the ' +
      'Node headers (Debian: apt-get install -y python3 make g++ libnode-dev).'
  );
  process.exit(1);
}
const second = loads();
if (!second.ok) {
  console.error(
    'ensure-sqlite: built, but better-sqlite3 still does not load:'
  );
  console.error(second.detail);
  process.exit(1);
}
console.log('ensure-sqlite: better-sqlite3 built and loads');
