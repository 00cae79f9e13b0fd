/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_SPAWN_POLICY,
  SpawnRequestError,
  describeSpawnRequest,
  globMatch,
  normalizeImage,
  parseLmsNumber,
  parseSpawnRequest,
  spawnSpecHash,
  type ISpawnPolicy,
  type ISpawnRequest
} from '../src/index.js';

import { exampleParams } from './helpers.js';

const POLICY: ISpawnPolicy = {
  ...DEFAULT_SPAWN_POLICY,
  imageAllowlist: ['example/*:*', 'ltilab/notebook:2026.?']
};

function parse(
  overrides: Record<string, string | undefined> = {},
  policy = POLICY
): ISpawnRequest {
  return parseSpawnRequest(exampleParams(overrides), policy);
}

function problems(
  overrides: Record<string, string | undefined>,
  policy = POLICY
): string[] {
  try {
    parse(overrides, policy);
  } catch (e) {
    assert.ok(e instanceof SpawnRequestError);
    assert.equal(e.status, 400);
    assert.equal(e.reason, 'bad_custom_param');
    return [...e.problems];
  }
  assert.fail('expected a SpawnRequestError');
}

describe('parseSpawnRequest', () => {
  it('parses the worked example', () => {
    const req = parse();
    assert.equal(req.image, 'example/jupyterhub-python:2026.1');
    assert.equal(req.cpuLimit, 2);
    assert.equal(req.memLimit, 2147483648);
    assert.equal(req.actLimit, 7200);
    assert.equal(req.defaultUrl, '/lab');
    assert.deepEqual(req.users, ['*']);
    assert.deepEqual(req.teachers, ['yamada']);
    assert.equal(req.iframe, true);
    assert.deepEqual(req.session, { instanceId: 4, ltiId: 21 });
    assert.equal(req.course, 'Programming I');
    assert.equal(req.ltiName, 'Python Lab');
    assert.equal(req.rpcToken, '9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d');
    assert.equal(req.serverUrl, 'https://lms.example.edu');
    assert.equal(req.serverPath, '/moodle');
    assert.deepEqual(req.context, {
      contextId: '57',
      resourceLinkId: '21',
      lmsHost: 'lms.example.edu'
    });
    assert.deepEqual(req.warnings, []);
    assert.deepEqual(
      req.volumes.map(v => [
        v.kind,
        v.volumeName,
        v.access,
        v.linkName,
        v.teacherOnly,
        v.closesAt
      ]),
      [
        [
          'task',
          'lms_vol_materials_57_lms.example.edu',
          '-Materials',
          'Materials',
          true,
          null
        ],
        [
          'submit',
          'lms_sub_homework1_57_lms.example.edu',
          'Submit',
          'Submit',
          false,
          1790780340
        ],
        [
          'personal',
          'lms_prs_materials_57_lms.example.edu',
          'MyWork',
          'MyWork',
          false,
          null
        ]
      ]
    );
    assert.equal(
      req.volumes[2]!.seedFrom,
      'lms_vol_materials_57_lms.example.edu'
    );
  });

  it('uses the policy defaults when parameters are absent or empty', () => {
    const req = parse({
      custom_lms_image: undefined,
      custom_lms_cpulimit: '',
      custom_lms_memlimit: undefined,
      custom_lms_actlimit: undefined,
      custom_lms_defurl: undefined,
      custom_lms_sessioninfo: undefined,
      custom_lms_iframe: undefined
    });
    assert.equal(req.image, null);
    assert.equal(req.cpuLimit, 1);
    assert.equal(req.memLimit, 500 * 1024 * 1024);
    assert.equal(req.actLimit, 6000);
    assert.equal(req.defaultUrl, '/lab');
    assert.deepEqual(req.session, { instanceId: 0, ltiId: 0 });
    assert.equal(req.iframe, false);
    const withDefault = parse(
      { custom_lms_image: undefined },
      { ...POLICY, defaultImage: 'ltilab/notebook:2026.1' }
    );
    assert.equal(withDefault.image, 'ltilab/notebook:2026.1');
  });

  describe('image', () => {
    it('normalises repo : tag and checks the allowlist with patterns', () => {
      assert.equal(
        parse({ custom_lms_image: 'Example/Base : Latest' }).image,
        'example/base:latest'
      );
      assert.equal(
        parse({ custom_lms_image: 'ltilab/notebook:2026.2' }).image,
        'ltilab/notebook:2026.2'
      );
      assert.match(
        problems({ custom_lms_image: 'ltilab/notebook:2026.10' })[0]!,
        /not allowed/
      );
      assert.match(
        problems({ custom_lms_image: 'evil/miner:1' })[0]!,
        /custom_lms_image: the image "evil\/miner:1" is not allowed/
      );
      assert.match(
        problems({}, { ...POLICY, imageAllowlist: [] })[0]!,
        /does not let activities choose an image/
      );
    });

    it('refuses what is not an image reference', () => {
      for (const bad of [
        '../etc/passwd',
        'example/a;rm',
        'example/UP PER:tag:x',
        '-x/y',
        'a//b'
      ]) {
        assert.match(
          problems({ custom_lms_image: bad })[0]!,
          /is not an image name/,
          bad
        );
      }
    });

    it('knows registries, tags and digests', () => {
      assert.equal(normalizeImage('example/base'), 'example/base:latest');
      assert.equal(
        normalizeImage('registry.local:5000/a/b:1.0'),
        'registry.local:5000/a/b:1.0'
      );
      assert.equal(normalizeImage('localhost/a'), 'localhost/a:latest');
      const digest = '@sha256:' + 'a'.repeat(64);
      assert.equal(normalizeImage('a/b' + digest), 'a/b' + digest);
      assert.equal(normalizeImage('a/b@sha256:xyz'), null);
      assert.ok(globMatch('example/*:*', 'example/x/y:1'));
      assert.ok(!globMatch('example/*:1', 'example/x:10'));
      assert.ok(!globMatch('a.b', 'axb'));
    });
  });

  describe('limits', () => {
    it('reads the predecessor number syntax', () => {
      assert.equal(parseLmsNumber('1,073,741,824'), 1073741824);
      assert.equal(parseLmsNumber('2147483648'), 2147483648);
      assert.equal(parseLmsNumber('0.5'), 0.5);
      assert.equal(parseLmsNumber(' 1,024 '), 1024);
      for (const bad of [
        '1,0',
        '1,0000',
        '1e9',
        '-1',
        '0x10',
        '',
        '1.',
        '.5',
        'one'
      ]) {
        assert.equal(parseLmsNumber(bad), null, bad);
      }
    });

    it('accepts the reference ranges', () => {
      for (const cpu of ['0', '0.1', '0.5', '1', '10']) {
        parse({ custom_lms_cpulimit: cpu });
      }
      assert.equal(
        parse({ custom_lms_memlimit: '1,073,741,824' }).memLimit,
        1073741824
      );
      assert.equal(parse({ custom_lms_memlimit: '0' }).memLimit, 0);
      for (const act of [
        0, 1800, 3600, 5400, 6000, 7200, 10800, 18000, 28800, 43200, 86400,
        172800, 345600, 604800, 1209600, 2419200
      ]) {
        assert.equal(parse({ custom_lms_actlimit: String(act) }).actLimit, act);
      }
      assert.equal(
        parse({ custom_lms_cpugrnt: '0.5', custom_lms_memgrnt: '268,435,456' })
          .memGuarantee,
        268435456
      );
    });

    it('refuses absurd limits', () => {
      assert.match(
        problems({ custom_lms_cpulimit: '11' })[0]!,
        /custom_lms_cpulimit: "11" must be 0 \(no limit\) or between 0.1 and 10/
      );
      assert.match(
        problems({ custom_lms_cpulimit: '0.05' })[0]!,
        /between 0.1 and 10/
      );
      assert.match(
        problems({ custom_lms_cpulimit: 'lots' })[0]!,
        /must be a number of CPUs/
      );
      assert.match(
        problems({ custom_lms_memlimit: '1,024' })[0]!,
        /custom_lms_memlimit: "1,024" must be 0/
      );
      assert.match(
        problems({ custom_lms_memlimit: '999,999,999,999,999' })[0]!,
        /custom_lms_memlimit/
      );
      assert.match(
        problems({ custom_lms_memlimit: '1.5' })[0]!,
        /whole number of bytes/
      );
      assert.match(
        problems({ custom_lms_actlimit: '10' })[0]!,
        /custom_lms_actlimit/
      );
      assert.match(
        problems({ custom_lms_actlimit: '99999999' })[0]!,
        /custom_lms_actlimit/
      );
      // Every problem is reported at once.
      assert.equal(
        problems({
          custom_lms_cpulimit: '99',
          custom_lms_memlimit: 'x',
          custom_lms_defurl: '/x'
        }).length,
        3
      );
    });
  });

  it('accepts /lab and /tree only as the default URL', () => {
    assert.equal(parse({ custom_lms_defurl: '/tree' }).defaultUrl, '/tree');
    assert.match(
      problems({ custom_lms_defurl: 'https://evil.example/' })[0]!,
      /must be \/lab or \/tree/
    );
  });

  it('reads user and teacher lists separated by commas or spaces', () => {
    const req = parse({
      custom_lms_users: 'S1, s2 s3,,s1',
      custom_lms_teachers: 'yamada suzuki'
    });
    assert.deepEqual(req.users, ['s1', 's2', 's3']);
    assert.deepEqual(req.teachers, ['yamada', 'suzuki']);
    assert.match(
      problems({ custom_lms_users: 'a;b' })[0]!,
      /custom_lms_users: not user names: "a;b"/
    );
  });

  describe('volumes', () => {
    it('refuses traversal and slashes in volume names', () => {
      assert.match(
        problems({ 'custom_lms_vol_../../etc': 'X' })[0]!,
        /must not contain slashes or "\.\."/
      );
      assert.match(
        problems({ 'custom_lms_sub_a/b': 'X' })[0]!,
        /must not contain slashes/
      );
      assert.match(
        problems({ 'custom_lms_prs_A.b': 'X' })[0]!,
        /may only contain a-z, 0-9 and _/
      );
      assert.match(problems({ custom_lms_vol_: 'X' })[0]!, /custom_lms_vol_:/);
    });

    it('refuses traversal and slashes in access names', () => {
      for (const bad of [
        '../x',
        'a/b',
        '-..',
        '..',
        'a\\b',
        'a b',
        '--x',
        '<x>'
      ]) {
        const p = problems({ custom_lms_vol_materials: bad });
        assert.match(p[0]!, /custom_lms_vol_materials: the access name/, bad);
      }
      assert.equal(
        parse({ custom_lms_vol_materials: '課題_1.v2' }).volumes[0]!.linkName,
        '課題_1.v2'
      );
    });

    it('applies the leading - rule per kind', () => {
      const req = parse({
        custom_lms_sub_homework1: '-Submit',
        custom_lms_prs_materials: '-Mine'
      });
      const byKind = Object.fromEntries(req.volumes.map(v => [v.kind, v]));
      assert.equal(byKind.task!.teacherOnly, true);
      assert.equal(byKind.personal!.teacherOnly, true);
      assert.equal(byKind.personal!.linkName, 'Mine');
      assert.equal(byKind.submit!.teacherOnly, false);
      assert.equal(byKind.submit!.linkName, 'Submit');
      assert.equal(byKind.submit!.access, '-Submit');
    });

    it('reads per-volume user lists and skips empty access names', () => {
      const req = parse({
        custom_lms_vol_materials: 'Materials:s1,s2 ,*',
        custom_lms_prs_materials: ':s1'
      });
      assert.deepEqual(req.volumes[0]!.users, ['s1', 's2', '*']);
      assert.equal(
        req.volumes.find(v => v.kind === 'personal'),
        undefined
      );
      assert.deepEqual(req.warnings, [
        'custom_lms_prs_materials: empty access name, volume skipped.'
      ]);
      assert.equal(
        parse({ custom_lms_vol_materials: 'M:' }).volumes[0]!.users,
        null
      );
      assert.match(
        problems({ custom_lms_vol_materials: 'M:a&b' })[0]!,
        /user list/
      );
    });

    it('needs the course id and the Moodle host', () => {
      assert.match(problems({ context_id: undefined })[0]!, /context_id/);
      assert.match(
        problems({ context_id: '../57' })[0]!,
        /context_id: must be a plain identifier/
      );
      const noHost = problems({
        lis_outcome_service_url: undefined,
        custom_lms_serverurl: undefined
      });
      assert.match(noHost[0]!, /Moodle host/);
      // lms_serverurl is the fallback host.
      const req = parse({
        lis_outcome_service_url: undefined,
        custom_lms_serverurl: 'https://moodle.example.org:8443'
      });
      assert.equal(req.context.lmsHost, 'moodle.example.org');
      assert.equal(
        req.volumes[0]!.volumeName,
        'lms_vol_materials_57_moodle.example.org'
      );
    });

    it('closes submit volumes, including names Moodle normalised differently', () => {
      // mod_lticontainer writes the close key from the raw name "Home work";
      // Moodle turns it into home_work, while the volume is homework.
      const req = parse({
        custom_lms_sub_homework1_close: undefined,
        custom_lms_sub_homework: 'HW',
        custom_lms_sub_home_work_close: '1790000000',
        custom_lms_sub_report_close: '1795000000'
      });
      const hw = req.volumes.find(v => v.key === 'lms_sub_homework')!;
      assert.equal(hw.closesAt, 1790000000);
      assert.equal(
        req.volumes.find(v => v.key === 'lms_sub_homework1')!.closesAt,
        null
      );
      assert.deepEqual(req.warnings, [
        'custom_lms_sub_report_close: no submit volume of that name, ignored.'
      ]);
      assert.match(
        problems({ custom_lms_sub_homework1_close: 'tomorrow' })[0]!,
        /must be a Unix time/
      );
    });
  });

  it('reads sessioninfo and refuses malformed values', () => {
    assert.deepEqual(parse({ custom_lms_sessioninfo: ' 12 , 34 ' }).session, {
      instanceId: 12,
      ltiId: 34
    });
    for (const bad of ['4', '4,', ',21', '4,21,5', '4;21', 'a,b', '-1,2']) {
      assert.match(
        problems({ custom_lms_sessioninfo: bad })[0]!,
        /custom_lms_sessioninfo: must be two numbers/,
        bad
      );
    }
  });

  it('cleans course and activity names like the predecessor', () => {
    const req = parse({
      custom_lms_course: 'Prog\\ramming\r\n I',
      custom_lms_ltiname: 'Lab ' + 'x'.repeat(300)
    });
    assert.equal(req.course, 'Programming I');
    assert.equal(req.ltiName.length, 200);
  });

  it('checks the feed settings without echoing the token', () => {
    const p = problems({ custom_lms_rpctoken: 'not-a-token-SECRET' });
    assert.match(p[0]!, /custom_lms_rpctoken: must be a hexadecimal/);
    assert.ok(!p.join(' ').includes('SECRET'));
    assert.match(
      problems({ custom_lms_serverurl: 'ftp://lms.example.edu' })[0]!,
      /custom_lms_serverurl/
    );
    assert.match(
      problems({ custom_lms_serverurl: 'https://lms.example.edu/moodle' })[0]!,
      /no path/
    );
    assert.equal(parse({ custom_lms_serverpath: '' }).serverPath, '');
    assert.equal(
      parse({ custom_lms_serverpath: '/moodle/' }).serverPath,
      '/moodle'
    );
    assert.match(
      problems({ custom_lms_serverpath: '/../admin' })[0]!,
      /custom_lms_serverpath/
    );
    assert.match(
      problems({ custom_lms_serverpath: 'moodle' })[0]!,
      /custom_lms_serverpath/
    );
    const described = JSON.stringify(describeSpawnRequest(parse()));
    assert.ok(!described.includes('9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d'));
  });

  it('reads iframe and options, and warns about unknown and obsolete keys', () => {
    assert.equal(parse({ custom_lms_iframe: '0' }).iframe, false);
    assert.match(
      problems({ custom_lms_iframe: 'yes' })[0]!,
      /custom_lms_iframe/
    );
    assert.equal(parse({ custom_lms_options: 'debug' }).options, 'debug');
    assert.match(
      problems({ custom_lms_options: 'two words' })[0]!,
      /single word/
    );
    const req = parse({
      custom_lms_teacher: 'x',
      custom_lms_imagex: 'y',
      custom_other: 'z'
    });
    assert.deepEqual(req.warnings.sort(), [
      'custom_lms_imagex: unknown, ignored.',
      'custom_lms_teacher: obsolete, ignored.'
    ]);
  });

  it('hashes the spec, ignoring the token and iframe', () => {
    const a = spawnSpecHash(parse());
    assert.equal(a, spawnSpecHash(parse()));
    assert.equal(
      a,
      spawnSpecHash(
        parse({
          custom_lms_rpctoken: 'ffffffffffffffffffffffffffffffff',
          custom_lms_iframe: '0'
        })
      )
    );
    assert.notEqual(a, spawnSpecHash(parse({ custom_lms_cpulimit: '1' })));
    assert.notEqual(
      a,
      spawnSpecHash(parse({ custom_lms_vol_materials: 'Materials' }))
    );
  });
});
