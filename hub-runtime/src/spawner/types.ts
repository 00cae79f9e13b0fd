/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The spawner interface: what every backend (local processes now,
 * containers and Kubernetes later) implements.
 *
 * @module
 */

import type { ISpawnRequest } from '../lti/params.js';
import type { IAccount, ISpawnUser } from '../spawn/environment.js';
import type { IServerRecord } from '../store/types.js';

/**
 * What one server is started for.
 */
export interface ISpawnTarget {
  user: ISpawnUser;
  /**
   * The account as the server sees it, with the home under `/home`
   * (`/home/<group>/<user>`). A backend that keeps homes elsewhere re-roots
   * it.
   */
  account: IAccount;
  request: ISpawnRequest;
  /**
   * {@link spawnSpecHash} of `request`: two launches with the same hash get
   * the same server.
   */
  specHash: string;
  launchId: number | null;
  /**
   * Told how the start goes, for the progress page a student sees while
   * waiting. Backends that cannot say leave it alone.
   */
  onProgress?: (progress: ISpawnProgress) => void;
}

/**
 * The phases of a start, in order.
 *
 * - `queued`: waiting for a free start slot (the spawn concurrency limit);
 * - `pulling`: fetching the image;
 * - `creating`: creating the container and preparing its volumes;
 * - `starting`: starting it;
 * - `waiting`: waiting for the Jupyter server to answer;
 * - `ready` and `failed`: done.
 */
export type SpawnPhase =
  | 'queued'
  | 'pulling'
  | 'creating'
  | 'starting'
  | 'waiting'
  | 'ready'
  | 'failed';

/**
 * How far a start is.
 */
export interface ISpawnProgress {
  phase: SpawnPhase;
  /**
   * 0 to 100.
   */
  percent: number;
  /**
   * For the user; holds no secret.
   */
  message: string;
  /**
   * While `queued`: the place in line (1: next).
   */
  position?: number;
}

/**
 * A notice's kind: a normal notice is shown once; a sticky one stays until
 * it changes (jnotice's `.jnotice.sticky.txt`).
 */
export interface INoticeOptions {
  sticky?: boolean;
}

/**
 * A server's memory use, in bytes.
 */
export interface IServerUsage {
  memory: number;
  /**
   * The enforced limit, or 0 for none.
   */
  memoryLimit: number;
}

/**
 * A started server, as the backend reports it.
 */
export interface IStartedServer {
  /**
   * The server's origin as the hub reaches it (`http://127.0.0.1:41234`);
   * requests keep their `/user/<name>/` path.
   */
  url: string;
  /**
   * The server's own token. Only the hub knows it; the proxy adds it.
   */
  token: string;
  pid: number | null;
  /**
   * Backend details kept in the store (a port, a container id, the home).
   */
  data: Record<string, unknown>;
}

/**
 * Whether a recorded server still serves.
 */
export type ServerStatus = 'running' | 'stopped';

/**
 * A backend that runs users' Jupyter servers.
 *
 * #### Notes
 * The hub's {@link ServerManager} owns the store and the policy (one server
 * per user, the relaunch rule, culling); a backend only starts, stops and
 * checks servers. Every method but `start` gets the record the hub stored,
 * so a backend keeps what it needs in {@link IStartedServer.data}. A backend
 * must not kill what it cannot prove is its own (a recorded pid may have been
 * reused after a reboot).
 */
export interface ISpawner {
  /**
   * Stored as the record's `backend`; records of another backend are left
   * alone.
   */
  readonly name: string;
  /**
   * Start a server and resolve once it answers its status API.
   */
  start(target: ISpawnTarget): Promise<IStartedServer>;
  /**
   * Stop a server; resolves when it is gone. Stopping a stopped server is not
   * an error.
   */
  stop(server: IServerRecord): Promise<void>;
  status(server: IServerRecord): Promise<ServerStatus>;
  /**
   * Take over a server recorded by an earlier hub process. Resolves false
   * when it is not alive (or not provably the recorded one); the hub then
   * drops the record.
   */
  adopt(server: IServerRecord): Promise<boolean>;
  /**
   * Show the user a notice in JupyterLab (the jnotice `.jnotice.txt` file).
   */
  notify(
    server: IServerRecord,
    text: string,
    options?: INoticeOptions
  ): Promise<void>;
  /**
   * The server's resource use, when the backend can measure it (for the
   * memory warning); null when unknown.
   */
  usage?(server: IServerRecord): Promise<IServerUsage | null>;
  /**
   * After adoption: remove servers of this hub that no record holds
   * (orphans of a crash). Returns what was removed, for the log.
   */
  removeOrphans?(kept: readonly IServerRecord[]): Promise<string[]>;
}
