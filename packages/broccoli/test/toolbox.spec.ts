/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';

import {
  BlocklyRegistry,
  createDefaultToolbox,
  restrictToolbox,
  toolboxBlockTypes
} from '../src';

type Item = {
  kind: string;
  name?: string;
  colour?: string;
  custom?: string;
  type?: string;
  contents?: Item[];
  [key: string]: unknown;
};

const contents = (toolbox: Blockly.utils.toolbox.ToolboxInfo): Item[] =>
  toolbox.contents as unknown as Item[];

describe('@ltilab/broccoli toolbox', () => {
  beforeAll(() => {
    // Defines the colour blocks and the category names.
    new BlocklyRegistry();
  });

  describe('createDefaultToolbox', () => {
    it('should have the categories and hues of jupyterlab-broccoli', () => {
      const categories = contents(createDefaultToolbox()).map(item =>
        item.kind === 'sep' ? 'sep' : `${item.name} ${item.colour}`
      );
      expect(categories).toEqual([
        '%{BKY_TOOLBOX_LOGIC} 210',
        '%{BKY_TOOLBOX_LOOPS} 120',
        '%{BKY_TOOLBOX_MATH} 230',
        '%{BKY_TOOLBOX_TEXT} 160',
        '%{BKY_TOOLBOX_LISTS} 260',
        '%{BKY_TOOLBOX_COLOR} 20',
        'sep',
        '%{BKY_TOOLBOX_VARIABLES} 330',
        '%{BKY_TOOLBOX_FUNCTIONS} 290'
      ]);
    });

    it('should have the block types of each category', () => {
      const byCategory = contents(createDefaultToolbox())
        .filter(item => item.kind === 'category')
        .map(
          item =>
            item.custom ??
            (item.contents ?? []).map(block => block.type).join(' ')
        );
      expect(byCategory).toEqual([
        'controls_if logic_compare logic_operation logic_negate logic_boolean logic_null logic_ternary',
        'controls_repeat_ext controls_whileUntil controls_for controls_forEach controls_flow_statements',
        'math_number math_arithmetic math_single math_trig math_constant math_number_property math_change math_round math_on_list math_modulo math_constrain math_random_int math_random_float',
        'text text_join text_append text_length text_isEmpty text_indexOf text_charAt text_getSubstring text_changeCase text_trim text_print text_prompt_ext',
        'lists_create_with lists_create_with lists_repeat lists_length lists_isEmpty lists_indexOf lists_getIndex lists_setIndex lists_getSublist lists_split lists_sort',
        'colour_picker colour_random colour_rgb colour_blend',
        'VARIABLE',
        'PROCEDURE'
      ]);
    });

    it('should give input defaults as JSON shadows, never as block XML', () => {
      const json = JSON.stringify(createDefaultToolbox());
      expect(json).not.toContain('blockxml');
      expect(json).not.toContain('<');
    });

    it('should only hold blocks that can be created with their shadows', () => {
      const workspace = new Blockly.Workspace();
      try {
        for (const category of contents(createDefaultToolbox())) {
          for (const item of category.contents ?? []) {
            const state = { ...item } as Partial<Item>;
            delete state.kind;
            const block = Blockly.serialization.blocks.append(
              state as Blockly.serialization.blocks.State,
              workspace
            );
            // Every shadow landed on an input of that name.
            const inputs = (state.inputs ?? {}) as Record<string, unknown>;
            for (const name of Object.keys(inputs)) {
              expect(
                block.getInput(name)?.connection?.targetBlock()?.isShadow()
              ).toBe(true);
            }
          }
        }
        expect(
          workspace
            .getBlocksByType('controls_for', false)[0]
            .getInputTargetBlock('TO')!
            .getFieldValue('NUM')
        ).toBe(10);
      } finally {
        workspace.dispose();
      }
    });

    it('should return a fresh copy each time', () => {
      const first = createDefaultToolbox();
      contents(first).pop();
      expect(contents(createDefaultToolbox())).toHaveLength(9);
    });

    it('should name its categories in English and Japanese', async () => {
      const registry = new BlocklyRegistry();
      const names = () =>
        contents(createDefaultToolbox())
          .filter(item => item.name)
          .map(item =>
            Blockly.utils.parsing.replaceMessageReferences(item.name!)
          );
      expect(names()).toEqual([
        'Logic',
        'Loops',
        'Math',
        'Text',
        'Lists',
        'Colour',
        'Variables',
        'Functions'
      ]);
      await registry.setLocale('ja');
      try {
        expect(names()).toEqual([
          '論理',
          '繰返し',
          '数学',
          'テキスト',
          'リスト',
          '色',
          '変数',
          '関数'
        ]);
      } finally {
        await registry.setLocale('en');
      }
    });
  });

  describe('restrictToolbox', () => {
    it('should keep only the allowed blocks and their categories', () => {
      const original = createDefaultToolbox();
      const snapshot = JSON.stringify(original);
      const restricted = restrictToolbox(original, [
        'controls_repeat_ext',
        'text_print',
        'math_number',
        'variables_get'
      ]);
      expect(
        contents(restricted).map(item =>
          item.kind === 'sep'
            ? 'sep'
            : `${item.name}: ${item.custom ?? (item.contents ?? []).map(b => b.type).join(' ')}`
        )
      ).toEqual([
        '%{BKY_TOOLBOX_LOOPS}: controls_repeat_ext',
        '%{BKY_TOOLBOX_MATH}: math_number',
        '%{BKY_TOOLBOX_TEXT}: text_print',
        'sep',
        '%{BKY_TOOLBOX_VARIABLES}: VARIABLE'
      ]);
      // Category colours and block shadows are kept, the input is untouched.
      expect(contents(restricted)[0].colour).toBe('120');
      expect(contents(restricted)[0].contents![0].inputs).toEqual({
        TIMES: { shadow: { type: 'math_number', fields: { NUM: 10 } } }
      });
      expect(JSON.stringify(original)).toBe(snapshot);
    });

    it('should keep the functions category when any procedure block is allowed', () => {
      const restricted = restrictToolbox(createDefaultToolbox(), [
        'procedures_defnoreturn'
      ]);
      expect(contents(restricted).map(item => item.custom)).toEqual([
        'PROCEDURE'
      ]);
    });

    it('should give an empty toolbox when nothing is allowed', () => {
      const restricted = restrictToolbox(createDefaultToolbox(), []);
      expect(restricted.kind).toBe('categoryToolbox');
      expect(restricted.contents).toEqual([]);
    });

    it('should drop blocks whose non-shadow children are not allowed', () => {
      const toolbox: Blockly.utils.toolbox.ToolboxInfo = {
        kind: 'flyoutToolbox',
        contents: [
          { kind: 'label', text: 'Output' },
          {
            kind: 'block',
            type: 'text_print',
            inputs: {
              TEXT: {
                block: { type: 'variables_get', fields: { VAR: { name: 'x' } } }
              }
            }
          },
          {
            kind: 'block',
            type: 'text_print',
            inputs: {
              TEXT: { shadow: { type: 'text', fields: { TEXT: 'hi' } } }
            }
          },
          { kind: 'sep' },
          { kind: 'label', text: 'Loops' },
          { kind: 'block', type: 'controls_whileUntil' }
        ]
      };
      const restricted = restrictToolbox(toolbox, ['text_print']);
      expect(contents(restricted)).toEqual([
        { kind: 'label', text: 'Output' },
        {
          kind: 'block',
          type: 'text_print',
          inputs: { TEXT: { shadow: { type: 'text', fields: { TEXT: 'hi' } } } }
        }
      ]);
      expect(
        contents(restrictToolbox(toolbox, ['text_print', 'variables_get']))
      ).toHaveLength(3);
    });

    it('should restrict nested categories', () => {
      const toolbox: Blockly.utils.toolbox.ToolboxInfo = {
        kind: 'categoryToolbox',
        contents: [
          {
            kind: 'category',
            name: 'Turtle',
            contents: [
              {
                kind: 'category',
                name: 'Move',
                contents: [{ kind: 'block', type: 'turtle_forward' }]
              },
              {
                kind: 'category',
                name: 'Pen',
                contents: [{ kind: 'block', type: 'turtle_pen_up' }]
              }
            ]
          }
        ]
      };
      const restricted = restrictToolbox(toolbox, ['turtle_forward']);
      expect(toolboxBlockTypes(restricted)).toEqual(['turtle_forward']);
      expect(contents(restricted)[0].contents!.map(c => c.name)).toEqual([
        'Move'
      ]);
    });
  });
});
