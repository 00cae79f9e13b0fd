/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The hub's state, behind one small interface.
 *
 * @module
 */

import type { INonceStore } from '../lti/launch.js';

/**
 * A hub user, bound to one LMS identity.
 */
export interface IUserRecord {
  name: string;
  /**
   * `<consumer key>:<user_id>`; unique.
   */
  lmsKey: string;
  lmsUsername: string;
  consumerKey: string;
  /**
   * The teacher flag of the latest launch.
   */
  isTeacher: boolean;
  createdAt: number;
  lastLaunchAt: number;
}

/**
 * What {@link IHubStore.bindUser} needs to know of an LMS user.
 */
export interface IUserBinding {
  lmsKey: string;
  lmsUsername: string;
  consumerKey: string;
  /**
   * Hub names to try, best first.
   */
  candidates: readonly string[];
  isTeacher: boolean;
}

/**
 * One accepted launch.
 */
export interface ILaunchRecord {
  id: number;
  userName: string;
  consumerKey: string;
  contextId: string;
  resourceLinkId: string;
  specHash: string;
  /**
   * The spawn request as JSON-able data.
   */
  spec: unknown;
  createdAt: number;
}

/**
 * A user's server, as the hub last knew it.
 */
export interface IServerRecord {
  userName: string;
  backend: string;
  state: 'starting' | 'running' | 'stopping';
  /**
   * Where the proxy sends the user's traffic.
   */
  url: string | null;
  pid: number | null;
  /**
   * The Jupyter server's token. Only the hub knows it.
   */
  token: string | null;
  specHash: string;
  launchId: number | null;
  startedAt: number;
  lastActivityAt: number;
  /**
   * Backend-specific details (a container id, a port).
   */
  data: Record<string, unknown>;
}

/**
 * A browser session.
 */
export interface ISessionRecord {
  userName: string;
  launchId: number | null;
  createdAt: number;
  expiresAt: number;
}

/**
 * The hub's state. Times are epoch milliseconds.
 */
export interface IHubStore extends INonceStore {
  /**
   * Find or create the user for an LMS identity. An identity keeps the name
   * it was first given; a new one gets the first candidate no other identity
   * holds, so two LMS users never share a name.
   */
  bindUser(binding: IUserBinding, now: number): IUserRecord;
  /**
   * The UID of an LMS identity, granted once and kept for good (also
   * after the user is deleted, so no one else ever gets it): `preferred`
   * when no other identity holds it, else the next free UID from
   * `orderedFrom` up. Two identities never share a UID.
   */
  grantUid(
    lmsKey: string,
    preferred: number | null,
    orderedFrom: number,
    now: number
  ): number;
  getUser(name: string): IUserRecord | null;
  getUserByLmsKey(lmsKey: string): IUserRecord | null;
  listUsers(): IUserRecord[];
  /**
   * Remove a user with their launches, server record and sessions.
   */
  deleteUser(name: string): boolean;

  recordLaunch(launch: Omit<ILaunchRecord, 'id'>): ILaunchRecord;
  latestLaunch(userName: string): ILaunchRecord | null;

  putServer(server: IServerRecord): void;
  getServer(userName: string): IServerRecord | null;
  listServers(): IServerRecord[];
  deleteServer(userName: string): boolean;
  touchServer(userName: string, at: number): void;

  /**
   * Create a session. Returns its secret id, which only the cookie carries;
   * the store keeps a hash of it.
   */
  createSession(
    userName: string,
    launchId: number | null,
    ttlMs: number,
    now: number
  ): string;
  getSession(id: string, now: number): ISessionRecord | null;
  deleteSession(id: string): boolean;
  deleteUserSessions(userName: string): number;

  /**
   * A number that changes whenever a user, a server record or a session is
   * written or removed (not on {@link touchServer}), so in-memory caches of
   * sessions and routes know when to drop their entries.
   */
  readonly generation: number;

  /**
   * Drop expired nonces and sessions.
   */
  purgeExpired(now: number): { nonces: number; sessions: number };
  close(): void;
}
