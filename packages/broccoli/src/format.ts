/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';
import {
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';

import {
  type BlockState,
  ensurePlaceholderBlock,
  fromPlaceholders,
  toPlaceholders
} from './placeholder';
import { DEFAULT_TOOLBOX_ID } from './toolbox';

/**
 * The version of ltilab's additions to the `.jpblockly` format, written to
 * `metadata.ltilab.formatVersion`.
 */
export const FORMAT_VERSION = 1;

/**
 * The file extension of Blockly documents.
 */
export const JPBLOCKLY_EXTENSION = '.jpblockly';

/**
 * The kernelspec stored in a `.jpblockly` file, as jupyterlab-broccoli writes
 * it.
 */
export interface IKernelspecMetadata {
  readonly name: string;
  readonly display_name?: string;
  readonly language?: string;
  readonly [key: string]: unknown;
}

/**
 * ltilab's own metadata, under `metadata.ltilab`.
 */
export interface ILtilabMetadata {
  /**
   * The version of these additions; see `FORMAT_VERSION`.
   */
  readonly formatVersion: number;

  /**
   * The stable id of the document's toolbox.
   */
  readonly toolbox: string;

  /**
   * The block types an exercise allows; absent when every block is allowed.
   */
  readonly allowedBlocks?: ReadonlyArray<string>;

  /**
   * The exercise the file poses, if it is one.
   */
  readonly exercise?: IExerciseMetadata;
}

/**
 * An exercise, under `metadata.ltilab.exercise`. The file's blocks are the
 * starting workspace (empty or partial), and `allowedBlocks` restricts the
 * toolbox.
 */
export interface IExerciseMetadata {
  /**
   * The instructions, by language code (`en`, `ja`): plain text.
   */
  readonly instructions?: { readonly [language: string]: string };

  /**
   * The goal: the output the program must produce, as a MIME bundle (e.g.
   * a turtle drawing under its MIME type). The add-on that renders that MIME
   * type checks its data.
   */
  readonly goal?: { readonly [mimeType: string]: unknown };

  /**
   * How far, in the output's units (pixels for drawings), an attempt may be
   * from the goal and still match.
   */
  readonly tolerance?: number;
}

/**
 * The `metadata` object of a `.jpblockly` file.
 */
export interface IJpblocklyMetadata {
  readonly kernelspec?: IKernelspecMetadata;
  readonly ltilab?: ILtilabMetadata;
  readonly [key: string]: unknown;
}

/**
 * The content of a `.jpblockly` file: Blockly's workspace serialization, plus
 * `metadata` and any keys written by other tools, which are kept.
 */
export interface IJpblocklyContent {
  readonly blocks?: {
    readonly languageVersion?: number;
    readonly blocks?: ReadonlyArray<BlockState>;
  };
  readonly variables?: ReadonlyArray<{
    readonly name: string;
    readonly id: string;
    readonly type?: string;
  }>;
  readonly metadata?: IJpblocklyMetadata;
  readonly [key: string]: unknown;
}

/**
 * An error reading a `.jpblockly` file.
 *
 * #### Notes
 * The message is translated and meant for users; `path` locates the problem
 * in the JSON. A malformed file is never repaired: the editor shows the error
 * and must not overwrite the file.
 */
export class JpblocklyFormatError extends Error {
  /**
   * Construct a new error.
   */
  constructor(options: JpblocklyFormatError.IOptions) {
    super(options.message);
    this.name = 'JpblocklyFormatError';
    this.reason = options.reason;
    this.path = options.path ?? '';
    this.cause = options.cause;
  }

  /**
   * Why the file could not be read.
   */
  readonly reason: JpblocklyFormatError.Reason;

  /**
   * Where in the JSON the problem is, e.g. `blocks.blocks[2].inputs.TEXT`;
   * empty for the whole file.
   */
  readonly path: string;

  /**
   * The underlying error, if any.
   */
  readonly cause: unknown;
}

/**
 * A namespace for `JpblocklyFormatError` statics.
 */
export namespace JpblocklyFormatError {
  /**
   * Why a file could not be read:
   * - `syntax`: the text is not JSON;
   * - `structure`: the JSON is not a Blockly workspace;
   * - `load`: Blockly rejected the workspace.
   */
  export type Reason = 'syntax' | 'structure' | 'load';

  /**
   * The options used to create an error.
   */
  export interface IOptions {
    reason: Reason;
    message: string;
    path?: string;
    cause?: unknown;
  }
}

/**
 * Options shared by the format functions.
 */
export interface IFormatOptions {
  /**
   * The translation bundle for error messages; English by default.
   */
  trans?: TranslationBundle;
}

/**
 * Parse the text of a `.jpblockly` file.
 *
 * @param text - The file's text. An empty (0-byte) or blank file is an empty
 * workspace.
 * @returns The content, as written: nothing is added, dropped or repaired.
 * @throws A `JpblocklyFormatError` if the text is not JSON or not a
 * workspace.
 */
export function parseJpblockly(
  text: string,
  options: IFormatOptions = {}
): IJpblocklyContent {
  const trans = options.trans ?? Private.trans();
  // A byte-order mark is encoding, not content.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new JpblocklyFormatError({
      reason: 'syntax',
      message: trans.__(
        'The file is not valid JSON: %1',
        (error as Error).message
      ),
      cause: error
    });
  }
  Private.validateContent(value, trans);
  return value as IJpblocklyContent;
}

/**
 * Write the content of a `.jpblockly` file as one line of compact JSON, as
 * the predecessors do.
 */
export function serializeJpblockly(content: IJpblocklyContent): string {
  return JSON.stringify(content);
}

/**
 * Read ltilab's metadata of a file, with defaults for files written by other
 * tools.
 *
 * @param content - Content returned by `parseJpblockly`.
 * @returns The metadata; the toolbox is `default` when none is stored.
 */
export function readLtilabMetadata(
  content: IJpblocklyContent
): ILtilabMetadata {
  const stored = content.metadata?.ltilab;
  return {
    formatVersion: stored?.formatVersion ?? FORMAT_VERSION,
    toolbox: stored?.toolbox ?? DEFAULT_TOOLBOX_ID,
    ...(stored?.allowedBlocks
      ? { allowedBlocks: [...stored.allowedBlocks] }
      : {}),
    ...(stored?.exercise ? { exercise: stored.exercise } : {})
  };
}

/**
 * The block types a file uses, shadow blocks excepted, sorted.
 *
 * @param content - Content returned by `parseJpblockly`.
 */
export function contentBlockTypes(content: IJpblocklyContent): string[] {
  const types = new Set<string>();
  const visit = (block: BlockState | undefined): void => {
    if (!block) {
      return;
    }
    types.add(block.type);
    for (const input of Object.values(block.inputs ?? {})) {
      visit(input?.block);
    }
    visit(block.next?.block);
  };
  (content.blocks?.blocks ?? []).forEach(block => visit(block));
  return [...types].sort();
}

/**
 * The result of loading a file into a workspace.
 */
export interface ILoadResult {
  /**
   * The block types that are not defined and were loaded as placeholders,
   * sorted. Placeholders are written back unchanged by `saveWorkspace`.
   */
  readonly unknownTypes: ReadonlyArray<string>;
}

/**
 * Load file content into a workspace, replacing what it holds.
 *
 * @param workspace - The workspace, headless or rendered.
 * @param content - Content returned by `parseJpblockly`.
 * @param options - Translation, and which block types count as defined.
 * @returns The block types that were replaced by placeholders.
 * @throws A `JpblocklyFormatError` with reason `load` if Blockly rejects the
 * content; the workspace may then be partly loaded.
 *
 * #### Notes
 * Blockly fires events while loading, ending with `FINISHED_LOADING`; a
 * document model should ignore events until then. No undo is recorded.
 */
export function loadWorkspace(
  workspace: Blockly.Workspace,
  content: IJpblocklyContent,
  options: IFormatOptions & { isKnown?: (type: string) => boolean } = {}
): ILoadResult {
  const trans = options.trans ?? Private.trans();
  const isKnown =
    options.isKnown ??
    ((type: string) =>
      Object.prototype.hasOwnProperty.call(Blockly.Blocks, type));
  ensurePlaceholderBlock();

  const state: { [key: string]: unknown } = {};
  const serializers = Private.serializerNames();
  for (const key of Object.keys(content)) {
    if (serializers.has(key)) {
      state[key] = content[key];
    }
  }
  let unknownTypes: string[] = [];
  if (content.blocks?.blocks) {
    const converted = toPlaceholders(content.blocks.blocks, isKnown);
    unknownTypes = converted.unknownTypes;
    state.blocks = { ...content.blocks, blocks: converted.blocks };
  }
  try {
    Blockly.serialization.workspaces.load(state, workspace, {
      recordUndo: false
    });
  } catch (error) {
    throw new JpblocklyFormatError({
      reason: 'load',
      message: trans.__(
        'The blocks could not be loaded: %1',
        (error as Error).message ?? String(error)
      ),
      cause: error
    });
  }
  return { unknownTypes };
}

/**
 * Options for `saveWorkspace`.
 */
export interface ISaveOptions {
  /**
   * The content the document was loaded from. Its unknown top-level keys and
   * its metadata (e.g. `kernelspec`) are kept.
   */
  previous?: IJpblocklyContent;

  /**
   * The kernelspec to store; the previous one is kept when absent.
   */
  kernelspec?: IKernelspecMetadata;

  /**
   * ltilab's metadata to store, merged over the previous one.
   */
  ltilab?: Partial<ILtilabMetadata>;
}

/**
 * Save a workspace as file content.
 *
 * @param workspace - The workspace.
 * @param options - The previous content and the metadata to store.
 * @returns The content to write with `serializeJpblockly`.
 *
 * #### Notes
 * - `blocks` is absent when the workspace is empty, and `variables` is always
 *   written, so jupyterlab-broccoli 0.4.x and jupyterlab-blockly read it.
 * - Placeholders are written back as the blocks they stand for.
 * - Keys owned by a Blockly serializer come from the workspace only, so that
 *   deleted content never comes back from `previous`.
 */
export function saveWorkspace(
  workspace: Blockly.Workspace,
  options: ISaveOptions = {}
): IJpblocklyContent {
  const previous = options.previous ?? {};
  const saved = Blockly.serialization.workspaces.save(workspace) as {
    [key: string]: unknown;
  };
  const serializers = Private.serializerNames();
  const content: { [key: string]: unknown } = {};

  const blocks = saved.blocks as IJpblocklyContent['blocks'] | undefined;
  if (blocks?.blocks && blocks.blocks.length > 0) {
    content.blocks = { ...blocks, blocks: fromPlaceholders(blocks.blocks) };
  }
  content.variables = saved.variables ?? [];
  for (const key of Object.keys(saved)) {
    if (key !== 'blocks' && key !== 'variables') {
      content[key] = saved[key];
    }
  }
  for (const key of Object.keys(previous)) {
    if (key !== 'metadata' && !serializers.has(key) && !(key in content)) {
      content[key] = previous[key];
    }
  }

  const metadata: { [key: string]: unknown } = { ...(previous.metadata ?? {}) };
  if (options.kernelspec) {
    metadata.kernelspec = options.kernelspec;
  }
  const ltilab = {
    ...(previous.metadata?.ltilab ?? {}),
    ...options.ltilab,
    formatVersion: FORMAT_VERSION
  };
  metadata.ltilab = {
    formatVersion: ltilab.formatVersion,
    toolbox: ltilab.toolbox ?? DEFAULT_TOOLBOX_ID,
    ...(ltilab.allowedBlocks
      ? { allowedBlocks: [...ltilab.allowedBlocks] }
      : {}),
    ...(ltilab.exercise ? { exercise: ltilab.exercise } : {})
  };
  content.metadata = metadata;
  return content as IJpblocklyContent;
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * The default translation bundle.
   */
  export function trans(): TranslationBundle {
    return nullTranslator.load('ltilab');
  }

  /**
   * The top-level keys Blockly's registered serializers own, e.g. `blocks`,
   * `variables` and `workspaceComments`.
   */
  export function serializerNames(): Set<string> {
    const names = Object.keys(
      Blockly.registry.getAllItems(Blockly.registry.Type.SERIALIZER, true) ?? {}
    );
    return new Set([...names, 'blocks', 'variables']);
  }

  /**
   * A JSON object.
   */
  type JsonObject = { [key: string]: unknown };

  /**
   * Whether a value is a JSON object (not an array or null).
   */
  function isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /**
   * Check that parsed JSON is a workspace, without changing it.
   */
  export function validateContent(
    value: unknown,
    trans: TranslationBundle
  ): void {
    const fail = (path: string, message: string): never => {
      throw new JpblocklyFormatError({
        reason: 'structure',
        path,
        message: path
          ? trans.__(
              'The file is not a Blockly workspace: %1 (at %2)',
              message,
              path
            )
          : trans.__('The file is not a Blockly workspace: %1', message)
      });
    };
    if (!isObject(value)) {
      fail('', trans.__('the top level must be a JSON object'));
    }
    const content = value as JsonObject;
    if (content.blocks !== undefined) {
      if (!isObject(content.blocks)) {
        fail('blocks', trans.__('expected an object'));
      }
      const blocks = (content.blocks as JsonObject).blocks;
      if (blocks !== undefined) {
        if (!Array.isArray(blocks)) {
          fail('blocks.blocks', trans.__('expected a list of blocks'));
        }
        (blocks as unknown[]).forEach((block, i) =>
          validateBlock(block, `blocks.blocks[${i}]`, fail, trans)
        );
      }
    }
    if (content.variables !== undefined) {
      if (!Array.isArray(content.variables)) {
        fail('variables', trans.__('expected a list of variables'));
      }
      (content.variables as unknown[]).forEach((variable, i) => {
        if (
          !isObject(variable) ||
          typeof variable.name !== 'string' ||
          typeof variable.id !== 'string'
        ) {
          fail(
            `variables[${i}]`,
            trans.__('a variable needs a "name" and an "id"')
          );
        }
      });
    }
    if (content.metadata !== undefined) {
      if (!isObject(content.metadata)) {
        fail('metadata', trans.__('expected an object'));
      }
      const metadata = content.metadata as JsonObject;
      if (metadata.kernelspec !== undefined && !isObject(metadata.kernelspec)) {
        fail('metadata.kernelspec', trans.__('expected an object'));
      }
      if (metadata.ltilab !== undefined) {
        validateLtilab(metadata.ltilab, fail, trans);
      }
    }
  }

  /**
   * Check `metadata.ltilab`.
   */
  function validateLtilab(
    value: unknown,
    fail: (path: string, message: string) => never,
    trans: TranslationBundle
  ): void {
    if (!isObject(value)) {
      fail('metadata.ltilab', trans.__('expected an object'));
    }
    const ltilab = value as JsonObject;
    if (
      ltilab.formatVersion !== undefined &&
      (typeof ltilab.formatVersion !== 'number' ||
        !Number.isInteger(ltilab.formatVersion))
    ) {
      fail(
        'metadata.ltilab.formatVersion',
        trans.__('expected a whole number')
      );
    }
    if (ltilab.toolbox !== undefined && typeof ltilab.toolbox !== 'string') {
      fail('metadata.ltilab.toolbox', trans.__('expected a toolbox id'));
    }
    if (
      ltilab.allowedBlocks !== undefined &&
      (!Array.isArray(ltilab.allowedBlocks) ||
        !ltilab.allowedBlocks.every(type => typeof type === 'string'))
    ) {
      fail(
        'metadata.ltilab.allowedBlocks',
        trans.__('expected a list of block types')
      );
    }
    if (ltilab.exercise !== undefined) {
      validateExercise(ltilab.exercise, fail, trans);
    }
  }

  /**
   * Check `metadata.ltilab.exercise`.
   */
  function validateExercise(
    value: unknown,
    fail: (path: string, message: string) => never,
    trans: TranslationBundle
  ): void {
    const at = 'metadata.ltilab.exercise';
    if (!isObject(value)) {
      fail(at, trans.__('expected an object'));
    }
    const exercise = value as JsonObject;
    if (
      exercise.instructions !== undefined &&
      (!isObject(exercise.instructions) ||
        !Object.values(exercise.instructions).every(
          text => typeof text === 'string'
        ))
    ) {
      fail(
        `${at}.instructions`,
        trans.__('expected texts by language code, e.g. {"en": "…"}')
      );
    }
    if (
      exercise.goal !== undefined &&
      (!isObject(exercise.goal) || Object.keys(exercise.goal).length === 0)
    ) {
      fail(
        `${at}.goal`,
        trans.__('expected a MIME bundle, e.g. {"<MIME type>": …}')
      );
    }
    if (
      exercise.tolerance !== undefined &&
      (typeof exercise.tolerance !== 'number' ||
        !Number.isFinite(exercise.tolerance) ||
        exercise.tolerance < 0)
    ) {
      fail(`${at}.tolerance`, trans.__('expected a number of 0 or more'));
    }
  }

  /**
   * Check one block state and its children.
   */
  function validateBlock(
    value: unknown,
    path: string,
    fail: (path: string, message: string) => never,
    trans: TranslationBundle
  ): void {
    if (!isObject(value)) {
      fail(path, trans.__('expected a block object'));
    }
    const block = value as JsonObject;
    if (typeof block.type !== 'string' || block.type === '') {
      fail(path, trans.__('a block needs a "type"'));
    }
    const connection = (connectionValue: unknown, at: string) => {
      if (!isObject(connectionValue)) {
        fail(at, trans.__('expected an object'));
      }
      const { shadow, block: child } = connectionValue as JsonObject;
      if (shadow !== undefined) {
        validateBlock(shadow, `${at}.shadow`, fail, trans);
      }
      if (child !== undefined) {
        validateBlock(child, `${at}.block`, fail, trans);
      }
    };
    if (block.inputs !== undefined) {
      if (!isObject(block.inputs)) {
        fail(`${path}.inputs`, trans.__('expected an object'));
      }
      for (const [name, input] of Object.entries(block.inputs as JsonObject)) {
        connection(input, `${path}.inputs.${name}`);
      }
    }
    if (block.next !== undefined) {
      connection(block.next, `${path}.next`);
    }
  }
}
