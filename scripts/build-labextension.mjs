#!/usr/bin/env node
// Builds one package's prebuilt labextension with @jupyter/builder against the
// pinned JupyterLab core metadata (Node only, no Python), then writes the
// install.json that tells `jupyter labextension list` the ltilab wheel owns it.
// Usage: node scripts/build-labextension.mjs [--development] <package-dir>
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const development = args.includes('--development');
const pkgDir = path.resolve(args.filter(a => !a.startsWith('--')).pop() ?? '.');

const builder = require.resolve('@jupyter/builder/lib/build-labextension.js');
const corePackage = require.resolve('@jupyterlab/core-meta/core.package.json');
const command = [builder, '--core-package-file', corePackage];
if (development) {
  command.push('--development', '--source-map');
}
command.push(pkgDir);

const result = spawnSync(process.execPath, command, { stdio: 'inherit' });
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}

const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const outputDir = path.resolve(pkgDir, pkg.jupyterlab.outputDir);
const install = {
  packageManager: 'python',
  packageName: 'ltilab',
  uninstallInstructions:
    'Use your Python package manager (pip, conda, etc.) to uninstall the package ltilab'
};
writeFileSync(
  path.join(outputDir, 'install.json'),
  JSON.stringify(install, null, 2) + '\n'
);
