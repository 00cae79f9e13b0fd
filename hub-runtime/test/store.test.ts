/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { SqliteStore, type IServerRecord } from '../src/index.js';

import { tempDir } from './helpers.js';

describe('SqliteStore', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  beforeEach(() => {
    dir = tempDir();
    store = new SqliteStore(join(dir.path, 'data'));
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const binding = (name: string, key: string) => ({
    lmsKey: key,
    lmsUsername: name,
    consumerKey: 'k',
    candidates: [name],
    isTeacher: false
  });

  it('creates a private data directory and database', () => {
    assert.equal(statSync(join(dir.path, 'data')).mode & 0o777, 0o700);
    assert.equal(statSync(store.path).mode & 0o777, 0o600);
    assert.equal(store.schemaVersion, 2);
  });

  it('keeps its state across a reopen', () => {
    store.bindUser(binding('s1', 'k:1'), 10);
    const launch = store.recordLaunch({
      userName: 's1',
      consumerKey: 'k',
      contextId: '57',
      resourceLinkId: '21',
      specHash: 'abc',
      spec: { image: 'x', volumes: [1, 2] },
      createdAt: 11
    });
    assert.ok(store.claimNonce('k', 100, 'n', 5000));
    store.close();
    store = new SqliteStore(join(dir.path, 'data'));
    assert.equal(store.getUser('s1')!.lmsKey, 'k:1');
    assert.deepEqual(store.latestLaunch('s1'), launch);
    assert.ok(store.hasNonce('k', 100, 'n'));
    assert.equal(store.schemaVersion, 2);
  });

  it('grants each LMS identity its own UID for good', () => {
    const from = 1_000_030_000;
    assert.equal(store.grantUid('a:5', 30005, from, 1), 30005);
    // The same wish from another identity is not granted twice.
    assert.equal(store.grantUid('b:5', 30005, from, 1), from);
    assert.equal(store.grantUid('a:abc', null, from, 1), from + 1);
    // Asking again answers the same, whatever the wish is now.
    assert.equal(store.grantUid('a:5', 40005, from, 2), 30005);
    assert.equal(store.grantUid('b:5', null, from, 2), from);
    // A UID wished for inside the ordered range pushes the order past it.
    assert.equal(store.grantUid('x:ext', from + 7, from, 3), from + 7);
    assert.equal(store.grantUid('a:xyz', null, from, 3), from + 8);
    store.close();
    store = new SqliteStore(join(dir.path, 'data'));
    assert.equal(store.grantUid('a:abc', null, from, 4), from + 1);
    assert.equal(store.grantUid('a:new', null, from, 4), from + 9);
    // Never past 2^31 - 2.
    const last = 2 ** 31 - 2;
    assert.equal(store.grantUid('z:1', null, last, 5), last);
    assert.throws(() => store.grantUid('z:2', null, last, 5), /no free uid/);
  });

  it('claims a nonce once and purges it after expiry', () => {
    assert.equal(store.hasNonce('k', 1, 'n'), false);
    assert.equal(store.claimNonce('k', 1, 'n', 2000), true);
    assert.equal(store.claimNonce('k', 1, 'n', 2000), false);
    assert.equal(store.claimNonce('k2', 1, 'n', 2000), true, 'per consumer');
    assert.equal(store.claimNonce('k', 2, 'n', 2000), true, 'per timestamp');
    assert.deepEqual(store.purgeExpired(1999), { nonces: 0, sessions: 0 });
    assert.deepEqual(store.purgeExpired(2000), { nonces: 3, sessions: 0 });
    assert.equal(store.hasNonce('k', 1, 'n'), false);
  });

  it('updates the teacher flag and last launch of a known user', () => {
    store.bindUser(binding('s1', 'k:1'), 10);
    const again = store.bindUser(
      { ...binding('s1', 'k:1'), isTeacher: true },
      20
    );
    assert.equal(again.isTeacher, true);
    assert.equal(again.createdAt, 10);
    assert.equal(again.lastLaunchAt, 20);
    assert.deepEqual(
      store.listUsers().map(u => u.name),
      ['s1']
    );
    assert.throws(
      () => store.bindUser(binding('s1', 'k:2'), 30),
      /no free user name/
    );
  });

  it('stores servers and their activity', () => {
    store.bindUser(binding('s1', 'k:1'), 10);
    const server: IServerRecord = {
      userName: 's1',
      backend: 'local',
      state: 'starting',
      url: 'http://127.0.0.1:40000/user/s1/',
      pid: 1234,
      token: 'server-token',
      specHash: 'abc',
      launchId: null,
      startedAt: 100,
      lastActivityAt: 100,
      data: { port: 40000 }
    };
    store.putServer(server);
    store.putServer({ ...server, state: 'running' });
    store.touchServer('s1', 500);
    store.touchServer('s1', 300);
    assert.deepEqual(store.getServer('s1'), {
      ...server,
      state: 'running',
      lastActivityAt: 500
    });
    assert.equal(store.listServers().length, 1);
    assert.equal(store.deleteServer('s1'), true);
    assert.equal(store.getServer('s1'), null);
  });

  it('keeps only a hash of session ids, and expires sessions', () => {
    store.bindUser(binding('s1', 'k:1'), 10);
    const id = store.createSession('s1', null, 1000, 5000);
    assert.match(id, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(store.getSession(id, 5999), {
      userName: 's1',
      launchId: null,
      createdAt: 5000,
      expiresAt: 6000
    });
    assert.equal(store.getSession(id, 6000), null);
    assert.equal(store.getSession(id + 'x', 5000), null);
    store.close();
    const raw =
      readFileSync(store.path).toString('latin1') + readWal(store.path);
    assert.ok(!raw.includes(id), 'the raw session id is not stored');
    store = new SqliteStore(join(dir.path, 'data'));
    assert.deepEqual(store.purgeExpired(6000), { nonces: 0, sessions: 1 });
  });

  it('deletes a user with their sessions, launches and server', () => {
    store.bindUser(binding('s1', 'k:1'), 10);
    const id = store.createSession('s1', null, 1000, 0);
    store.recordLaunch({
      userName: 's1',
      consumerKey: 'k',
      contextId: '',
      resourceLinkId: '',
      specHash: '',
      spec: {},
      createdAt: 0
    });
    assert.equal(store.deleteUser('s1'), true);
    assert.equal(store.getSession(id, 1), null);
    assert.equal(store.latestLaunch('s1'), null);
    assert.equal(store.deleteUser('s1'), false);
  });
});

function readWal(path: string): string {
  try {
    return readFileSync(path + '-wal').toString('latin1');
  } catch {
    return '';
  }
}
