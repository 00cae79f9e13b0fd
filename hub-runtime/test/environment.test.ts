/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_SPAWN_POLICY,
  isTeacherFor,
  parseSpawnRequest,
  planVolumes,
  preferredUid,
  resolveAccount,
  resolveIdentity,
  spawnEnvironment
} from '../src/index.js';

import { EXAMPLE_TIMESTAMP, exampleParams } from './helpers.js';

const POLICY = { ...DEFAULT_SPAWN_POLICY, imageAllowlist: ['example/*'] };

/**
 * Everything the spawner computes for one launch of the worked example.
 */
function spawnFor(
  overrides: Record<string, string | undefined>,
  now = EXAMPLE_TIMESTAMP
) {
  const params = exampleParams(overrides);
  const req = parseSpawnRequest(params, {
    ...POLICY,
    imageAllowlist: ['example/*:*']
  });
  const identity = resolveIdentity(params, 'ltilab');
  const name = identity.candidates[0]!;
  const user = {
    name,
    lmsUsername: identity.lmsUsername,
    isTeacher: isTeacherFor(req, identity.teacherByRole, {
      lmsUsername: identity.lmsUsername,
      name
    })
  };
  const account = resolveAccount(params, name, { defaultGid: 1001 });
  const mounts = planVolumes(req, user, now);
  return {
    req,
    user,
    account,
    mounts,
    env: spawnEnvironment(req, user, account, mounts)
  };
}

describe('spawn environment', () => {
  it('matches the worked example for the student', () => {
    const { env, mounts, account } = spawnFor({});
    // seed-systems.md section 8, "Environment".
    const expected: Record<string, string> = {
      NB_USER: 's1234567',
      NB_UID: '30812',
      NB_GROUP: 'others',
      NB_GID: '1001',
      NB_DIR: '/home/others/s1234567',
      NB_WRKDIR: '/home/others/s1234567/jupyter/works',
      NB_TEACHER: '',
      NB_UMASK: '0037',
      NB_ACTLIMIT: '7200',
      NB_HOSTNAME: 'lms.example.edu',
      NB_VOLUMES: '.volumes/lms_vol_materials_57_lms.example.edu:-Materials',
      NB_SUBMITS: '.volumes/lms_sub_homework1_57_lms.example.edu:Submit',
      NB_PRSNALS: '.volumes/lms_prs_materials_57_lms.example.edu:MyWork',
      LTI_CTR_ID: '4',
      LTI_ID: '21',
      LTI_COURSE: 'Programming I',
      LTI_NAME: 'Python Lab'
    };
    for (const [k, v] of Object.entries(expected)) {
      assert.equal(env[k], v, k);
    }
    assert.equal(env.NB_THRGID, '7000');
    assert.equal(env.NB_THRGROUP, 'TEACHER');
    assert.equal(account.home, '/home/others/s1234567');
    // Links in works/: Submit and MyWork, no Materials (teacher-only).
    assert.deepEqual(
      mounts.map(m => [m.spec.kind, m.link, m.access]),
      [
        ['task', null, 'ro'],
        ['submit', 'Submit', 'dropbox'],
        ['personal', 'MyWork', 'private']
      ]
    );
  });

  it('matches the worked example for the teacher yamada', () => {
    const { env, mounts, user } = spawnFor({
      ext_user_username: 'yamada',
      user_id: '5'
    });
    assert.equal(user.isTeacher, true);
    assert.equal(env.NB_TEACHER, 'yamada');
    assert.equal(env.NB_UMASK, '0033');
    assert.equal(env.NB_UID, '30005');
    assert.deepEqual(
      mounts.map(m => [m.spec.kind, m.link, m.access]),
      [
        ['task', 'Materials', 'rw'],
        ['submit', 'Submit', 'rw'],
        ['personal', 'MyWork', 'private']
      ]
    );
  });

  it('stops mounting the submit volume for students after the close time', () => {
    const closed = spawnFor({}, 1790780340);
    assert.equal(closed.env.NB_SUBMITS, '');
    assert.equal(
      closed.mounts.some(m => m.spec.kind === 'submit'),
      false
    );
    const teacher = spawnFor(
      { ext_user_username: 'yamada', user_id: '5' },
      1790780340
    );
    assert.equal(
      teacher.env.NB_SUBMITS,
      '.volumes/lms_sub_homework1_57_lms.example.edu:Submit'
    );
  });

  it('honours lms_users and per-volume user lists, but always mounts for teachers', () => {
    const notListed = spawnFor({ custom_lms_users: 's1 s2' });
    assert.deepEqual(notListed.mounts, []);
    assert.equal(notListed.env.NB_VOLUMES, '');
    const listed = spawnFor({ custom_lms_users: 's1, s1234567' });
    assert.equal(listed.mounts.length, 3);
    const ownList = spawnFor({
      custom_lms_users: '',
      custom_lms_vol_materials: '-Materials:s1234567'
    });
    assert.deepEqual(
      ownList.mounts.map(m => m.spec.kind),
      ['task']
    );
    // The predecessor dropped teachers missing from a volume's own list.
    const teacher = spawnFor({
      ext_user_username: 'yamada',
      user_id: '5',
      custom_lms_users: '',
      custom_lms_vol_materials: '-Materials:s1'
    });
    assert.equal(teacher.mounts.length, 3);
  });

  it('takes the teacher flag from roles too', () => {
    assert.equal(spawnFor({ roles: 'Instructor' }).user.isTeacher, true);
    assert.equal(
      spawnFor({ roles: 'urn:lti:role:ims/lis/Learner' }).user.isTeacher,
      false
    );
  });

  it('never takes a system UID or GID from the launch', () => {
    const params = exampleParams({
      ext_user_userid: '0',
      ext_user_groupid: '0',
      ext_user_groupname: 'root;x'
    });
    const account = resolveAccount(params, 's1234567');
    assert.deepEqual(account, {
      uid: 30812,
      gid: 30000,
      group: 'others',
      home: '/home/others/s1234567'
    });
    const patched = resolveAccount(
      exampleParams({
        ext_user_userid: '2001',
        ext_user_groupid: '3001',
        ext_user_groupname: 'class_a'
      }),
      's1234567',
      { homeRoot: '/srv/home/' }
    );
    assert.deepEqual(patched, {
      uid: 2001,
      gid: 3001,
      group: 'class_a',
      home: '/srv/home/class_a/s1234567'
    });
  });

  it('wishes for the predecessor’s UID only where it is a safe number', () => {
    const wish = (user_id: string, extra: Record<string, string> = {}) =>
      preferredUid(exampleParams({ user_id, ...extra }), 40000);
    assert.equal(wish('812'), 40812);
    assert.equal(wish('0'), 40000);
    assert.equal(wish('999999999'), 1_000_039_999);
    // Not small decimal numbers: the store hands these a UID in order.
    for (const id of [
      'abc',
      '99999999999',
      '1000000000',
      '007',
      '-5',
      '5e3',
      ' '
    ]) {
      assert.equal(wish(id), null, id);
    }
    // A patched Moodle's ext_user_userid, unless it is a system account,
    // nobody, or past 2^31 - 2.
    assert.equal(wish('abc', { ext_user_userid: '2001' }), 2001);
    for (const ext of ['0', '999', '65534', '2147483647', '9999999999']) {
      assert.equal(wish('5', { ext_user_userid: ext }), 40005, ext);
    }
    // uidBase 1000 with user_id 64534 would be nobody.
    assert.equal(preferredUid({ user_id: '64534' }, 1000), null);
  });

  it('refuses to make up a shared UID', () => {
    assert.throws(
      () => resolveAccount(exampleParams({ user_id: 'abc' }), 'abc'),
      /no usable uid for abc/
    );
    assert.equal(
      resolveAccount(exampleParams({ user_id: 'abc' }), 'abc', {
        uid: 1_000_030_000
      }).uid,
      1_000_030_000
    );
    assert.throws(
      () => resolveAccount(exampleParams(), 'x', { uid: 0 }),
      /no usable uid/
    );
  });
});
