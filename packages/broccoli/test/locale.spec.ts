/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import {
  BLOCKLY_LOCALES,
  blocklyLocaleFor,
  isBlocklyLocale,
  loadBlocklyMessages
} from '../src';

describe('@ltilab/broccoli locale', () => {
  describe('blocklyLocaleFor', () => {
    it.each([
      ['ja', 'ja'],
      ['ja-JP', 'ja'],
      ['ja_JP', 'ja'],
      ['JA-jp', 'ja'],
      ['zh-CN', 'zh-hans'],
      ['zh_CN', 'zh-hans'],
      ['zh-Hans-CN', 'zh-hans'],
      ['zh', 'zh-hans'],
      ['zh-TW', 'zh-hant'],
      ['zh_TW', 'zh-hant'],
      ['zh-HK', 'zh-hant'],
      ['zh-Hant', 'zh-hant'],
      ['en', 'en'],
      ['en-US', 'en'],
      ['en_GB', 'en-gb'],
      ['fr_FR', 'fr'],
      ['de-DE', 'de'],
      ['ko_KR', 'ko'],
      ['pt_BR', 'pt-br'],
      ['pt-PT', 'pt'],
      ['sr-Latn-RS', 'sr-latn'],
      ['lt-LT', 'lt'],
      ['default', 'en'],
      ['Default', 'en'],
      ['', 'en'],
      ['xx-YY', 'en'],
      ['klingon', 'en']
    ])('should map %j to %s', (code, locale) => {
      expect(blocklyLocaleFor(code)).toBe(locale);
    });

    it('should never read the last two characters, the predecessor’s Lithuanian bug', () => {
      // 'default' ends in 'lt', 'pt_BR' in 'BR' (Breton) and 'es_AR' in 'AR'.
      expect(blocklyLocaleFor('default')).not.toBe('lt');
      expect(blocklyLocaleFor('pt_BR')).not.toBe('br');
      expect(blocklyLocaleFor('es_AR')).toBe('es');
    });

    it('should use the fallback languages for "default"', () => {
      expect(blocklyLocaleFor('default', ['ja-JP', 'en'])).toBe('ja');
      expect(blocklyLocaleFor('default', ['xx', 'zh-TW'])).toBe('zh-hant');
      expect(blocklyLocaleFor('default', ['default', 'xx'])).toBe('en');
      expect(blocklyLocaleFor('', ['ko'])).toBe('ko');
      // A real language wins over the fallbacks.
      expect(blocklyLocaleFor('fr', ['ja'])).toBe('fr');
    });
  });

  describe('loadBlocklyMessages', () => {
    it('should load Japanese messages', async () => {
      const [en, ja] = await Promise.all([
        loadBlocklyMessages('en'),
        loadBlocklyMessages('ja')
      ]);
      expect(Object.keys(ja).length).toBeGreaterThan(500);
      expect(en.ADD_COMMENT).toBe('Add Comment');
      expect(ja.ADD_COMMENT).toBe('コメントを追加');
      expect(Object.values(ja).every(value => typeof value === 'string')).toBe(
        true
      );
    });

    it('should load Simplified and Traditional Chinese differently', async () => {
      const [hans, hant] = await Promise.all([
        loadBlocklyMessages('zh-hans'),
        loadBlocklyMessages('zh-hant')
      ]);
      expect(hans.DELETE_BLOCK).not.toBe(hant.DELETE_BLOCK);
      expect(hans.DELETE_BLOCK).toMatch(/[\u4e00-\u9fff]/);
    });

    it('should be able to load every locale it maps to', async () => {
      expect(BLOCKLY_LOCALES.every(isBlocklyLocale)).toBe(true);
      const loaded = await Promise.all(
        BLOCKLY_LOCALES.map(loadBlocklyMessages)
      );
      loaded.forEach(messages =>
        expect(typeof messages.DELETE_BLOCK).toBe('string')
      );
    });
  });
});
