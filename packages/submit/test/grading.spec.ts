/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import {
  checkBaseName,
  commonNotebook,
  MAX_CODENUM,
  parseCodenums,
  SubmitAPIError,
  SubmitService
} from '@ltilab/submit';
import type { ITableReply } from '@ltilab/submit';

import { box, fakeSettings, IRecorded, submission, whoami } from './fakeserver';

describe('@ltilab/submit grading', () => {
  describe('SubmitService.extract', () => {
    it('should POST the base, the codenums and the folder to boxes/<id>/extract', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 201, json: { files: ['grading/001-kadai.ipynb'] } }),
          recorded
        )
      });
      const reply = await service.extract('hw 1', {
        base: 'kadai.ipynb',
        codenums: [1, 2],
        dest: 'grading'
      });
      expect(reply.files).toEqual(['grading/001-kadai.ipynb']);
      expect(recorded).toHaveLength(1);
      expect(recorded[0].method).toBe('POST');
      expect(new URL(recorded[0].url).pathname).toBe(
        '/user/s1234567/ltilab/submit/boxes/hw%201/extract'
      );
      expect(JSON.parse(recorded[0].body!)).toEqual({
        base: 'kadai.ipynb',
        codenums: [1, 2],
        dest: 'grading'
      });
    });

    it('should leave the folder to the server when none is given', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 201, json: { files: ['003-kadai.ipynb'] } }),
          recorded
        )
      });
      await service.extract('hw1', { base: 'kadai.ipynb', codenums: [3] });
      expect(JSON.parse(recorded[0].body!)).toEqual({
        base: 'kadai.ipynb',
        codenums: [3]
      });
    });

    it("should reject with the server's error for a student", async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 403,
          json: { error: 'teacher_only', message: 'Only teachers can do this.' }
        }))
      });
      const error = await service
        .extract('hw1', { base: 'kadai.ipynb', codenums: [1] })
        .catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.status).toBe(403);
      expect(error.code).toBe('teacher_only');
      expect(error.message).toBe('Only teachers can do this.');
    });

    it('should reject a reply without a file list', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({ status: 201, json: {} }))
      });
      const error = await service
        .extract('hw1', { base: 'kadai.ipynb', codenums: [1] })
        .catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.code).toBe('bad_response');
    });
  });

  describe('SubmitService.tocsv', () => {
    it('should POST the base and the folder to boxes/<id>/tocsv', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 201, json: { files: ['grading/kadai.csv'] } }),
          recorded
        )
      });
      const reply = await service.tocsv('hw1', {
        base: 'kadai.ipynb',
        dest: 'grading'
      });
      expect(reply.files).toEqual(['grading/kadai.csv']);
      expect(recorded[0].method).toBe('POST');
      expect(new URL(recorded[0].url).pathname).toBe(
        '/user/s1234567/ltilab/submit/boxes/hw1/tocsv'
      );
      expect(JSON.parse(recorded[0].body!)).toEqual({
        base: 'kadai.ipynb',
        dest: 'grading'
      });
    });

    it('should reject a path the server refuses', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 400,
          json: {
            error: 'path_traversal',
            message: "Paths containing '..' are refused."
          }
        }))
      });
      const error = await service
        .tocsv('hw1', { base: 'kadai.ipynb', dest: '../x' })
        .catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.code).toBe('path_traversal');
    });
  });

  describe('parseCodenums', () => {
    it('should read numbers separated by spaces or commas, in order, without duplicates', () => {
      expect(parseCodenums('1 2')).toEqual([1, 2]);
      expect(parseCodenums(' 3,1 , 2 ')).toEqual([3, 1, 2]);
      expect(parseCodenums('2 2 1')).toEqual([2, 1]);
      expect(parseCodenums('0')).toEqual([0]);
      expect(parseCodenums(String(MAX_CODENUM))).toEqual([998]);
    });

    it('should read full-width digits and Japanese separators', () => {
      expect(parseCodenums('１、２　３')).toEqual([1, 2, 3]);
    });

    it('should refuse empty, non-integer and out-of-range input', () => {
      for (const text of [
        '',
        '  ',
        ',',
        '1.5',
        '-1',
        'a',
        '1 x',
        '999',
        '1000',
        '0x1',
        '1e2'
      ]) {
        expect(parseCodenums(text)).toBeNull();
      }
    });
  });

  describe('checkBaseName', () => {
    it('should accept a plain file name, trimmed', () => {
      expect(checkBaseName('kadai.ipynb')).toBe('kadai.ipynb');
      expect(checkBaseName('  課題1.ipynb ')).toBe('課題1.ipynb');
    });

    it('should refuse empty, hidden, path and control-character names', () => {
      for (const text of [
        '',
        '   ',
        '.hidden.ipynb',
        '..',
        'a/kadai.ipynb',
        '../kadai.ipynb',
        'a\\kadai.ipynb',
        '/kadai.ipynb',
        'ka\u0000dai.ipynb',
        'ka\ndai.ipynb'
      ]) {
        expect(checkBaseName(text)).toBeNull();
      }
    });
  });

  describe('commonNotebook', () => {
    it('should propose the notebook most students submitted', () => {
      const table: ITableReply = {
        ...whoami({ is_teacher: true }),
        box: box(),
        unattributed: [],
        missing: [],
        rows: [
          row('kim', ['kadai.ipynb', 'extra.py']),
          row('s', ['kadai.ipynb', 'other.ipynb']),
          row('s_tanaka', ['other.ipynb', 'kadai.ipynb'])
        ]
      };
      expect(commonNotebook(table)).toBe('kadai.ipynb');
    });

    it('should propose nothing without notebooks', () => {
      expect(commonNotebook(null)).toBe('');
    });
  });
});

function row(user: string, files: string[]): any {
  return {
    user,
    submitted: true,
    files: files.map(file =>
      submission({ user, file, stored: `${user}_${file}` })
    ),
    version_count: files.length,
    latest: null,
    latest_timestamp: null,
    late: false
  };
}
