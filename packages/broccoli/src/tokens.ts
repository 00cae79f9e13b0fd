/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type * as Blockly from 'blockly';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Token } from '@lumino/coreutils';

import type { BlocklyLocale } from './locale';

/**
 * A generator function for one block type, in Blockly 10+ `forBlock` style.
 *
 * It returns a statement's code as a string, or a value's code together with
 * the operator precedence (the language's `Order`) of its outermost operator.
 * Use `generator.valueToCode` and `generator.statementToCode` for inputs.
 */
export type BlockGeneratorFunction = (
  block: Blockly.Block,
  generator: Blockly.CodeGenerator
) => [string, number] | string | null;

/**
 * A block definition in Blockly's JSON format, e.g.
 * `{type: 'turtle_forward', message0: '%{BKY_TURTLE_FORWARD} %1', ...}`.
 */
export interface IBlockDefinition {
  /**
   * The block type, unique across every add-on. Prefix it with the add-on's
   * name (`turtle_…`), because `Blockly.Blocks` is one table for all.
   */
  readonly type: string;

  /**
   * The rest of Blockly's JSON block definition.
   */
  readonly [key: string]: unknown;
}

/**
 * A message bundle: Blockly message keys (without the `BKY_` prefix) mapped to
 * text, as referenced by `%{BKY_KEY}` in block and toolbox definitions.
 */
export interface IMessageBundle {
  readonly [key: string]: string;
}

/**
 * The block registry of the Blockly editor.
 *
 * #### Notes
 * There is one registry per JupyterLab, provided by the editor extension.
 * Add-ons (turtle graphics, course-specific blocks) require its token and
 * register their blocks, generators, runtimes, toolboxes and messages into it,
 * instead of mutating Blockly's exported objects.
 *
 * Code generators are the registry's own instances, so a generator function
 * registered here never leaks into another registry or into Blockly's
 * `pythonGenerator`-style singletons. Block definitions and messages are
 * global in Blockly by design (`Blockly.Blocks`, `Blockly.Msg`), so their types
 * and keys must be prefixed by the add-on.
 */
export interface IBlocklyRegistry {
  /**
   * A signal emitted when anything is registered or unregistered, or when the
   * locale changes. Editors use it to refresh toolboxes and regenerate code.
   */
  readonly changed: ISignal<IBlocklyRegistry, IBlocklyRegistry.IChange>;

  /**
   * The registered toolboxes, ordered by rank then label.
   */
  readonly toolboxes: ReadonlyArray<IBlocklyRegistry.IToolbox>;

  /**
   * Get a toolbox by its stable id.
   *
   * @param id - The id stored in a document's `metadata.ltilab.toolbox`.
   * @returns The toolbox, or `undefined` if no toolbox has this id.
   */
  getToolbox(id: string): IBlocklyRegistry.IToolbox | undefined;

  /**
   * Register a toolbox.
   *
   * @param toolbox - The toolbox, with a stable id and a translated label.
   * @returns A disposable that unregisters it.
   * @throws An `Error` if a toolbox with this id is already registered.
   */
  registerToolbox(toolbox: IBlocklyRegistry.IToolbox): IDisposable;

  /**
   * Define blocks from their JSON definitions.
   *
   * @param definitions - The block definitions.
   * @returns A disposable that removes the definitions again.
   *
   * #### Notes
   * Register the blocks' messages first (see `registerMessages`): Blockly
   * resolves `%{BKY_…}` references when a block is created.
   */
  registerBlocks(definitions: ReadonlyArray<IBlockDefinition>): IDisposable;

  /**
   * Whether a block type is defined, by this registry or by Blockly itself.
   */
  hasBlock(type: string): boolean;

  /**
   * The languages that have a generator, e.g. `['python', 'javascript', 'lua']`.
   * They are matched against a kernelspec's `language`.
   */
  readonly languages: ReadonlyArray<string>;

  /**
   * Get the generator for a language.
   *
   * @param language - A kernelspec language, case-insensitive.
   * @returns The registry's own generator, or `undefined` if the language
   * has none.
   */
  getGenerator(language: string): Blockly.CodeGenerator | undefined;

  /**
   * Register generator functions for one language.
   *
   * @param language - `python`, `javascript` or `lua`.
   * @param functions - Block type mapped to its generator function. They are
   * set in the `forBlock` table of this registry's generator only.
   * @returns A disposable that restores the functions that were there before.
   * @throws An `Error` if the language has no generator.
   */
  registerGenerators(
    language: string,
    functions: { readonly [type: string]: BlockGeneratorFunction }
  ): IDisposable;

  /**
   * Register a runtime: support code that generator functions of one
   * language can ask for, e.g. an add-on's library.
   *
   * @param language - `python`, `javascript` or `lua`.
   * @param runtime - The runtime, with a name unique for the language.
   * @returns A disposable that unregisters it.
   * @throws An `Error` if the language has no generator, or if a runtime
   * with this name is already registered for it.
   *
   * #### Notes
   * A generator function asks for a runtime with
   * `generator.requireRuntime(name)` (see `IBlockGenerator`). `generateCode`
   * then gives the program (`code`, as shown to the user, with a one-line
   * comment instead of each runtime) and the runtimes' code (`runtime`);
   * `runnableCode(result)` puts the runtimes once before the program, which
   * is what runs in the kernel, is copied and is exported.
   */
  registerRuntime(
    language: string,
    runtime: IBlocklyRegistry.IRuntime
  ): IDisposable;

  /**
   * Register a message bundle for a locale.
   *
   * @param locale - A JupyterLab language code (`ja-JP`, `zh_CN`) or a Blockly
   * locale (`ja`, `zh-hans`). Bundles for `en` are the fallback for every
   * locale, so always register English.
   * @param messages - The messages.
   * @returns A disposable that removes the bundle.
   *
   * #### Notes
   * If the bundle is for the current locale (or for `en`), it is applied to
   * `Blockly.Msg` at once, so registration order never matters.
   */
  registerMessages(locale: string, messages: IMessageBundle): IDisposable;

  /**
   * The Blockly locale currently applied, e.g. `en` or `ja`.
   */
  readonly locale: BlocklyLocale;

  /**
   * Load Blockly's messages for a JupyterLab language and apply them, together
   * with every registered bundle for that locale.
   *
   * @param languageCode - `ITranslator.languageCode`, e.g. `ja-JP`.
   * @returns The Blockly locale that was applied.
   *
   * #### Notes
   * The locale is global to Blockly, so open workspaces must be re-rendered.
   */
  setLocale(languageCode: string): Promise<BlocklyLocale>;
}

/**
 * A namespace for `IBlocklyRegistry` types.
 */
export namespace IBlocklyRegistry {
  /**
   * A registered toolbox.
   */
  export interface IToolbox {
    /**
     * A stable id, saved in documents. Never translate it.
     */
    readonly id: string;

    /**
     * The label shown in the toolbox picker, already translated with the
     * add-on's `trans.__()`.
     */
    readonly label: string;

    /**
     * The toolbox, as a JSON toolbox definition.
     */
    readonly toolbox: Blockly.utils.toolbox.ToolboxInfo;

    /**
     * The position in the picker; lower comes first. The default toolbox has
     * rank 0, and toolboxes without a rank come after it.
     */
    readonly rank?: number;
  }

  /**
   * Support code that generated programs can require (`registerRuntime`).
   */
  export interface IRuntime {
    /**
     * The name generator functions require it by, e.g. `turtle`. It also
     * appears in the comment that stands for the runtime in the shown code.
     */
    readonly name: string;

    /**
     * The code. It runs once, before the program, in a fresh kernel or after
     * another run, so it must only define things, must not depend on the
     * program, and must be safe to run again.
     */
    readonly code: string;

    /**
     * The top-level names the code defines. The generator reserves them, so
     * a user variable with one of these names is renamed instead of
     * overwriting it.
     */
    readonly names?: ReadonlyArray<string>;
  }

  /**
   * What changed in the registry.
   */
  export interface IChange {
    /**
     * The kind of registration that changed.
     */
    readonly kind:
      'toolbox' | 'blocks' | 'generators' | 'runtimes' | 'messages' | 'locale';

    /**
     * The ids, block types, language or locale concerned.
     */
    readonly keys: ReadonlyArray<string>;
  }
}

/**
 * The Blockly block registry token.
 */
export const IBlocklyRegistry = new Token<IBlocklyRegistry>(
  '@ltilab/broccoli:IBlocklyRegistry',
  'A registry of Blockly toolboxes, block definitions, per-language code generators and message bundles. Use it to add blocks to the block-programming editor.'
);
