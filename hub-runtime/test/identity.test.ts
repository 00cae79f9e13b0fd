/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import {
  HttpError,
  SqliteStore,
  isListed,
  normalizeUsername,
  resolveIdentity,
  rolesIncludeTeacher,
  usernameCandidates
} from '../src/index.js';

import { exampleParams, tempDir } from './helpers.js';

describe('identity', () => {
  it('takes ext_user_username, lower-cased', () => {
    const id = resolveIdentity(
      exampleParams({ ext_user_username: 'S1234567' }),
      'ltilab'
    );
    assert.equal(id.lmsUsername, 's1234567');
    assert.equal(id.candidates[0], 's1234567');
    assert.equal(id.lmsKey, 'ltilab:812');
    assert.equal(id.lmsUserId, '812');
  });

  it('falls back to user_id, or refuses when the fallback is off', () => {
    const params = exampleParams({ ext_user_username: undefined });
    assert.equal(resolveIdentity(params, 'k').candidates[0], '812');
    assert.equal(
      resolveIdentity(params, 'k', { usernameKey: 'lis_person_sourcedid' })
        .candidates[0],
      '812'
    );
    assert.throws(
      () => resolveIdentity(params, 'k', { fallbackKey: null }),
      (e: unknown) =>
        e instanceof HttpError &&
        e.status === 400 &&
        e.reason === 'missing_username'
    );
  });

  it('normalises to a safe name', () => {
    assert.equal(
      normalizeUsername('Taro.Yamada@Example.edu'),
      'taro.yamada-example.edu'
    );
    assert.equal(normalizeUsername('../../etc/passwd'), 'etc-passwd');
    assert.equal(normalizeUsername('-rf'), 'rf');
    assert.equal(normalizeUsername('.hidden'), 'hidden');
    assert.equal(normalizeUsername('a  b'), 'a-b');
    assert.equal(normalizeUsername('ｆｕｌｌ'), 'full');
    assert.equal(normalizeUsername('山田'), '');
  });

  it('adds a hash of the LMS identity when normalisation changed the name', () => {
    const [first] = usernameCandidates('a b', 'k:1');
    assert.match(first!, /^a-b-[0-9a-f]{6}$/);
    assert.notEqual(first, usernameCandidates('a+b', 'k:2')[0]);
    assert.equal(first, usernameCandidates('a b', 'k:1')[0], 'deterministic');
    assert.match(usernameCandidates('山田', 'k:3')[0]!, /^user-[0-9a-f]{6}$/);
    const long = usernameCandidates('x'.repeat(40), 'k:4');
    assert.ok(long.every(c => c.length <= 32));
    assert.match(long[0]!, /^x{25}-[0-9a-f]{6}$/);
  });

  it('recognises teachers by role, short or LIS URN', () => {
    const yes = [
      'Instructor',
      'Learner,Instructor',
      'urn:lti:role:ims/lis/Instructor',
      'urn:lti:instrole:ims/lis/Administrator',
      'urn:lti:sysrole:ims/lis/Administrator',
      'urn:lti:role:ims/lis/Instructor/TeachingAssistant',
      'administrator'
    ];
    const no = [
      'Learner',
      'urn:lti:role:ims/lis/Learner',
      'urn:lti:role:ims/lis/Learner/Instructor',
      'ContentDeveloper',
      'urn:x:Instructor',
      ''
    ];
    for (const roles of yes) {
      assert.ok(
        resolveIdentity(exampleParams({ roles }), 'k').teacherByRole,
        roles
      );
    }
    for (const roles of no) {
      assert.ok(!rolesIncludeTeacher(roles.split(',')), roles);
    }
  });

  it('matches lms_teachers lists, with the dash Moodle drops', () => {
    assert.ok(isListed(['yamada'], 'Yamada'));
    assert.ok(isListed(['jeanluc'], 'jean-luc'));
    assert.ok(!isListed(['yamada'], 'yamada2'));
  });

  describe('names bound in the store', () => {
    const dir = tempDir();
    const store = new SqliteStore(dir.path);
    after(() => {
      store.close();
      dir.remove();
    });

    function bind(
      username: string,
      userId: string,
      consumer = 'ltilab'
    ): string {
      const id = resolveIdentity(
        exampleParams({ ext_user_username: username, user_id: userId }),
        consumer
      );
      return store.bindUser(
        { ...id, consumerKey: consumer, isTeacher: false },
        1000
      ).name;
    }

    it('never maps two LMS users to one name', () => {
      const names = [
        bind('Alice', '1'),
        bind('alice', '2'),
        bind('a b', '3'),
        bind('a+b', '4'),
        bind('a-b', '5'),
        bind('alice', '1', 'other-moodle')
      ];
      assert.equal(new Set(names).size, names.length, names.join(' '));
      assert.equal(names[0], 'alice');
      assert.match(names[1]!, /^alice-[0-9a-f]{6}$/);
    });

    it('gives a user the same name on every launch', () => {
      const first = bind('carol', '10');
      assert.equal(bind('carol', '10'), first);
      // Renamed in Moodle: the hub name (and so the home) stays.
      assert.equal(bind('carol2', '10'), first);
    });

    it('steps past a name someone else took, even a suffixed one', () => {
      const id = resolveIdentity(
        exampleParams({ ext_user_username: 'dave', user_id: '20' }),
        'ltilab'
      );
      const squatter = usernameCandidates('dave', 'ltilab:20')[1]!; // dave-<hash6>
      assert.equal(bind(squatter, '21'), squatter);
      assert.equal(bind('dave', '22'), 'dave');
      const name = store.bindUser(
        { ...id, consumerKey: 'ltilab', isTeacher: false },
        1
      ).name;
      assert.equal(name, id.candidates[2]);
    });
  });
});
