/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import {
  contentHash,
  decodeNoticeBytes,
  keepLineBreaks,
  MAX_NOTICE_BYTES,
  parseNoticeText
} from '../src';

const encode = (text: string) => new TextEncoder().encode(text);

describe('@ltilab/notice text', () => {
  describe('decodeNoticeBytes', () => {
    it('should decode UTF-8 text, Japanese included', () => {
      const result = decodeNoticeBytes(
        encode('提出期限は金曜です\nDue Friday')
      );
      expect(result).toEqual({
        binary: false,
        text: '提出期限は金曜です\nDue Friday',
        truncated: false
      });
    });

    it('should drop a byte-order mark', () => {
      const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('hello')]);
      expect(decodeNoticeBytes(bytes)).toMatchObject({ text: 'hello' });
    });

    it('should cut a large file at the limit and say so', () => {
      const result = decodeNoticeBytes(
        encode('x'.repeat(MAX_NOTICE_BYTES + 10))
      );
      expect(result.binary).toBe(false);
      if (!result.binary) {
        expect(result.truncated).toBe(true);
        expect(result.text.length).toBe(MAX_NOTICE_BYTES);
      }
    });

    it('should never cut inside a multi-byte character', () => {
      // 'あ' is 3 bytes; 5 of them are 15 bytes, cut at 7 -> 2 whole chars.
      const result = decodeNoticeBytes(encode('あああああ'), 7);
      expect(result).toEqual({ binary: false, text: 'ああ', truncated: true });
    });

    it('should refuse content with a NUL byte as binary', () => {
      const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]);
      expect(decodeNoticeBytes(bytes)).toEqual({ binary: true });
      expect(decodeNoticeBytes(encode('text\u0000more'))).toEqual({
        binary: true
      });
    });

    it('should refuse invalid UTF-8 as binary', () => {
      expect(
        decodeNoticeBytes(new Uint8Array([0x41, 0xff, 0xfe, 0x41]))
      ).toEqual({
        binary: true
      });
    });
  });

  describe('parseNoticeText', () => {
    it('should give normal notices the info level and sticky ones warning', () => {
      expect(parseNoticeText('Hello', 'normal')).toEqual({
        kind: 'normal',
        level: 'info',
        body: 'Hello',
        truncated: false
      });
      expect(parseNoticeText('Stop', 'sticky')?.level).toBe('warning');
    });

    it('should read the level from front matter and strip it', () => {
      const parsed = parseNoticeText(
        '---\nlevel: error\n---\nServer down',
        'normal'
      );
      expect(parsed).toMatchObject({ level: 'error', body: 'Server down' });
      expect(
        parseNoticeText('---\r\nlevel: WARN\r\n---\r\nx', 'normal')?.level
      ).toBe('warning');
    });

    it('should ignore an unknown level', () => {
      expect(
        parseNoticeText('---\nlevel: panic\n---\nx', 'normal')?.level
      ).toBe('info');
    });

    it('should keep line breaks and strip trailing spaces', () => {
      expect(
        parseNoticeText('line one   \r\nline two\n\n', 'normal')?.body
      ).toBe('line one\nline two');
    });

    it('should report blank text as no notice', () => {
      expect(parseNoticeText('  \n\t\n', 'normal')).toBeNull();
      expect(parseNoticeText('---\nlevel: info\n---\n', 'normal')).toBeNull();
    });

    it('should carry the truncation flag', () => {
      expect(parseNoticeText('x', 'normal', true)?.truncated).toBe(true);
    });
  });

  describe('keepLineBreaks', () => {
    it('should turn single newlines into hard breaks', () => {
      expect(keepLineBreaks('a\nb\n\nc')).toBe('a  \nb\n\nc');
    });

    it('should leave fenced code alone', () => {
      const md = 'intro\n```\nx = 1\ny = 2\n```\nafter';
      expect(keepLineBreaks(md)).toBe('intro\n```\nx = 1\ny = 2\n```\nafter');
    });
  });

  describe('contentHash', () => {
    it('should be 64-bit FNV-1a over UTF-8', () => {
      // Published FNV-1a 64 test vectors.
      expect(contentHash('')).toBe('cbf29ce484222325');
      expect(contentHash('a')).toBe('af63dc4c8601ec8c');
      expect(contentHash('foobar')).toBe('85944171f73967e8');
    });

    it('should tell different texts apart, Japanese included', () => {
      expect(contentHash('お知らせ')).not.toBe(contentHash('お知らせ。'));
    });
  });
});
