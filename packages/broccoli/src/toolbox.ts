/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type * as Blockly from 'blockly';

import type { IMessageBundle } from './tokens';

/**
 * The stable id of the default toolbox.
 */
export const DEFAULT_TOOLBOX_ID = 'default';

/**
 * The block types that Blockly's dynamic categories (`custom: 'VARIABLE'` and
 * `custom: 'PROCEDURE'`) put into their flyouts.
 */
export const DYNAMIC_CATEGORY_BLOCKS: {
  readonly [custom: string]: ReadonlyArray<string>;
} = {
  VARIABLE: ['variables_set', 'math_change', 'variables_get'],
  PROCEDURE: [
    'procedures_defnoreturn',
    'procedures_defreturn',
    'procedures_ifreturn',
    'procedures_callnoreturn',
    'procedures_callreturn'
  ]
};

/**
 * The names of the default toolbox's categories, by Blockly locale.
 *
 * #### Notes
 * The keys are those of jupyterlab-broccoli (`%{BKY_TOOLBOX_LOGIC}` …), so
 * toolboxes written for it keep their category names. Blockly has no messages
 * for category names; locales without a bundle fall back to English.
 */
export const TOOLBOX_MESSAGES: { readonly [locale: string]: IMessageBundle } = {
  en: {
    TOOLBOX_LOGIC: 'Logic',
    TOOLBOX_LOOPS: 'Loops',
    TOOLBOX_MATH: 'Math',
    TOOLBOX_TEXT: 'Text',
    TOOLBOX_LISTS: 'Lists',
    TOOLBOX_COLOR: 'Colour',
    TOOLBOX_VARIABLES: 'Variables',
    TOOLBOX_FUNCTIONS: 'Functions'
  },
  ja: {
    TOOLBOX_LOGIC: '論理',
    TOOLBOX_LOOPS: '繰返し',
    TOOLBOX_MATH: '数学',
    TOOLBOX_TEXT: 'テキスト',
    TOOLBOX_LISTS: 'リスト',
    TOOLBOX_COLOR: '色',
    TOOLBOX_VARIABLES: '変数',
    TOOLBOX_FUNCTIONS: '関数'
  },
  'zh-hans': {
    TOOLBOX_LOGIC: '逻辑',
    TOOLBOX_LOOPS: '循环',
    TOOLBOX_MATH: '数学',
    TOOLBOX_TEXT: '文本',
    TOOLBOX_LISTS: '列表',
    TOOLBOX_COLOR: '颜色',
    TOOLBOX_VARIABLES: '变量',
    TOOLBOX_FUNCTIONS: '函数'
  },
  'zh-hant': {
    TOOLBOX_LOGIC: '邏輯',
    TOOLBOX_LOOPS: '迴圈',
    TOOLBOX_MATH: '數學',
    TOOLBOX_TEXT: '文字',
    TOOLBOX_LISTS: '列表',
    TOOLBOX_COLOR: '顏色',
    TOOLBOX_VARIABLES: '變數',
    TOOLBOX_FUNCTIONS: '函式'
  }
};

/**
 * Create the default toolbox: Logic, Loops, Math, Text, Lists, Colour, then
 * a separator, Variables and Functions.
 *
 * @returns A fresh JSON toolbox definition, which the caller may modify.
 *
 * #### Notes
 * Defaults for inputs are shadow blocks given as JSON, never as `blockxml`.
 */
export function createDefaultToolbox(): Blockly.utils.toolbox.ToolboxInfo {
  const { block, num, text } = Private;
  return {
    kind: 'categoryToolbox',
    contents: [
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_LOGIC}',
        colour: '210',
        contents: [
          block('controls_if'),
          block('logic_compare'),
          block('logic_operation'),
          block('logic_negate'),
          block('logic_boolean'),
          block('logic_null'),
          block('logic_ternary')
        ]
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_LOOPS}',
        colour: '120',
        contents: [
          block('controls_repeat_ext', { TIMES: num(10) }),
          block('controls_whileUntil'),
          block('controls_for', { FROM: num(1), TO: num(10), BY: num(1) }),
          block('controls_forEach'),
          block('controls_flow_statements')
        ]
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_MATH}',
        colour: '230',
        contents: [
          { kind: 'block', type: 'math_number', fields: { NUM: 123 } },
          block('math_arithmetic', { A: num(1), B: num(1) }),
          block('math_single', { NUM: num(9) }),
          block('math_trig', { NUM: num(45) }),
          block('math_constant'),
          block('math_number_property', { NUMBER_TO_CHECK: num(0) }),
          block('math_change', { DELTA: num(1) }),
          block('math_round', { NUM: num(3.1) }),
          block('math_on_list'),
          block('math_modulo', { DIVIDEND: num(64), DIVISOR: num(10) }),
          block('math_constrain', {
            VALUE: num(50),
            LOW: num(1),
            HIGH: num(100)
          }),
          block('math_random_int', { FROM: num(1), TO: num(100) }),
          block('math_random_float')
        ]
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_TEXT}',
        colour: '160',
        contents: [
          block('text'),
          block('text_join'),
          block('text_append', { TEXT: text('') }),
          block('text_length', { VALUE: text('abc') }),
          block('text_isEmpty', { VALUE: text('') }),
          block('text_indexOf', { VALUE: text('abc'), FIND: text('b') }),
          block('text_charAt', { VALUE: text('abc') }),
          block('text_getSubstring', { STRING: text('abc') }),
          block('text_changeCase', { TEXT: text('abc') }),
          block('text_trim', { TEXT: text('abc') }),
          block('text_print', { TEXT: text('abc') }),
          block('text_prompt_ext', { TEXT: text('abc') })
        ]
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_LISTS}',
        colour: '260',
        contents: [
          {
            kind: 'block',
            type: 'lists_create_with',
            extraState: { itemCount: 0 }
          },
          block('lists_create_with'),
          block('lists_repeat', { NUM: num(5) }),
          block('lists_length'),
          block('lists_isEmpty'),
          block('lists_indexOf'),
          block('lists_getIndex'),
          block('lists_setIndex'),
          block('lists_getSublist'),
          block('lists_split', { DELIM: text(',') }),
          block('lists_sort')
        ]
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_COLOR}',
        colour: '20',
        contents: [
          block('colour_picker'),
          block('colour_random'),
          block('colour_rgb', { RED: num(100), GREEN: num(50), BLUE: num(0) }),
          block('colour_blend', {
            COLOUR1: Private.colour('#ff0000'),
            COLOUR2: Private.colour('#3333ff'),
            RATIO: num(0.5)
          })
        ]
      },
      { kind: 'sep' },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_VARIABLES}',
        colour: '330',
        custom: 'VARIABLE'
      },
      {
        kind: 'category',
        name: '%{BKY_TOOLBOX_FUNCTIONS}',
        colour: '290',
        custom: 'PROCEDURE'
      }
    ]
  };
}

/**
 * The block types a toolbox offers, in order and without duplicates.
 *
 * @param toolbox - A JSON toolbox definition.
 * @param options - Whether to include the block types of dynamic categories.
 */
export function toolboxBlockTypes(
  toolbox: Blockly.utils.toolbox.ToolboxInfo,
  options: { dynamic?: boolean } = {}
): string[] {
  const types = new Set<string>();
  const visit = (items: ReadonlyArray<Private.IItem>) => {
    for (const item of items) {
      const kind = String(item.kind).toLowerCase();
      if (kind === 'block' && typeof item.type === 'string') {
        types.add(item.type);
      } else if (kind === 'category') {
        if (options.dynamic && typeof item.custom === 'string') {
          for (const type of DYNAMIC_CATEGORY_BLOCKS[item.custom] ?? []) {
            types.add(type);
          }
        }
        visit(Private.contentsOf(item));
      }
    }
  };
  visit(Private.contentsOf(toolbox as unknown as Private.IItem));
  return [...types];
}

/**
 * The toolbox for a file that stores none: the first toolbox that offers
 * every block type the file uses.
 *
 * @param toolboxes - The candidates, best first (the registry's order).
 * @param types - The file's block types (`contentBlockTypes`).
 * @returns The toolbox's id, or `DEFAULT_TOOLBOX_ID` if none offers them all.
 *
 * #### Notes
 * jupyterlab-broccoli never saved the toolbox: its turtle files open with
 * the Turtle toolbox this way, and other files with the default one.
 */
export function toolboxForBlocks(
  toolboxes: ReadonlyArray<{
    readonly id: string;
    readonly toolbox: Blockly.utils.toolbox.ToolboxInfo;
  }>,
  types: ReadonlyArray<string>
): string {
  const found = toolboxes.find(({ toolbox }) => {
    const offered = new Set(toolboxBlockTypes(toolbox, { dynamic: true }));
    return types.every(type => offered.has(type));
  });
  return found?.id ?? DEFAULT_TOOLBOX_ID;
}

/**
 * Restrict a toolbox to the blocks an exercise allows.
 *
 * @param toolbox - A JSON toolbox definition; it is not modified.
 * @param allowedBlocks - The block types to keep.
 * @returns A new toolbox holding only the allowed blocks.
 *
 * #### Notes
 * - A toolbox block is kept if its type and the type of every non-shadow
 *   block inside it are allowed; shadow blocks are defaults, not choices.
 * - A dynamic category (`custom: 'VARIABLE'`/`'PROCEDURE'`) is kept if any of
 *   its blocks is allowed.
 * - Categories left empty are dropped, and so are separators and labels with
 *   nothing to separate or label.
 */
export function restrictToolbox(
  toolbox: Blockly.utils.toolbox.ToolboxInfo,
  allowedBlocks: Iterable<string>
): Blockly.utils.toolbox.ToolboxInfo {
  const allowed = new Set(allowedBlocks);
  const root = toolbox as unknown as Private.IItem;
  return {
    ...root,
    contents: Private.restrictItems(Private.contentsOf(root), allowed)
  } as unknown as Blockly.utils.toolbox.ToolboxInfo;
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * A toolbox item seen as plain JSON.
   */
  export interface IItem {
    readonly kind: string;
    readonly type?: string;
    readonly custom?: string;
    readonly contents?: ReadonlyArray<IItem>;
    readonly inputs?: { readonly [name: string]: IConnection };
    readonly next?: IConnection;
    readonly [key: string]: unknown;
  }

  /**
   * A connection in serialized block state.
   */
  interface IConnection {
    readonly shadow?: IItem;
    readonly block?: IItem;
  }

  type Inputs = {
    [name: string]: { shadow: Blockly.serialization.blocks.State };
  };

  /**
   * A toolbox block with shadow inputs.
   */
  export function block(
    type: string,
    inputs?: Inputs
  ): Blockly.utils.toolbox.BlockInfo {
    return inputs ? { kind: 'block', type, inputs } : { kind: 'block', type };
  }

  /**
   * A number shadow.
   */
  export function num(value: number): {
    shadow: Blockly.serialization.blocks.State;
  } {
    return { shadow: { type: 'math_number', fields: { NUM: value } } };
  }

  /**
   * A text shadow.
   */
  export function text(value: string): {
    shadow: Blockly.serialization.blocks.State;
  } {
    return { shadow: { type: 'text', fields: { TEXT: value } } };
  }

  /**
   * A colour shadow.
   */
  export function colour(value: string): {
    shadow: Blockly.serialization.blocks.State;
  } {
    return { shadow: { type: 'colour_picker', fields: { COLOUR: value } } };
  }

  /**
   * The contents of a toolbox or category, or an empty list.
   */
  export function contentsOf(item: IItem): ReadonlyArray<IItem> {
    return Array.isArray(item.contents) ? item.contents : [];
  }

  /**
   * Restrict a list of toolbox items.
   */
  export function restrictItems(
    items: ReadonlyArray<IItem>,
    allowed: ReadonlySet<string>
  ): IItem[] {
    const kept: IItem[] = [];
    for (const item of items) {
      const kind = String(item.kind).toLowerCase();
      if (kind === 'block') {
        if (isBlockAllowed(item, allowed)) {
          kept.push(item);
        }
      } else if (kind === 'category') {
        if (typeof item.custom === 'string') {
          const members = DYNAMIC_CATEGORY_BLOCKS[item.custom] ?? [];
          if (members.some(type => allowed.has(type))) {
            kept.push(item);
          }
        } else {
          const contents = restrictItems(contentsOf(item), allowed);
          if (contents.some(child => child.kind.toLowerCase() !== 'sep')) {
            kept.push({ ...item, contents });
          }
        }
      } else {
        kept.push(item);
      }
    }
    return tidy(kept);
  }

  /**
   * Whether a toolbox block and its non-shadow children are allowed.
   */
  function isBlockAllowed(item: IItem, allowed: ReadonlySet<string>): boolean {
    if (typeof item.type !== 'string' || !allowed.has(item.type)) {
      return false;
    }
    const children = [
      ...Object.values(item.inputs ?? {}),
      ...(item.next ? [item.next] : [])
    ];
    return children.every(
      child => !child.block || isBlockAllowed(child.block, allowed)
    );
  }

  /**
   * Drop separators and labels that no longer have a neighbour block or
   * category to separate or label.
   */
  function tidy(items: IItem[]): IItem[] {
    const isContent = (item: IItem) => {
      const kind = item.kind.toLowerCase();
      return kind === 'block' || kind === 'category' || kind === 'button';
    };
    const result: IItem[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const kind = item.kind.toLowerCase();
      if (kind === 'sep') {
        const before = result.some(isContent);
        const after = items.slice(i + 1).some(isContent);
        const last = result[result.length - 1];
        if (before && after && last && last.kind.toLowerCase() !== 'sep') {
          result.push(item);
        }
      } else if (kind === 'label') {
        // A label heads the items up to the next label or separator.
        let j = i + 1;
        while (
          j < items.length &&
          !['label', 'sep'].includes(items[j].kind.toLowerCase())
        ) {
          if (isContent(items[j])) {
            result.push(item);
            break;
          }
          j++;
        }
      } else {
        result.push(item);
      }
    }
    return result;
  }
}
