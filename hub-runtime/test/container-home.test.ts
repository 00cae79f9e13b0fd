/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The container backend's host-side preparation of homes and volumes, on a
 * real file system (it sets owners, so it runs as root, as the hub does).
 */

import assert from 'node:assert/strict';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { planVolumes, prepareContainerHome } from '../src/index.js';

import { tempDir } from './helpers.js';
import { target } from './spawn-helpers.js';

const HOST = 'lms.example.edu';
const TASK = `lms_vol_materials_57_${HOST}`;
const SUBMIT = `lms_sub_homework1_57_${HOST}`;
const PERSONAL = `lms_prs_materials_57_${HOST}`;
const isRoot = process.getuid?.() === 0;

describe(
  'prepareContainerHome',
  { skip: !isRoot && 'sets owners: runs as root only' },
  () => {
    it('lays out the predecessor volumes, seeds without overwriting and never follows links', () => {
      const dir = tempDir();
      try {
        const storage = join(dir.path, 'storage');
        const task = join(storage, 'volumes', TASK);
        mkdirSync(join(task, 'week1'), { recursive: true });
        writeFileSync(join(task, 'lesson.txt'), 'v1');
        writeFileSync(join(task, 'week1', 'ex.txt'), 'ex');
        symlinkSync('/etc/passwd', join(task, 'evil'));
        const t = target('s1');
        const mounts = planVolumes(t.request, t.user, 0);
        const warnings: string[] = [];
        const prepare = (): ReturnType<typeof prepareContainerHome> =>
          prepareContainerHome(storage, 's1', t.account, mounts, e =>
            warnings.push(e)
          );

        const layout = prepare();
        const home = join(storage, 'homes', 'others', 's1');
        const works = join(home, 'jupyter', 'works');
        const inside = '/home/others/s1/jupyter/works/.volumes';
        assert.deepEqual(layout.binds, [
          `${home}:/home/others/s1:rw`,
          `${task}:${inside}/${TASK}:ro`,
          `${join(storage, 'volumes', SUBMIT)}:${inside}/${SUBMIT}:rw`
        ]);
        const own = join(works, '.volumes', PERSONAL);
        assert.equal(readFileSync(join(own, 'lesson.txt'), 'utf8'), 'v1');
        assert.equal(readFileSync(join(own, 'week1', 'ex.txt'), 'utf8'), 'ex');
        assert.equal(lstatSync(join(own, 'lesson.txt')).uid, 30812);
        assert.throws(() => lstatSync(join(own, 'evil')), /ENOENT/);
        assert.equal(
          readlinkSync(join(works, 'MyWork')),
          `.volumes/${PERSONAL}`
        );
        assert.equal(readlinkSync(join(works, 'Submit')), `.volumes/${SUBMIT}`);
        // -Materials is a teacher-only link.
        assert.throws(() => lstatSync(join(works, 'Materials')), /ENOENT/);
        const box = lstatSync(join(storage, 'volumes', SUBMIT));
        assert.equal(box.mode & 0o7777, 0o3777);
        assert.equal(box.gid, 7000);
        assert.equal(lstatSync(task).mode & 0o7777, 0o2775);
        assert.equal(lstatSync(home).mode & 0o7777, 0o700);
        assert.equal(lstatSync(home).uid, 30812);

        // The student's edits survive; what the task gained is copied.
        writeFileSync(join(own, 'lesson.txt'), 'mine');
        writeFileSync(join(task, 'lesson.txt'), 'v2');
        writeFileSync(join(task, 'new.txt'), 'new');
        // Links the user planted are replaced, never followed.
        const outside = join(dir.path, 'outside');
        mkdirSync(outside);
        rmSync(join(works, '.volumes'), { recursive: true });
        symlinkSync(outside, join(works, '.volumes'));
        symlinkSync('.volumes/gone', join(works, 'Old'));
        prepare();
        assert.ok(lstatSync(join(works, '.volumes')).isDirectory());
        assert.equal(lstatSync(outside).uid, 0);
        assert.equal(readFileSync(join(own, 'new.txt'), 'utf8'), 'new');
        assert.throws(() => lstatSync(join(works, 'Old')), /ENOENT/);

        writeFileSync(join(own, 'lesson.txt'), 'mine');
        writeFileSync(join(task, 'lesson.txt'), 'v3');
        prepare();
        assert.equal(readFileSync(join(own, 'lesson.txt'), 'utf8'), 'mine');
        assert.deepEqual(warnings, []);
      } finally {
        dir.remove();
      }
    });
  }
);
