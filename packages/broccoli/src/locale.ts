/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The message bundle shape of a `blockly/msg/<locale>` module.
 */
type MessageModule = { readonly [key: string]: unknown };

/**
 * Loaders of Blockly's message modules, one per locale that JupyterLab has a
 * language pack for.
 *
 * #### Notes
 * Each import is a literal, so that bundlers split every locale into its own
 * lazily loaded chunk: a template string would make them bundle the whole
 * `msg` directory or fail on Blockly's `exports` map.
 */
const LOADERS = {
  ar: () => import('blockly/msg/ar'),
  bg: () => import('blockly/msg/bg'),
  ca: () => import('blockly/msg/ca'),
  cs: () => import('blockly/msg/cs'),
  da: () => import('blockly/msg/da'),
  de: () => import('blockly/msg/de'),
  el: () => import('blockly/msg/el'),
  en: () => import('blockly/msg/en'),
  'en-gb': () => import('blockly/msg/en-gb'),
  es: () => import('blockly/msg/es'),
  et: () => import('blockly/msg/et'),
  eu: () => import('blockly/msg/eu'),
  fa: () => import('blockly/msg/fa'),
  fi: () => import('blockly/msg/fi'),
  fr: () => import('blockly/msg/fr'),
  he: () => import('blockly/msg/he'),
  hi: () => import('blockly/msg/hi'),
  hr: () => import('blockly/msg/hr'),
  hu: () => import('blockly/msg/hu'),
  id: () => import('blockly/msg/id'),
  it: () => import('blockly/msg/it'),
  ja: () => import('blockly/msg/ja'),
  ko: () => import('blockly/msg/ko'),
  lt: () => import('blockly/msg/lt'),
  lv: () => import('blockly/msg/lv'),
  nb: () => import('blockly/msg/nb'),
  nl: () => import('blockly/msg/nl'),
  pl: () => import('blockly/msg/pl'),
  pt: () => import('blockly/msg/pt'),
  'pt-br': () => import('blockly/msg/pt-br'),
  ro: () => import('blockly/msg/ro'),
  ru: () => import('blockly/msg/ru'),
  sk: () => import('blockly/msg/sk'),
  sl: () => import('blockly/msg/sl'),
  sr: () => import('blockly/msg/sr'),
  'sr-latn': () => import('blockly/msg/sr-latn'),
  sv: () => import('blockly/msg/sv'),
  th: () => import('blockly/msg/th'),
  tr: () => import('blockly/msg/tr'),
  uk: () => import('blockly/msg/uk'),
  vi: () => import('blockly/msg/vi'),
  'zh-hans': () => import('blockly/msg/zh-hans'),
  'zh-hant': () => import('blockly/msg/zh-hant')
} satisfies { [locale: string]: () => Promise<MessageModule> };

/**
 * A Blockly locale this package can load, named like the module
 * `blockly/msg/<locale>`.
 */
export type BlocklyLocale = keyof typeof LOADERS;

/**
 * The locale used when nothing better matches.
 */
export const DEFAULT_BLOCKLY_LOCALE: BlocklyLocale = 'en';

/**
 * The Blockly locales this package can load.
 */
export const BLOCKLY_LOCALES: ReadonlyArray<BlocklyLocale> = Object.keys(
  LOADERS
) as BlocklyLocale[];

/**
 * Whether a string names a loadable Blockly locale.
 */
export function isBlocklyLocale(value: string): value is BlocklyLocale {
  return Object.prototype.hasOwnProperty.call(LOADERS, value);
}

/**
 * Map a JupyterLab language code to a Blockly locale.
 *
 * @param languageCode - A code such as `ITranslator.languageCode` gives
 * (`ja-JP`), a language-pack name (`zh_CN`) or the setting value `default`.
 * @param fallbacks - Languages to try when `languageCode` is empty or
 * `default`, best first, typically `navigator.languages`.
 * @returns The Blockly locale: `ja*` → `ja`, `zh-CN`/`zh_CN` → `zh-hans`,
 * `zh-TW` → `zh-hant`, and `en` for anything unknown.
 *
 * #### Notes
 * The code is parsed into a language, a script and a region. It is never
 * cut to its last two characters, which is how the predecessor turned
 * `default` into Lithuanian (`lt`) and `pt_BR` into Breton (`br`).
 */
export function blocklyLocaleFor(
  languageCode: string | null | undefined,
  fallbacks: ReadonlyArray<string> = []
): BlocklyLocale {
  const code = (languageCode ?? '').trim();
  if (code === '' || code.toLowerCase() === 'default') {
    for (const fallback of fallbacks) {
      const trimmed = fallback.trim();
      if (trimmed !== '' && trimmed.toLowerCase() !== 'default') {
        const locale = Private.match(trimmed);
        if (locale) {
          return locale;
        }
      }
    }
    return DEFAULT_BLOCKLY_LOCALE;
  }
  return Private.match(code) ?? DEFAULT_BLOCKLY_LOCALE;
}

/**
 * Load Blockly's own messages for a locale.
 *
 * @param locale - A Blockly locale, as `blocklyLocaleFor` returns.
 * @returns The messages, ready for `Blockly.setLocale`.
 */
export async function loadBlocklyMessages(
  locale: BlocklyLocale
): Promise<{ [key: string]: string }> {
  const loader = LOADERS[locale] ?? LOADERS[DEFAULT_BLOCKLY_LOCALE];
  return Private.toMessages(await loader());
}

/**
 * A namespace for private module data.
 */
namespace Private {
  /**
   * Match one BCP 47-like code (`_` or `-` separated) to a locale.
   */
  export function match(code: string): BlocklyLocale | null {
    const parts = code.replace(/_/g, '-').toLowerCase().split('-');
    const language = parts[0];
    // Subtags after the language: a 4-letter script and/or a region.
    const subtags = parts.slice(1);
    const script = subtags.find(tag => tag.length === 4) ?? '';
    const region = subtags.find(tag => tag.length === 2 || tag.length === 3);

    switch (language) {
      case 'zh':
        if (
          script === 'hant' ||
          (script !== 'hans' &&
            (region === 'tw' || region === 'hk' || region === 'mo'))
        ) {
          return 'zh-hant';
        }
        return 'zh-hans';
      case 'pt':
        return region === 'br' ? 'pt-br' : 'pt';
      case 'en':
        return region === 'gb' ? 'en-gb' : 'en';
      case 'sr':
        return script === 'latn' ? 'sr-latn' : 'sr';
      case 'no':
      case 'nn':
        return 'nb';
      case 'iw':
        // The legacy code for Hebrew, still sent by some browsers.
        return 'he';
      case 'in':
        // The legacy code for Indonesian.
        return 'id';
      default:
        return isBlocklyLocale(language) ? language : null;
    }
  }

  /**
   * Copy the string messages out of a loaded module.
   *
   * #### Notes
   * Bundlers present the UMD module either as its exports or behind a
   * `default` key, and an ES module namespace also carries non-message keys.
   */
  export function toMessages(module: MessageModule): {
    [key: string]: string;
  } {
    const inner = module['default'];
    const source =
      inner !== null && typeof inner === 'object'
        ? (inner as MessageModule)
        : module;
    const messages: { [key: string]: string } = {};
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (typeof value === 'string') {
        messages[key] = value;
      }
    }
    return messages;
  }
}
