/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';
import { type ITranslator, nullTranslator } from '@jupyterlab/translation';
import { DisposableDelegate, type IDisposable } from '@lumino/disposable';
import { type ISignal, Signal } from '@lumino/signaling';

import { createGenerator, type LtilabGenerator } from './generators';
import {
  type BlocklyLocale,
  blocklyLocaleFor,
  DEFAULT_BLOCKLY_LOCALE,
  isBlocklyLocale,
  loadBlocklyMessages
} from './locale';
import { ensurePlaceholderBlock, PLACEHOLDER_MESSAGES } from './placeholder';
import {
  createDefaultToolbox,
  DEFAULT_TOOLBOX_ID,
  TOOLBOX_MESSAGES
} from './toolbox';
import type {
  BlockGeneratorFunction,
  IBlockDefinition,
  IBlocklyRegistry,
  IMessageBundle
} from './tokens';

/**
 * The languages a registry has generators for.
 */
export const DEFAULT_LANGUAGES: ReadonlyArray<string> = [
  'python',
  'javascript',
  'lua'
];

/**
 * The default implementation of `IBlocklyRegistry`.
 *
 * #### Notes
 * Each registry creates its own generator instances, with Blockly's stock
 * block generators copied onto them, so generator functions registered on one
 * registry are invisible to another registry and to Blockly's exported
 * singletons.
 */
export class BlocklyRegistry implements IBlocklyRegistry {
  /**
   * Construct a new registry, holding the default toolbox and generators for
   * Python, JavaScript and Lua.
   */
  constructor(options: BlocklyRegistry.IOptions = {}) {
    const trans = (options.translator ?? nullTranslator).load('ltilab');
    this._fallbackLanguages = options.fallbackLanguages ?? [];
    ensurePlaceholderBlock();
    for (const language of options.languages ?? DEFAULT_LANGUAGES) {
      const generator = createGenerator(language);
      if (generator) {
        this._generators.set(generator.language, generator);
      }
    }
    for (const [locale, bundle] of Object.entries(TOOLBOX_MESSAGES)) {
      this.registerMessages(locale, bundle);
    }
    for (const [locale, bundle] of Object.entries(PLACEHOLDER_MESSAGES)) {
      this.registerMessages(locale, bundle);
    }
    this.registerToolbox({
      id: DEFAULT_TOOLBOX_ID,
      label: trans.__('Default'),
      toolbox: createDefaultToolbox(),
      rank: 0
    });
  }

  /**
   * A signal emitted when a registration or the locale changes.
   */
  get changed(): ISignal<this, IBlocklyRegistry.IChange> {
    return this._changed;
  }

  /**
   * The registered toolboxes, ordered by rank then label.
   */
  get toolboxes(): ReadonlyArray<IBlocklyRegistry.IToolbox> {
    return [...this._toolboxes.values()].sort(
      (a, b) =>
        (a.rank ?? Infinity) - (b.rank ?? Infinity) ||
        a.label.localeCompare(b.label)
    );
  }

  /**
   * Get a toolbox by its id.
   */
  getToolbox(id: string): IBlocklyRegistry.IToolbox | undefined {
    return this._toolboxes.get(id);
  }

  /**
   * Register a toolbox.
   */
  registerToolbox(toolbox: IBlocklyRegistry.IToolbox): IDisposable {
    if (this._toolboxes.has(toolbox.id)) {
      throw new Error(
        `A toolbox with id "${toolbox.id}" is already registered.`
      );
    }
    this._toolboxes.set(toolbox.id, toolbox);
    this._changed.emit({ kind: 'toolbox', keys: [toolbox.id] });
    return new DisposableDelegate(() => {
      if (this._toolboxes.get(toolbox.id) === toolbox) {
        this._toolboxes.delete(toolbox.id);
        this._changed.emit({ kind: 'toolbox', keys: [toolbox.id] });
      }
    });
  }

  /**
   * Define blocks from their JSON definitions.
   */
  registerBlocks(definitions: ReadonlyArray<IBlockDefinition>): IDisposable {
    const created = Blockly.common.createBlockDefinitionsFromJsonArray([
      ...definitions
    ]) as { [type: string]: unknown };
    Blockly.common.defineBlocks(created);
    const types = Object.keys(created);
    types.forEach(type => this._blockTypes.add(type));
    this._changed.emit({ kind: 'blocks', keys: types });
    return new DisposableDelegate(() => {
      for (const type of types) {
        // Only remove what this call defined, not a later redefinition.
        if (Blockly.Blocks[type] === created[type]) {
          delete Blockly.Blocks[type];
        }
        this._blockTypes.delete(type);
      }
      this._changed.emit({ kind: 'blocks', keys: types });
    });
  }

  /**
   * Whether a block type is defined.
   */
  hasBlock(type: string): boolean {
    return (
      this._blockTypes.has(type) ||
      Object.prototype.hasOwnProperty.call(Blockly.Blocks, type)
    );
  }

  /**
   * The languages that have a generator.
   */
  get languages(): ReadonlyArray<string> {
    return [...this._generators.keys()];
  }

  /**
   * Get the generator for a language.
   */
  getGenerator(language: string): LtilabGenerator | undefined {
    return this._generators.get(language.toLowerCase());
  }

  /**
   * Register generator functions for one language.
   */
  registerGenerators(
    language: string,
    functions: { readonly [type: string]: BlockGeneratorFunction }
  ): IDisposable {
    const generator = this.getGenerator(language);
    if (!generator) {
      throw new Error(`There is no generator for the language "${language}".`);
    }
    const table = generator.forBlock as {
      [type: string]: BlockGeneratorFunction | undefined;
    };
    const types = Object.keys(functions);
    const before = new Map(types.map(type => [type, table[type]]));
    for (const type of types) {
      table[type] = functions[type];
    }
    this._changed.emit({ kind: 'generators', keys: [generator.language] });
    return new DisposableDelegate(() => {
      for (const type of types) {
        if (table[type] !== functions[type]) {
          continue;
        }
        const previous = before.get(type);
        if (previous) {
          table[type] = previous;
        } else {
          delete table[type];
        }
      }
      this._changed.emit({ kind: 'generators', keys: [generator.language] });
    });
  }

  /**
   * Register a runtime for one language.
   */
  registerRuntime(
    language: string,
    runtime: IBlocklyRegistry.IRuntime
  ): IDisposable {
    const generator = this.getGenerator(language);
    if (!generator) {
      throw new Error(`There is no generator for the language "${language}".`);
    }
    const added = generator.addRuntime(runtime);
    this._changed.emit({ kind: 'runtimes', keys: [generator.language] });
    return new DisposableDelegate(() => {
      added.dispose();
      this._changed.emit({ kind: 'runtimes', keys: [generator.language] });
    });
  }

  /**
   * Register a message bundle for a locale.
   */
  registerMessages(locale: string, messages: IMessageBundle): IDisposable {
    const key = isBlocklyLocale(locale) ? locale : blocklyLocaleFor(locale);
    const entry = { messages };
    let bundles = this._messages.get(key);
    if (!bundles) {
      bundles = [];
      this._messages.set(key, bundles);
    }
    bundles.push(entry);
    if (key === this._locale || key === DEFAULT_BLOCKLY_LOCALE) {
      this._applyMessages();
    }
    this._changed.emit({ kind: 'messages', keys: [key] });
    return new DisposableDelegate(() => {
      const list = this._messages.get(key);
      const index = list ? list.indexOf(entry) : -1;
      if (list && index >= 0) {
        list.splice(index, 1);
        this._changed.emit({ kind: 'messages', keys: [key] });
      }
    });
  }

  /**
   * The Blockly locale currently applied.
   */
  get locale(): BlocklyLocale {
    return this._locale;
  }

  /**
   * Load and apply the Blockly locale for a JupyterLab language.
   */
  async setLocale(languageCode: string): Promise<BlocklyLocale> {
    const locale = isBlocklyLocale(languageCode)
      ? languageCode
      : blocklyLocaleFor(languageCode, this._fallbackLanguages);
    const messages = await loadBlocklyMessages(locale);
    Blockly.setLocale(messages);
    this._locale = locale;
    this._applyMessages();
    this._changed.emit({ kind: 'locale', keys: [locale] });
    return locale;
  }

  /**
   * Apply the registered bundles to `Blockly.Msg`: English first, as the
   * fallback, then the current locale's.
   */
  private _applyMessages(): void {
    const locales: BlocklyLocale[] =
      this._locale === DEFAULT_BLOCKLY_LOCALE
        ? [DEFAULT_BLOCKLY_LOCALE]
        : [DEFAULT_BLOCKLY_LOCALE, this._locale];
    for (const locale of locales) {
      for (const { messages } of this._messages.get(locale) ?? []) {
        Blockly.setLocale({ ...messages });
      }
    }
  }

  private _blockTypes = new Set<string>();
  private _changed = new Signal<this, IBlocklyRegistry.IChange>(this);
  private _fallbackLanguages: ReadonlyArray<string> = [];
  private _generators = new Map<string, LtilabGenerator>();
  private _locale: BlocklyLocale = DEFAULT_BLOCKLY_LOCALE;
  private _messages = new Map<string, { messages: IMessageBundle }[]>();
  private _toolboxes = new Map<string, IBlocklyRegistry.IToolbox>();
}

/**
 * A namespace for `BlocklyRegistry` statics.
 */
export namespace BlocklyRegistry {
  /**
   * The options used to create a registry.
   */
  export interface IOptions {
    /**
     * The translator for labels; no translation by default.
     */
    translator?: ITranslator;

    /**
     * The languages to create generators for; `DEFAULT_LANGUAGES` by default.
     * Languages this package has no generator class for are ignored.
     */
    languages?: ReadonlyArray<string>;

    /**
     * The languages to use when `setLocale` is given `default`, best first,
     * e.g. `navigator.languages`; English when empty.
     */
    fallbackLanguages?: ReadonlyArray<string>;
  }
}
