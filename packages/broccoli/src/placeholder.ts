/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';

/**
 * The block type that stands in for a block whose type is not defined, e.g. a
 * turtle block in a file opened without the turtle add-on.
 */
export const PLACEHOLDER_BLOCK_TYPE = 'ltilab_unknown_block';

/**
 * The Blockly message keys of the placeholder block, with their English text.
 * Translations are registered like any other message bundle.
 */
export const PLACEHOLDER_MESSAGES = {
  en: {
    LTILAB_UNKNOWN_BLOCK: 'unknown block %1',
    LTILAB_UNKNOWN_BLOCK_TOOLTIP:
      'This block type is not installed. The block is kept unchanged when the file is saved.'
  },
  ja: {
    LTILAB_UNKNOWN_BLOCK: '不明なブロック %1',
    LTILAB_UNKNOWN_BLOCK_TOOLTIP:
      'このブロックの種類はインストールされていません。ファイルを保存しても、ブロックはそのまま残ります。'
  }
};

/**
 * A block's serialized state, as in a `.jpblockly` file.
 */
export type BlockState = Blockly.serialization.blocks.State;

/**
 * The extra state of a placeholder block: what it needs to be restored.
 */
export interface IPlaceholderState {
  /**
   * The original block's state, without what the placeholder carries itself
   * (id, position, flags, comments, inputs and next block): at least its
   * `type`, plus its `fields`, `extraState`, `data` and any unknown keys.
   */
  readonly original: { readonly type: string; readonly [key: string]: unknown };

  /**
   * The original block's inputs, in order, and whether each one holds
   * statements or a value.
   */
  readonly inputs: ReadonlyArray<{ name: string; statement: boolean }>;

  /**
   * Whether the block sits in a value input, and so needs an output
   * connection rather than previous/next connections.
   */
  readonly output: boolean;
}

/**
 * Get the type a block really has: the original type for a placeholder, or
 * the block's own type.
 */
export function originalBlockType(block: Blockly.Block): string {
  if (block.type === PLACEHOLDER_BLOCK_TYPE) {
    const state = (block as Private.PlaceholderBlock).ltilabPlaceholder;
    if (state) {
      return state.original.type;
    }
  }
  return block.type;
}

/**
 * Define the placeholder block type, once per Blockly instance.
 */
export function ensurePlaceholderBlock(): void {
  if (!Blockly.Blocks[PLACEHOLDER_BLOCK_TYPE]) {
    Blockly.common.defineBlocks({
      [PLACEHOLDER_BLOCK_TYPE]: Private.definition
    });
  }
}

/**
 * Replace the blocks of undefined types in serialized workspace blocks by
 * placeholders. The input is not modified.
 *
 * @param blocks - The `blocks.blocks` array of a `.jpblockly` file.
 * @param isKnown - Whether a block type is defined.
 * @returns The blocks to load, and the unknown types found, sorted.
 */
export function toPlaceholders(
  blocks: ReadonlyArray<BlockState>,
  isKnown: (type: string) => boolean
): { blocks: BlockState[]; unknownTypes: string[] } {
  const converter = new Private.Converter(isKnown);
  try {
    const converted = blocks.map(block => converter.convert(block, false));
    return { blocks: converted, unknownTypes: [...converter.unknown].sort() };
  } finally {
    converter.dispose();
  }
}

/**
 * Restore the original blocks in serialized workspace blocks, which
 * `toPlaceholders` replaced. The input is not modified.
 *
 * @param blocks - The `blocks.blocks` array of a saved workspace.
 * @returns The blocks to write to the file.
 */
export function fromPlaceholders(
  blocks: ReadonlyArray<BlockState>
): BlockState[] {
  return blocks.map(block => Private.restore(block));
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * A placeholder block instance.
   */
  export type PlaceholderBlock = Blockly.Block & {
    ltilabPlaceholder?: IPlaceholderState;
  };

  /**
   * The block state keys that the placeholder carries live, so that moving,
   * collapsing, disabling or commenting it is saved.
   */
  const LIVE_KEYS = new Set([
    'id',
    'x',
    'y',
    'collapsed',
    'deletable',
    'movable',
    'editable',
    'enabled',
    'disabledReasons',
    'inline',
    'icons',
    'inputs',
    'next'
  ]);

  /**
   * Resolve a message, with an English fallback when no bundle defines it.
   */
  function message(key: keyof (typeof PLACEHOLDER_MESSAGES)['en']): string {
    return Blockly.Msg[key] ?? PLACEHOLDER_MESSAGES.en[key];
  }

  /**
   * The placeholder block definition. Its shape (inputs and connections) is
   * rebuilt from its extra state, so it fits where the original block was.
   */
  export const definition = {
    init(this: PlaceholderBlock): void {
      this.setColour('#a0a0a0');
      this.setTooltip(() => message('LTILAB_UNKNOWN_BLOCK_TOOLTIP'));
      this.appendDummyInput('LTILAB_LABEL').appendField(
        new Blockly.FieldLabel(
          message('LTILAB_UNKNOWN_BLOCK').replace('%1', '?')
        ),
        'LTILAB_TYPE'
      );
    },

    saveExtraState(this: PlaceholderBlock): IPlaceholderState | null {
      return this.ltilabPlaceholder ?? null;
    },

    loadExtraState(this: PlaceholderBlock, state: IPlaceholderState): void {
      this.ltilabPlaceholder = state;
      this.setFieldValue(
        message('LTILAB_UNKNOWN_BLOCK').replace('%1', state.original.type),
        'LTILAB_TYPE'
      );
      for (const input of state.inputs) {
        const added = input.statement
          ? this.appendStatementInput(input.name)
          : this.appendValueInput(input.name);
        added.appendField(input.name);
      }
      if (state.output) {
        this.setOutput(true);
      } else {
        this.setPreviousStatement(true);
        this.setNextStatement(true);
      }
    }
  };

  /**
   * Converts unknown blocks to placeholders, using a scratch workspace to
   * learn the connection types of known blocks.
   */
  export class Converter {
    constructor(private readonly _isKnown: (type: string) => boolean) {}

    /**
     * The unknown block types found.
     */
    readonly unknown = new Set<string>();

    /**
     * Convert one block and its children.
     *
     * @param state - The block state.
     * @param output - Whether the block sits in a value input.
     */
    convert(state: BlockState, output: boolean): BlockState {
      const known = this._isKnown(state.type);
      const inputs: {
        [name: string]: Blockly.serialization.blocks.ConnectionState;
      } = {};
      const shape: { name: string; statement: boolean }[] = [];
      for (const [name, connection] of Object.entries(state.inputs ?? {})) {
        const statement = this._isStatementInput(
          state,
          known,
          name,
          connection
        );
        shape.push({ name, statement });
        const converted: Blockly.serialization.blocks.ConnectionState = {};
        if (connection.shadow) {
          converted.shadow = this.convert(connection.shadow, !statement);
        }
        if (connection.block) {
          converted.block = this.convert(connection.block, !statement);
        }
        inputs[name] = converted;
      }
      const next = state.next
        ? {
            ...(state.next.shadow
              ? { shadow: this.convert(state.next.shadow, false) }
              : {}),
            ...(state.next.block
              ? { block: this.convert(state.next.block, false) }
              : {})
          }
        : undefined;

      const result: { [key: string]: unknown } = {};
      const original: { [key: string]: unknown } = { type: state.type };
      for (const [key, value] of Object.entries(state)) {
        if (key === 'inputs' || key === 'next') {
          continue;
        }
        if (known || LIVE_KEYS.has(key)) {
          result[key] = value;
        } else {
          original[key] = value;
        }
      }
      if (!known) {
        this.unknown.add(state.type);
        const extraState: IPlaceholderState = {
          original: original as IPlaceholderState['original'],
          inputs: shape,
          // A block with a next block cannot have an output connection.
          output: output && !state.next
        };
        result.type = PLACEHOLDER_BLOCK_TYPE;
        result.extraState = extraState;
      }
      if (state.inputs) {
        result.inputs = inputs;
      }
      if (next) {
        result.next = next;
      }
      return result as unknown as BlockState;
    }

    /**
     * Dispose of the scratch workspace.
     */
    dispose(): void {
      this._scratch?.dispose();
      this._scratch = null;
    }

    /**
     * Whether an input holds statements. It only matters when the block or
     * the child is a placeholder, so known pairs are not looked up.
     */
    private _isStatementInput(
      parent: BlockState,
      parentKnown: boolean,
      name: string,
      connection: Blockly.serialization.blocks.ConnectionState
    ): boolean {
      const child = connection.block ?? connection.shadow;
      const childKnown = !child || this._isKnown(child.type);
      if (parentKnown && childKnown) {
        return false;
      }
      if (parentKnown) {
        const type = this._inputType(parent, name);
        if (type !== null) {
          return type === Blockly.inputs.inputTypes.STATEMENT;
        }
      }
      if (child && childKnown) {
        return !this._hasOutput(child.type);
      }
      // Two unknown blocks: only a statement can have a next block.
      return !!child?.next;
    }

    /**
     * The type of a known block's input, taking its extra state into account
     * (e.g. `controls_if` with `else if` branches).
     */
    private _inputType(parent: BlockState, name: string): number | null {
      return this._withBlock(
        { type: parent.type, extraState: parent.extraState },
        block => block.getInput(name)?.type ?? null
      );
    }

    /**
     * Whether a known block type has an output connection.
     */
    private _hasOutput(type: string): boolean {
      let cached = this._outputs.get(type);
      if (cached === undefined) {
        cached =
          this._withBlock({ type }, block => !!block.outputConnection) ?? false;
        this._outputs.set(type, cached);
      }
      return cached;
    }

    /**
     * Create a block in the scratch workspace, query it and delete it.
     */
    private _withBlock<T>(
      state: BlockState,
      query: (block: Blockly.Block) => T
    ): T | null {
      if (!this._scratch) {
        this._scratch = new Blockly.Workspace();
      }
      const events = Blockly.Events.isEnabled();
      Blockly.Events.disable();
      try {
        const block = Blockly.serialization.blocks.append(
          state,
          this._scratch,
          {
            recordUndo: false
          }
        );
        return query(block);
      } catch {
        // The extra state did not fit the block; fall back to the child.
        return null;
      } finally {
        this._scratch.clear();
        if (events) {
          Blockly.Events.enable();
        }
      }
    }

    private _scratch: Blockly.Workspace | null = null;
    private _outputs = new Map<string, boolean>();
  }

  /**
   * Restore one block and its children.
   */
  export function restore(state: BlockState): BlockState {
    let result: { [key: string]: unknown };
    if (
      state.type === PLACEHOLDER_BLOCK_TYPE &&
      isPlaceholderState(state.extraState)
    ) {
      const { type, ...rest } = state.extraState.original;
      // The type, id and position first, as Blockly writes them.
      result = { type };
      for (const [key, value] of Object.entries(state)) {
        if (LIVE_KEYS.has(key) && key !== 'inputs' && key !== 'next') {
          result[key] = value;
        }
      }
      Object.assign(result, rest);
    } else {
      result = { ...state };
    }
    if (state.inputs) {
      const inputs: { [name: string]: { [key: string]: BlockState } } = {};
      for (const [name, connection] of Object.entries(state.inputs)) {
        inputs[name] = restoreConnection(connection);
      }
      result.inputs = inputs;
    }
    if (state.next) {
      result.next = restoreConnection(state.next);
    }
    return result as unknown as BlockState;
  }

  /**
   * Restore the blocks of a connection.
   */
  function restoreConnection(
    connection: Blockly.serialization.blocks.ConnectionState
  ): { [key: string]: BlockState } {
    const result: { [key: string]: BlockState } = {};
    if (connection.shadow) {
      result.shadow = restore(connection.shadow);
    }
    if (connection.block) {
      result.block = restore(connection.block);
    }
    return result;
  }

  /**
   * Whether a value is a placeholder's extra state.
   */
  function isPlaceholderState(value: unknown): value is IPlaceholderState {
    const state = value as IPlaceholderState | null | undefined;
    return (
      !!state &&
      typeof state === 'object' &&
      !!state.original &&
      typeof state.original.type === 'string' &&
      Array.isArray(state.inputs)
    );
  }
}
