/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { nullTranslator } from '@jupyterlab/translation';
import {
  acceptingBoxes,
  boxState,
  deadlineText,
  formatDuration,
  formatSize,
  formatTime,
  latePolicyText,
  receiptText,
  secondsLeft,
  serverClock,
  stateWhenListed,
  teacherView
} from '@ltilab/submit';

import { box, NOW, receipt, whoami } from './fakeserver';

const trans = nullTranslator.load('ltilab');

/**
 * A browser whose clock is an hour fast: the server's clock must win.
 */
const BROWSER_SKEW = 3600 * 1000;
const received = NOW * 1000 + BROWSER_SKEW;
const clock = serverClock(whoami(), received);

describe('@ltilab/submit', () => {
  describe('secondsLeft', () => {
    it('should count from the server clock, not the browser clock', () => {
      const b = box({ close: NOW + 600 });
      expect(secondsLeft(b, clock, received)).toBe(600);
      expect(secondsLeft(b, clock, received + 60_000)).toBe(540);
    });

    it('should be null without a deadline', () => {
      expect(secondsLeft(box({ close: null }), clock, received)).toBeNull();
    });
  });

  describe('boxState', () => {
    it('should tell open, late and closed apart by the late policy', () => {
      const refuse = box({ close: NOW + 10, late_policy: 'refuse' });
      const flag = box({ close: NOW + 10, late_policy: 'flag' });
      expect(boxState(refuse, clock, received)).toBe('open');
      expect(boxState(refuse, clock, received + 11_000)).toBe('closed');
      expect(boxState(flag, clock, received + 11_000)).toBe('late');
      expect(boxState(box({ close: null }), clock, received)).toBe('none');
    });

    it('should read the state a listing reported', () => {
      expect(stateWhenListed(box({ open: false, late_policy: 'flag' }))).toBe(
        'late'
      );
      expect(stateWhenListed(box({ open: false }))).toBe('closed');
      expect(stateWhenListed(box({ close: null }))).toBe('none');
      expect(stateWhenListed(box())).toBe('open');
    });

    it('should offer only boxes that accept a submission now', () => {
      const boxes = [
        box({ id: 'a', close: NOW - 10 }),
        box({ id: 'b', close: NOW - 10, late_policy: 'flag' }),
        box({ id: 'c', available: false }),
        box({ id: 'd', close: null })
      ];
      expect(acceptingBoxes(boxes, clock, received).map(b => b.id)).toEqual([
        'b',
        'd'
      ]);
    });
  });

  describe('formatDuration', () => {
    it('should give the two largest units in English', () => {
      expect(formatDuration(3 * 86400 + 2 * 3600 + 59, 'en')).toBe(
        '3 days 2 hours'
      );
      expect(formatDuration(86400 + 30, 'en')).toBe('1 day');
      expect(formatDuration(125, 'en')).toBe('2 minutes 5 seconds');
      expect(formatDuration(0, 'en')).toBe('0 seconds');
      expect(formatDuration(-90, 'en')).toBe('1 minute 30 seconds');
    });

    it('should follow the user language, with JupyterLab language codes', () => {
      expect(formatDuration(3 * 86400 + 2 * 3600, 'ja_JP')).toBe('3 日 2 時間');
    });

    it('should fall back to English for an unknown code', () => {
      expect(formatDuration(60, '')).toBe('1 minute');
      expect(formatDuration(60, '!!')).toBe('1 minute');
    });
  });

  describe('formatSize', () => {
    it('should pick bytes, kilobytes or megabytes', () => {
      expect(formatSize(512, 'en')).toBe('512 byte');
      expect(formatSize(2500, 'en')).toBe('2.5 kB');
      expect(formatSize(3_100_000, 'en')).toBe('3.1 MB');
    });
  });

  describe('formatTime', () => {
    it('should show the date and the time to the second', () => {
      const text = formatTime(NOW, 'en');
      expect(text).toMatch(/2027/);
      expect(text).toMatch(/\d\d:\d\d:\d\d/);
      expect(formatTime(NOW, 'ja')).toMatch(/2027年1月1[45]日/);
    });
  });

  describe('deadlineText', () => {
    it('should show the time left before the deadline', () => {
      const text = deadlineText(
        box({ close: NOW + 2 * 3600 }),
        clock,
        received,
        trans,
        'en'
      );
      expect(text).toMatch(/^Deadline .+ \(2 hours left\)$/);
    });

    it('should show how long ago it passed', () => {
      const text = deadlineText(
        box({ close: NOW - 300 }),
        clock,
        received,
        trans,
        'en'
      );
      expect(text).toMatch(/\(passed 5 minutes ago\)$/);
    });

    it('should say when there is no deadline', () => {
      expect(
        deadlineText(box({ close: null }), clock, received, trans, 'en')
      ).toBe('No deadline');
    });
  });

  describe('latePolicyText', () => {
    it('should say before the click whether a late submission is refused or flagged', () => {
      expect(latePolicyText(box(), 'open', trans)).toBe(
        'After the deadline, submissions are refused.'
      );
      expect(latePolicyText(box({ late_policy: 'flag' }), 'open', trans)).toBe(
        'After the deadline, submissions are still accepted but marked late.'
      );
      expect(latePolicyText(box(), 'closed', trans)).toMatch(/refuses/);
      expect(latePolicyText(box(), 'late', trans)).toMatch(/marked late/);
      expect(latePolicyText(box(), 'none', trans)).toMatch(/any time/);
    });
  });

  describe('receiptText', () => {
    it('should show time, size and the short checksum', () => {
      const text = receiptText(receipt(), trans, 'en');
      const parts = text.split(' · ');
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe(formatTime(NOW, 'en'));
      expect(parts[1]).toBe('2 kB');
      expect(parts[2]).toBe('SHA-256 01234567');
    });

    it('should mark a late receipt', () => {
      expect(receiptText(receipt({ late: true }), trans, 'en')).toMatch(
        / · late$/
      );
    });
  });

  describe('teacherView', () => {
    const file = (user: string, timestamp: number, late = false) => ({
      box: 'hw1',
      user,
      file: 'kadai.ipynb',
      stored: `${user}_kadai.ipynb`,
      time: '',
      timestamp,
      size: 10,
      late,
      version_count: 1,
      versions: [],
      root_path: `boxes/hw1/${user}_kadai.ipynb`
    });
    const row = (user: string, files: any[], versions: number) => ({
      user,
      submitted: files.length > 0,
      files,
      version_count: versions,
      latest: null,
      latest_timestamp: files.length
        ? Math.max(...files.map(f => f.timestamp))
        : null,
      late: files.some(f => f.late)
    });

    it('should give one row per student, missing students and the late count', () => {
      const other = { ...file('bob', NOW + 50), stored: 'bob_extra.py' };
      const view = teacherView({
        ...whoami({ is_teacher: true }),
        box: box(),
        rows: [
          row('carol', [file('carol', NOW, true)], 1),
          row('bob', [file('bob', NOW - 100), other], 3),
          row('dave', [], 0)
        ],
        unattributed: ['stray.txt'],
        missing: ['dave', 'erin']
      });
      expect(view.submitted.map(r => r.user)).toEqual(['bob', 'carol']);
      expect(view.missing).toEqual(['dave', 'erin']);
      expect(view.lateCount).toBe(1);
      expect(view.unattributed).toEqual(['stray.txt']);
      const bob = view.submitted[0];
      expect(bob.versionCount).toBe(3);
      expect(bob.latest).toBe(NOW + 50);
      expect(bob.latestFile!.stored).toBe('bob_extra.py');
      expect(bob.files.map(f => f.stored)).toEqual([
        'bob_extra.py',
        'bob_kadai.ipynb'
      ]);
      expect(view.submitted[1].late).toBe(true);
    });
  });
});
