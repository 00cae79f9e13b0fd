/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The Docker Engine API client (dockerode) over a unix socket or TCP: the
 * same code talks to Docker and to Podman's `podman system service`.
 *
 * @module
 */

import { PassThrough } from 'node:stream';

import Docker from 'dockerode';

/**
 * The engine's address: `unix:///run/podman/podman.sock`,
 * `tcp://10.0.0.5:2375` or `http://10.0.0.5:2375`. A bare path is a socket.
 */
export function connectEngine(host: string, timeoutMs = 30_000): Docker {
  return new Docker({ ...parseEngineHost(host), timeout: timeoutMs });
}

/**
 * The dockerode options for an engine address; throws on an unknown form.
 */
export function parseEngineHost(host: string): Docker.DockerOptions {
  if (host.startsWith('/')) {
    return { socketPath: host };
  }
  const url = new URL(host);
  if (url.protocol === 'unix:') {
    return { socketPath: url.pathname };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    return {
      protocol: 'http',
      host: url.hostname,
      port: Number(url.port || 2375)
    };
  }
  throw new Error(
    `the engine address "${host}" must be unix:///path, tcp://host:port or http://host:port`
  );
}

/**
 * What a command run in a container printed.
 */
export interface IExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Run a command in a running container and wait for it (`docker exec`).
 *
 * @param options.user - `uid:gid`; default the container's user.
 */
export async function execIn(
  container: Docker.Container,
  cmd: readonly string[],
  options: { user?: string; env?: readonly string[]; workingDir?: string } = {}
): Promise<IExecResult> {
  const exec = await container.exec({
    Cmd: [...cmd],
    AttachStdout: true,
    AttachStderr: true,
    ...(options.user ? { User: options.user } : {}),
    ...(options.env ? { Env: [...options.env] } : {}),
    ...(options.workingDir ? { WorkingDir: options.workingDir } : {})
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', c => out.push(c));
  stderr.on('data', c => err.push(c));
  container.modem.demuxStream(stream, stdout, stderr);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  } finally {
    // The hijacked connection is ours to close once the output ended.
    stream.destroy();
  }
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8')
  };
}

/**
 * Whether an engine error is "no such object" (404).
 */
export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number } | null)?.statusCode === 404;
}
