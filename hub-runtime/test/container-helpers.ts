/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Real Podman for the container backend's tests and benchmark: `podman
 * system service` on a temporary socket with the repository's
 * containers.conf, and the test image, built locally because no registry is
 * reachable. The image is an almost empty root file system; the host's
 * `/usr`, the repository's `.venv` (JupyterLab and the ltilab wheel) and the
 * Python it links to are bind-mounted read-only into each container
 * (`spawner.container.hostMounts`).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import Docker from 'dockerode';

import { tempDir } from './helpers.js';
import { PACKAGE } from './spawn-helpers.js';

export const TEST_IMAGE = 'localhost/ltilab-test:1';
export const CONTAINERS_CONF = join(PACKAGE, 'image', 'containers.conf');
const REPO = resolve(PACKAGE, '..');
const VENV = join(REPO, '.venv');

/**
 * Why the container tests cannot run here, or null when they can.
 */
export function podmanMissing(): string | null {
  if (spawnSync('podman', ['--version']).status !== 0) {
    return 'podman is not installed (scripts/setup.sh --test installs it)';
  }
  if (!existsSync(join(VENV, 'bin', 'jupyter'))) {
    return `no JupyterLab in ${VENV} (make install)`;
  }
  return null;
}

/**
 * The read-only host mounts that make the test image run JupyterLab.
 */
export function testHostMounts(): string[] {
  // .venv/bin/python3 links to the interpreter it was made from.
  const python = realpathSync(join(VENV, 'bin', 'python3'));
  const prefix = dirname(dirname(python));
  // The ltilab Python package and its server-extension switch come from the
  // source tree, so the tests do not depend on `make install` having run.
  const mounts = [
    '/usr',
    VENV,
    join(REPO, 'python'),
    join(REPO, 'jupyter-config')
  ];
  if (!prefix.startsWith('/usr/') && !prefix.startsWith(VENV)) {
    mounts.push(prefix);
  }
  return mounts;
}

/**
 * The environment of test containers (`spawner.env`).
 */
export const TEST_ENV = {
  PATH: `${VENV}/bin:/usr/local/bin:/usr/bin:/bin`,
  PYTHONPATH: join(REPO, 'python'),
  JUPYTER_CONFIG_PATH: join(REPO, 'jupyter-config')
};

/**
 * A running `podman system service`.
 */
export interface IPodman {
  host: string;
  docker: Docker;
  stop(): Promise<void>;
}

/**
 * Start the service on a temporary socket, wait for it and make sure the
 * test image exists.
 */
export async function startPodman(): Promise<IPodman> {
  const dir = tempDir('ltilab-podman-');
  const socket = join(dir.path, 'podman.sock');
  const env = { ...process.env, CONTAINERS_CONF };
  const child: ChildProcess = spawn(
    'podman',
    ['system', 'service', '--time=0', `unix://${socket}`],
    { env, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr!.on('data', c => (stderr += c));
  const docker = new Docker({ socketPath: socket });
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await docker.ping();
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`podman system service did not start: ${stderr}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }
  await buildTestImage(docker, env);
  return {
    host: `unix://${socket}`,
    docker,
    async stop(): Promise<void> {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
      dir.remove();
    }
  };
}

/**
 * Import the test image from a root file system made here: mount points,
 * `/tmp`, and the merged-/usr links. Nothing else: the rest comes from the
 * host mounts.
 */
async function buildTestImage(
  docker: Docker,
  env: NodeJS.ProcessEnv
): Promise<void> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch {
    // build it
  }
  const dir = tempDir('ltilab-rootfs-');
  try {
    const root = join(dir.path, 'rootfs');
    for (const d of [
      'etc',
      'home',
      'root',
      'usr',
      'proc',
      'sys',
      'dev',
      'run'
    ]) {
      mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
    }
    for (const d of ['tmp', 'var/tmp']) {
      mkdirSync(join(root, d), { recursive: true });
      chmodSync(join(root, d), 0o1777);
    }
    chmodSync(join(root, 'root'), 0o755);
    for (const l of ['bin', 'sbin', 'lib', 'lib64']) {
      symlinkSync(`usr/${l}`, join(root, l));
    }
    writeFileSync(
      join(root, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\n'
    );
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nTEACHER:x:7000:\n');
    const tar = join(dir.path, 'rootfs.tar');
    run('tar', ['-C', root, '-cf', tar, '.'], env);
    run('podman', ['import', '--quiet', tar, TEST_IMAGE], env);
  } finally {
    dir.remove();
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
}
