/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The SQLite store (better-sqlite3), one file under the data directory.
 *
 * @module
 */

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { MAX_UID } from '../spawn/environment.js';

import type {
  IHubStore,
  ILaunchRecord,
  IServerRecord,
  ISessionRecord,
  IUserBinding,
  IUserRecord
} from './types.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` counts them.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    lms_key TEXT NOT NULL UNIQUE,
    lms_username TEXT NOT NULL,
    consumer_key TEXT NOT NULL,
    is_teacher INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_launch_at INTEGER NOT NULL
  );
  CREATE TABLE launches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    consumer_key TEXT NOT NULL,
    context_id TEXT NOT NULL,
    resource_link_id TEXT NOT NULL,
    spec_hash TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX launches_user ON launches(user_name, id);
  CREATE TABLE servers (
    user_name TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
    backend TEXT NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    pid INTEGER,
    token TEXT,
    spec_hash TEXT NOT NULL,
    launch_id INTEGER,
    started_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    launch_id INTEGER,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_expiry ON sessions(expires_at);
  CREATE TABLE nonces (
    consumer_key TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (consumer_key, timestamp, nonce)
  ) WITHOUT ROWID;
  CREATE INDEX nonces_expiry ON nonces(expires_at);
  `,
  // UIDs are bound to the LMS identity, not to the hub user, and are never
  // freed: files a deleted user left in shared volumes never pass to a
  // newcomer, and a returning user finds their files theirs.
  `
  CREATE TABLE uids (
    uid INTEGER PRIMARY KEY,
    lms_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  `
];

/**
 * The file name of the database inside the data directory.
 */
export const DATABASE_FILE = 'hub.sqlite';

/**
 * A store in `<dataDir>/hub.sqlite`.
 *
 * #### Notes
 * better-sqlite3 is synchronous, so each method is atomic within the
 * process; `bindUser` also runs in a transaction. The data directory is
 * created private (0700) and the database file is 0600, because it holds
 * server tokens and the LMS web-service tokens of launches.
 */
export class SqliteStore implements IHubStore {
  constructor(dataDir: string) {
    if (!existsSync(dataDir)) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    }
    this.path = join(dataDir, DATABASE_FILE);
    this._db = new Database(this.path);
    chmodSync(this.path, 0o600);
    this._db.pragma('journal_mode = WAL');
    this._db.pragma('synchronous = NORMAL');
    this._db.pragma('foreign_keys = ON');
    this._db.pragma('busy_timeout = 5000');
    this._migrate();
  }

  /**
   * The database file.
   */
  readonly path: string;

  /**
   * See {@link IHubStore.generation}.
   */
  get generation(): number {
    return this._generation;
  }

  /**
   * The schema version.
   */
  get schemaVersion(): number {
    return this._db.pragma('user_version', { simple: true }) as number;
  }

  hasNonce(consumerKey: string, timestamp: number, nonce: string): boolean {
    return !!this._stmt(
      'SELECT 1 FROM nonces WHERE consumer_key = ? AND timestamp = ? AND nonce = ?'
    ).get(consumerKey, timestamp, nonce);
  }

  claimNonce(
    consumerKey: string,
    timestamp: number,
    nonce: string,
    expiresAt: number
  ): boolean {
    const info = this._stmt(
      'INSERT OR IGNORE INTO nonces (consumer_key, timestamp, nonce, expires_at) VALUES (?, ?, ?, ?)'
    ).run(consumerKey, timestamp, nonce, expiresAt);
    return info.changes === 1;
  }

  bindUser(binding: IUserBinding, now: number): IUserRecord {
    return this._db
      .transaction((): IUserRecord => {
        const existing = this.getUserByLmsKey(binding.lmsKey);
        if (existing) {
          this._stmt(
            'UPDATE users SET lms_username = ?, is_teacher = ?, last_launch_at = ? WHERE name = ?'
          ).run(
            binding.lmsUsername,
            binding.isTeacher ? 1 : 0,
            now,
            existing.name
          );
          return this.getUser(existing.name)!;
        }
        const name = binding.candidates.find(c => !this.getUser(c));
        if (!name) {
          throw new Error(`no free user name for ${binding.lmsUsername}`);
        }
        this._stmt(
          `INSERT INTO users (name, lms_key, lms_username, consumer_key, is_teacher, created_at, last_launch_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`
        ).run(
          name,
          binding.lmsKey,
          binding.lmsUsername,
          binding.consumerKey,
          binding.isTeacher ? 1 : 0,
          now,
          now
        );
        return this.getUser(name)!;
      })
      .immediate();
  }

  grantUid(
    lmsKey: string,
    preferred: number | null,
    orderedFrom: number,
    now: number
  ): number {
    return this._db
      .transaction((): number => {
        const granted = this._stmt(
          'SELECT uid FROM uids WHERE lms_key = ?'
        ).get(lmsKey) as { uid: number } | undefined;
        if (granted) {
          return granted.uid;
        }
        let uid = preferred;
        if (
          uid === null ||
          this._stmt('SELECT 1 FROM uids WHERE uid = ?').get(uid)
        ) {
          const top = this._stmt(
            'SELECT MAX(uid) AS top FROM uids WHERE uid >= ?'
          ).get(orderedFrom) as { top: number | null };
          uid = top.top === null ? orderedFrom : top.top + 1;
          if (uid > MAX_UID) {
            throw new Error(`no free uid for ${lmsKey}`);
          }
        }
        this._stmt(
          'INSERT INTO uids (uid, lms_key, created_at) VALUES (?, ?, ?)'
        ).run(uid, lmsKey, now);
        return uid;
      })
      .immediate();
  }

  getUser(name: string): IUserRecord | null {
    const row = this._stmt('SELECT * FROM users WHERE name = ?').get(
      name
    ) as IUserRow;
    return row ? toUser(row) : null;
  }

  getUserByLmsKey(lmsKey: string): IUserRecord | null {
    const row = this._stmt('SELECT * FROM users WHERE lms_key = ?').get(
      lmsKey
    ) as IUserRow;
    return row ? toUser(row) : null;
  }

  listUsers(): IUserRecord[] {
    return (
      this._stmt('SELECT * FROM users ORDER BY name').all() as IUserRow[]
    ).map(toUser);
  }

  deleteUser(name: string): boolean {
    this._generation++;
    return (
      this._stmt('DELETE FROM users WHERE name = ?').run(name).changes === 1
    );
  }

  recordLaunch(launch: Omit<ILaunchRecord, 'id'>): ILaunchRecord {
    const info = this._stmt(
      `INSERT INTO launches (user_name, consumer_key, context_id, resource_link_id, spec_hash, spec, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`
    ).run(
      launch.userName,
      launch.consumerKey,
      launch.contextId,
      launch.resourceLinkId,
      launch.specHash,
      JSON.stringify(launch.spec),
      launch.createdAt
    );
    return { ...launch, id: Number(info.lastInsertRowid) };
  }

  latestLaunch(userName: string): ILaunchRecord | null {
    const row = this._stmt(
      'SELECT * FROM launches WHERE user_name = ? ORDER BY id DESC LIMIT 1'
    ).get(userName) as ILaunchRow;
    return row
      ? {
          id: row.id,
          userName: row.user_name,
          consumerKey: row.consumer_key,
          contextId: row.context_id,
          resourceLinkId: row.resource_link_id,
          specHash: row.spec_hash,
          spec: JSON.parse(row.spec),
          createdAt: row.created_at
        }
      : null;
  }

  putServer(s: IServerRecord): void {
    this._generation++;
    this._stmt(
      `INSERT INTO servers (user_name, backend, state, url, pid, token, spec_hash, launch_id, started_at, last_activity_at, data)
       VALUES (@userName, @backend, @state, @url, @pid, @token, @specHash, @launchId, @startedAt, @lastActivityAt, @data)
       ON CONFLICT(user_name) DO UPDATE SET
         backend = excluded.backend, state = excluded.state, url = excluded.url, pid = excluded.pid,
         token = excluded.token, spec_hash = excluded.spec_hash, launch_id = excluded.launch_id,
         started_at = excluded.started_at, last_activity_at = excluded.last_activity_at, data = excluded.data`
    ).run({ ...s, data: JSON.stringify(s.data) });
  }

  getServer(userName: string): IServerRecord | null {
    const row = this._stmt('SELECT * FROM servers WHERE user_name = ?').get(
      userName
    ) as IServerRow;
    return row ? toServer(row) : null;
  }

  listServers(): IServerRecord[] {
    return (
      this._stmt(
        'SELECT * FROM servers ORDER BY user_name'
      ).all() as IServerRow[]
    ).map(toServer);
  }

  deleteServer(userName: string): boolean {
    this._generation++;
    return (
      this._stmt('DELETE FROM servers WHERE user_name = ?').run(userName)
        .changes === 1
    );
  }

  touchServer(userName: string, at: number): void {
    this._stmt(
      'UPDATE servers SET last_activity_at = MAX(last_activity_at, ?) WHERE user_name = ?'
    ).run(at, userName);
  }

  createSession(
    userName: string,
    launchId: number | null,
    ttlMs: number,
    now: number
  ): string {
    const id = randomBytes(32).toString('base64url');
    this._stmt(
      'INSERT INTO sessions (id_hash, user_name, launch_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'
    ).run(hashId(id), userName, launchId, now, now + ttlMs);
    return id;
  }

  getSession(id: string, now: number): ISessionRecord | null {
    const row = this._stmt(
      'SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?'
    ).get(hashId(id), now) as ISessionRow;
    return row
      ? {
          userName: row.user_name,
          launchId: row.launch_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at
        }
      : null;
  }

  deleteSession(id: string): boolean {
    this._generation++;
    return (
      this._stmt('DELETE FROM sessions WHERE id_hash = ?').run(hashId(id))
        .changes === 1
    );
  }

  deleteUserSessions(userName: string): number {
    this._generation++;
    return this._stmt('DELETE FROM sessions WHERE user_name = ?').run(userName)
      .changes;
  }

  purgeExpired(now: number): { nonces: number; sessions: number } {
    const nonces = this._stmt('DELETE FROM nonces WHERE expires_at <= ?').run(
      now
    ).changes;
    const sessions = this._stmt(
      'DELETE FROM sessions WHERE expires_at <= ?'
    ).run(now).changes;
    if (sessions) {
      this._generation++;
    }
    return { nonces, sessions };
  }

  close(): void {
    if (this._db.open) {
      this._db.close();
    }
  }

  private _migrate(): void {
    const version = this.schemaVersion;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${this.path} has schema version ${version}, newer than this hub (${MIGRATIONS.length}).`
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this._db.transaction(() => {
        this._db.exec(MIGRATIONS[v]!);
        this._db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private _stmt(sql: string): Database.Statement {
    let stmt = this._statements.get(sql);
    if (!stmt) {
      stmt = this._db.prepare(sql);
      this._statements.set(sql, stmt);
    }
    return stmt;
  }

  private _db: Database.Database;
  private _generation = 0;
  private _statements = new Map<string, Database.Statement>();
}

interface IUserRow {
  name: string;
  lms_key: string;
  lms_username: string;
  consumer_key: string;
  is_teacher: number;
  created_at: number;
  last_launch_at: number;
}

interface ILaunchRow {
  id: number;
  user_name: string;
  consumer_key: string;
  context_id: string;
  resource_link_id: string;
  spec_hash: string;
  spec: string;
  created_at: number;
}

interface IServerRow {
  user_name: string;
  backend: string;
  state: IServerRecord['state'];
  url: string | null;
  pid: number | null;
  token: string | null;
  spec_hash: string;
  launch_id: number | null;
  started_at: number;
  last_activity_at: number;
  data: string;
}

interface ISessionRow {
  id_hash: string;
  user_name: string;
  launch_id: number | null;
  created_at: number;
  expires_at: number;
}

function toUser(row: IUserRow): IUserRecord {
  return {
    name: row.name,
    lmsKey: row.lms_key,
    lmsUsername: row.lms_username,
    consumerKey: row.consumer_key,
    isTeacher: row.is_teacher === 1,
    createdAt: row.created_at,
    lastLaunchAt: row.last_launch_at
  };
}

function toServer(row: IServerRow): IServerRecord {
  return {
    userName: row.user_name,
    backend: row.backend,
    state: row.state,
    url: row.url,
    pid: row.pid,
    token: row.token,
    specHash: row.spec_hash,
    launchId: row.launch_id,
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    data: JSON.parse(row.data)
  };
}

function hashId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}
