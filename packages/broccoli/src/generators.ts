/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';
import {
  colourBlend,
  colourPicker,
  colourRandom,
  colourRgb,
  installAllBlocks
} from '@blockly/field-colour';
import {
  JavascriptGenerator,
  javascriptGenerator,
  Order as JavascriptOrder
} from 'blockly/javascript';
import { LuaGenerator, luaGenerator, Order as LuaOrder } from 'blockly/lua';
import {
  PythonGenerator,
  pythonGenerator,
  Order as PythonOrder
} from 'blockly/python';

import { DisposableDelegate, type IDisposable } from '@lumino/disposable';

import { originalBlockType } from './placeholder';
import type { IBlocklyRegistry } from './tokens';

/**
 * What a code generator of this package adds to Blockly's `CodeGenerator`.
 */
export interface IBlockGenerator {
  /**
   * The language key, as matched against a kernelspec's `language`.
   */
  readonly language: string;

  /**
   * The enabled blocks that had no generator function during the last
   * `workspaceToCode` or `blockToCode` calls, since `resetMissing()`.
   */
  readonly missingBlocks: ReadonlyArray<Blockly.Block>;

  /**
   * Forget the blocks recorded in `missingBlocks`.
   */
  resetMissing(): void;

  /**
   * Ask for a registered runtime from a generator function: the program
   * needs it. Asking again in the same program changes nothing.
   *
   * @param name - The runtime's name (`IBlocklyRegistry.IRuntime.name`).
   * @throws An `Error` if no runtime of this name is registered, which
   * `generateCode` reports as a generation error.
   */
  requireRuntime(name: string): void;

  /**
   * The runtimes the last `workspaceToCode` asked for, in the order asked.
   */
  readonly requiredRuntimes: ReadonlyArray<IBlocklyRegistry.IRuntime>;

  /**
   * Add a runtime; the registry's `registerRuntime` calls this.
   *
   * @returns A disposable that removes it.
   * @throws An `Error` if a runtime with this name is already added.
   */
  addRuntime(runtime: IBlocklyRegistry.IRuntime): IDisposable;

  /**
   * A one-line comment in the language, e.g. `# text` in Python.
   */
  lineComment(text: string): string;
}

/**
 * A generator that is both Blockly's `CodeGenerator` and an `IBlockGenerator`.
 */
export type LtilabGenerator = Blockly.CodeGenerator & IBlockGenerator;

/**
 * What the mixin needs of a Blockly generator class.
 */
type GeneratorClass = new (...args: any[]) => Private.IGeneratorLike & {
  addReservedWords(words: string): void;
  init(workspace: Blockly.Workspace): void;
  blockToCode(
    block: Blockly.Block | null,
    opt_thisOnly?: boolean
  ): string | [string, number];
};

/**
 * Give a Blockly generator class its own `forBlock` table, the colour blocks
 * and missing-generator tracking.
 *
 * #### Notes
 * Blockly's stock block generators (and the colour blocks of
 * `@blockly/field-colour`) are copied onto each instance when it is built, so
 * functions registered on it stay on it: Blockly's exported singletons and
 * every other instance are left alone. A block whose type has no generator
 * function does not throw: it becomes a comment (statements) or a null value
 * (values), and is recorded in `missingBlocks`. One mixin serves the three
 * languages because each extends a different Blockly base class.
 */
function withLtilabGenerator<TBase extends GeneratorClass>(
  Base: TBase,
  options: Private.ILanguageOptions
) {
  return class extends Base implements IBlockGenerator {
    constructor(...args: any[]) {
      super(...args);
      if (options.reservedWords) {
        this.addReservedWords(options.reservedWords);
      }
      Private.copyForBlock(this, options.stock);
      Private.installColour(this, options.colour);
    }

    readonly language = options.language;

    get missingBlocks(): ReadonlyArray<Blockly.Block> {
      return this._missingBlocks;
    }

    resetMissing(): void {
      this._missingBlocks = [];
    }

    get requiredRuntimes(): ReadonlyArray<IBlocklyRegistry.IRuntime> {
      return [...this._required.values()];
    }

    requireRuntime(name: string): void {
      const runtime = this._runtimes.get(name);
      if (!runtime) {
        throw new Error(
          `No runtime "${name}" is registered for ${options.language}.`
        );
      }
      this._required.set(name, runtime);
    }

    addRuntime(runtime: IBlocklyRegistry.IRuntime): IDisposable {
      if (this._runtimes.has(runtime.name)) {
        throw new Error(
          `A runtime "${runtime.name}" is already registered for ${options.language}.`
        );
      }
      this._runtimes.set(runtime.name, runtime);
      if (runtime.names?.length) {
        // Stays reserved after disposal: that only renames user variables.
        this.addReservedWords(runtime.names.join(','));
      }
      return new DisposableDelegate(() => {
        if (this._runtimes.get(runtime.name) === runtime) {
          this._runtimes.delete(runtime.name);
        }
      });
    }

    lineComment(text: string): string {
      return `${options.comment} ${text}`;
    }

    init(workspace: Blockly.Workspace): void {
      super.init(workspace);
      // A new program: it asks for its runtimes again.
      this._required = new Map();
    }

    blockToCode(
      block: Blockly.Block | null,
      opt_thisOnly?: boolean
    ): string | [string, number] {
      if (Private.isMissing(this, block)) {
        this._missingBlocks.push(block);
        return Private.missingCode(this, block, opt_thisOnly, options);
      }
      return super.blockToCode(block, opt_thisOnly);
    }

    // Not `private`: a class expression's declaration cannot carry private
    // members. Use `missingBlocks` and `resetMissing()`.
    _missingBlocks: Blockly.Block[] = [];
    _required = new Map<string, IBlocklyRegistry.IRuntime>();
    _runtimes = new Map<string, IBlocklyRegistry.IRuntime>();
  };
}

/**
 * A Python generator with its own `forBlock` table; a block without a
 * generator becomes `pass` plus a comment, or `None`.
 */
export const LtilabPythonGenerator = withLtilabGenerator(PythonGenerator, {
  language: 'python',
  stock: pythonGenerator,
  // The stock module adds these after constructing its singleton, as the
  // generated code imports `math` and `random`.
  reservedWords: 'math,random,Number',
  colour: {
    [colourPicker.BLOCK_NAME]: colourPicker.toPython,
    [colourRandom.BLOCK_NAME]: colourRandom.toPython,
    [colourRgb.BLOCK_NAME]: colourRgb.toPython,
    [colourBlend.BLOCK_NAME]: colourBlend.toPython
  },
  statement: comment => `pass  # ${comment}\n`,
  value: ['None', PythonOrder.ATOMIC],
  comment: '#'
});
export type LtilabPythonGenerator = InstanceType<typeof LtilabPythonGenerator>;

/**
 * A JavaScript generator with its own `forBlock` table; a block without a
 * generator becomes a comment, or `null`.
 */
export const LtilabJavascriptGenerator = withLtilabGenerator(
  JavascriptGenerator,
  {
    language: 'javascript',
    stock: javascriptGenerator,
    // The colour blocks' generated code calls `Math`.
    reservedWords: 'Math',
    colour: {
      [colourPicker.BLOCK_NAME]: colourPicker.toJavascript,
      [colourRandom.BLOCK_NAME]: colourRandom.toJavascript,
      [colourRgb.BLOCK_NAME]: colourRgb.toJavascript,
      [colourBlend.BLOCK_NAME]: colourBlend.toJavascript
    },
    statement: comment => `// ${comment}\n`,
    value: ['null', JavascriptOrder.ATOMIC],
    comment: '//'
  }
);
export type LtilabJavascriptGenerator = InstanceType<
  typeof LtilabJavascriptGenerator
>;

/**
 * A Lua generator with its own `forBlock` table; a block without a
 * generator becomes a comment, or `nil`.
 */
export const LtilabLuaGenerator = withLtilabGenerator(LuaGenerator, {
  language: 'lua',
  stock: luaGenerator,
  colour: {
    [colourPicker.BLOCK_NAME]: colourPicker.toLua,
    [colourRandom.BLOCK_NAME]: colourRandom.toLua,
    [colourRgb.BLOCK_NAME]: colourRgb.toLua,
    [colourBlend.BLOCK_NAME]: colourBlend.toLua
  },
  statement: comment => `-- ${comment}\n`,
  value: ['nil', LuaOrder.ATOMIC],
  comment: '--'
});
export type LtilabLuaGenerator = InstanceType<typeof LtilabLuaGenerator>;

/**
 * Create this package's generator for a language.
 *
 * @param language - `python`, `javascript` or `lua`.
 * @returns A new generator, or `null` for other languages.
 */
export function createGenerator(language: string): LtilabGenerator | null {
  let generator: IBlockGenerator;
  switch (language.toLowerCase()) {
    case 'python':
      generator = new LtilabPythonGenerator();
      break;
    case 'javascript':
      generator = new LtilabJavascriptGenerator();
      break;
    case 'lua':
      generator = new LtilabLuaGenerator();
      break;
    default:
      return null;
  }
  // The subclasses are `CodeGenerator`s at runtime; TypeScript only rejects
  // the `this`-typed parameter of their `forBlock` functions.
  return generator as unknown as LtilabGenerator;
}

/**
 * Define the colour field and the colour blocks of `@blockly/field-colour`,
 * once per Blockly instance.
 *
 * #### Notes
 * Field and block registries are Blockly-global. Installing twice warns about
 * overwritten definitions, so this checks first. Generators are not installed
 * here: each of this package's generators sets its own colour functions.
 */
export function ensureColourBlocks(): void {
  if (
    !Blockly.registry.hasItem(Blockly.registry.Type.FIELD, 'field_colour') ||
    !Blockly.Blocks[colourRgb.BLOCK_NAME]
  ) {
    installAllBlocks();
  }
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * What the helpers use of a generator. Blockly's generator classes are not
   * assignable to `CodeGenerator` (their `forBlock` functions take `this`), so
   * the helpers take this structural type.
   */
  export interface IGeneratorLike {
    readonly forBlock: object;
    readonly name_: string;
    scrub_(block: Blockly.Block, code: string, thisOnly?: boolean): string;
  }

  /**
   * What differs between the languages.
   */
  export interface ILanguageOptions {
    language: string;
    stock: IGeneratorLike;
    reservedWords?: string;
    colour: { [type: string]: unknown };
    statement: (comment: string) => string;
    value: [string, number];
    /**
     * What starts a line comment.
     */
    comment: string;
  }

  /**
   * The `forBlock` table of a generator, seen as plain data.
   */
  function tableOf(generator: { forBlock: object }): {
    [type: string]: unknown;
  } {
    return generator.forBlock as { [type: string]: unknown };
  }

  /**
   * Copy the stock generator functions of a Blockly singleton onto one of our
   * instances. The functions take the generator as an argument, so they work
   * on any instance of the same class.
   */
  export function copyForBlock(
    target: IGeneratorLike,
    stock: IGeneratorLike
  ): void {
    const from = tableOf(stock);
    const to = tableOf(target);
    for (const type of Object.keys(from)) {
      to[type] = from[type];
    }
  }

  /**
   * Install the colour blocks and their generator functions on an instance.
   */
  export function installColour(
    target: IGeneratorLike,
    functions: { [type: string]: unknown }
  ): void {
    ensureColourBlocks();
    const table = tableOf(target);
    for (const type of Object.keys(functions)) {
      table[type] = functions[type];
    }
  }

  /**
   * Whether a block would make Blockly's `blockToCode` throw for lack of a
   * generator function. Disabled blocks and insertion markers generate nothing
   * anyway, so they are not missing.
   */
  export function isMissing(
    generator: IGeneratorLike,
    block: Blockly.Block | null
  ): block is Blockly.Block {
    return (
      !!block &&
      block.isEnabled() &&
      !block.isInsertionMarker() &&
      typeof tableOf(generator)[block.type] !== 'function'
    );
  }

  /**
   * The code standing in for a block without a generator function.
   */
  export function missingCode(
    generator: IGeneratorLike,
    block: Blockly.Block,
    thisOnly: boolean | undefined,
    stand: {
      statement: (comment: string) => string;
      value: [string, number];
    }
  ): string | [string, number] {
    if (block.outputConnection) {
      return [
        generator.scrub_(block, stand.value[0], thisOnly),
        stand.value[1]
      ];
    }
    // The comment names the block type only: it is code, not UI, and ends up
    // in scripts that outlive the UI language.
    const comment = `block "${originalBlockType(block)}" has no ${generator.name_} generator`;
    // `scrub_` appends the code of the blocks that follow this one.
    return generator.scrub_(block, stand.statement(comment), thisOnly);
  }
}
