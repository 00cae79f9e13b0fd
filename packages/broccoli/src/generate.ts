/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type * as Blockly from 'blockly';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';

import type { IBlockGenerator } from './generators';
import { originalBlockType, PLACEHOLDER_BLOCK_TYPE } from './placeholder';

/**
 * A block that could not be turned into code.
 */
export interface IMissingGenerator {
  /**
   * The block's id, to mark it on the workspace.
   */
  readonly blockId: string;

  /**
   * The block's type; for a placeholder, the type it stands for.
   */
  readonly type: string;

  /**
   * Whether the block's type is not installed at all (a placeholder), rather
   * than installed without a generator for this language.
   */
  readonly unknownType: boolean;

  /**
   * A translated message for the user.
   */
  readonly message: string;
}

/**
 * The result of generating code.
 */
export interface IGenerateResult {
  /**
   * The generated code as shown to the user: the program, with one comment
   * line at the top for each runtime it needs (`RUNTIME_COMMENT`). Blocks
   * without a generator stand as comments (or a null value) in it; it is
   * empty when `error` is set.
   */
  readonly code: string;

  /**
   * The program without the runtime comments, to run after `runtime`.
   */
  readonly program: string;

  /**
   * The code of the runtimes the program needs, each once, in the order the
   * generator functions asked for them; empty when it needs none. Run it
   * before `program`: `runnableCode(result)` joins them.
   */
  readonly runtime: string;

  /**
   * The blocks that have no generator for the language, in workspace order.
   */
  readonly missing: ReadonlyArray<IMissingGenerator>;

  /**
   * A translated message if a generator function failed, e.g. an add-on's
   * bug; `null` otherwise.
   */
  readonly error: string | null;
}

/**
 * The comment that stands for a runtime in the shown code, without the
 * language's comment marker. It is code, not UI, so it is not translated:
 * exported scripts outlive the UI language.
 */
export const RUNTIME_COMMENT = (name: string): string =>
  `${name} runtime: added when the program runs`;

/**
 * The code to run, copy or export: the runtimes once, then the program.
 *
 * @param result - A result of `generateCode`.
 * @returns The complete code, which runs in a stock kernel.
 */
export function runnableCode(
  result: Pick<IGenerateResult, 'program' | 'runtime'>
): string {
  return result.runtime
    ? `${result.runtime}\n${result.program}`
    : result.program;
}

/**
 * Generate the code of a workspace, without throwing.
 *
 * @param workspace - The workspace.
 * @param generator - A generator from the registry (`getGenerator`).
 * @param options - The translation bundle for messages.
 * @returns The code, the blocks without a generator and any error.
 *
 * #### Notes
 * The registry's generators let a block without a generator function stand
 * as a comment instead of throwing, so the rest of the program is still
 * generated. For any other generator, such blocks are found first and no
 * code is generated.
 */
export function generateCode(
  workspace: Blockly.Workspace,
  generator: Blockly.CodeGenerator,
  options: { trans?: TranslationBundle } = {}
): IGenerateResult {
  const trans = options.trans ?? nullTranslator.load('ltilab');
  const language = generator.name_;
  const describe = (block: Blockly.Block): IMissingGenerator => {
    const type = originalBlockType(block);
    const unknownType = block.type === PLACEHOLDER_BLOCK_TYPE;
    return {
      blockId: block.id,
      type,
      unknownType,
      message: unknownType
        ? trans.__(
            'The block type "%1" is not installed, so no %2 code is generated for it.',
            type,
            language
          )
        : trans.__('The block "%1" has no %2 generator.', type, language)
    };
  };

  if (!Private.isBlockGenerator(generator)) {
    const missing = workspace
      .getAllBlocks(true)
      .filter(
        block =>
          block.isEnabled() &&
          typeof generator.forBlock[block.type] !== 'function'
      );
    if (missing.length > 0) {
      return {
        ...Private.EMPTY,
        missing: missing.map(describe),
        error: null
      };
    }
  }

  try {
    if (Private.isBlockGenerator(generator)) {
      generator.resetMissing();
    }
    const program = generator.workspaceToCode(workspace);
    if (!Private.isBlockGenerator(generator)) {
      return { code: program, program, runtime: '', missing: [], error: null };
    }
    const missing = Private.unique(generator.missingBlocks).map(describe);
    const runtimes = generator.requiredRuntimes;
    if (runtimes.length === 0) {
      return { code: program, program, runtime: '', missing, error: null };
    }
    const comments = runtimes
      .map(runtime => generator.lineComment(RUNTIME_COMMENT(runtime.name)))
      .join('\n');
    const runtime = runtimes
      .map(({ code }) => (code.endsWith('\n') ? code : `${code}\n`))
      .join('\n');
    return {
      code: `${comments}\n${program}`,
      program,
      runtime,
      missing,
      error: null
    };
  } catch (error) {
    return {
      ...Private.EMPTY,
      missing: [],
      error: trans.__(
        'The %1 code could not be generated: %2',
        language,
        error instanceof Error ? error.message : String(error)
      )
    };
  } finally {
    if (Private.isBlockGenerator(generator)) {
      generator.resetMissing();
    }
  }
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * No code.
   */
  export const EMPTY = { code: '', program: '', runtime: '' } as const;

  /**
   * Whether a generator is one of this package's, which record missing blocks.
   */
  export function isBlockGenerator(
    generator: Blockly.CodeGenerator
  ): generator is Blockly.CodeGenerator & IBlockGenerator {
    const candidate = generator as Partial<IBlockGenerator>;
    return (
      typeof candidate.resetMissing === 'function' &&
      typeof candidate.lineComment === 'function' &&
      Array.isArray(candidate.missingBlocks)
    );
  }

  /**
   * The blocks without duplicates, in order. A block is visited twice when,
   * e.g., a procedure definition is generated.
   */
  export function unique(
    blocks: ReadonlyArray<Blockly.Block>
  ): Blockly.Block[] {
    const seen = new Set<string>();
    return blocks.filter(block => {
      if (seen.has(block.id)) {
        return false;
      }
      seen.add(block.id);
      return true;
    });
  }
}
