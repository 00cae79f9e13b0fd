/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type {
  IBlockDefinition,
  IBlocklyRegistry,
  IMessageBundle
} from '@ltilab/broccoli';

/**
 * A JSON toolbox definition (Blockly's `ToolboxInfo`). The type comes through
 * `@ltilab/broccoli`, which owns the one Blockly every add-on shares.
 */
export type ToolboxInfo = IBlocklyRegistry.IToolbox['toolbox'];

/**
 * One item of a JSON toolbox: a category, a block or a separator.
 */
export type ToolboxItemInfo = ToolboxInfo['contents'][number];

/**
 * The stable id of the turtle toolbox, saved in `metadata.ltilab.toolbox`.
 */
export const TURTLE_TOOLBOX_ID = 'turtle';

/**
 * The block types of jupyterlab-broccoli-turtle, with the same names and
 * inputs, so that its `.jpblockly` files open and run.
 */
export const PREDECESSOR_TURTLE_BLOCKS: ReadonlyArray<string> = [
  'turtle_init',
  'turtle_speed',
  'turtle_line_width',
  'turtle_line_color',
  'turtle_line_hsv',
  'turtle_pen_down',
  'turtle_pen_up',
  'turtle_forward',
  'turtle_turn_right',
  'turtle_turn_left',
  'turtle_move'
];

/**
 * The predecessor's hues: set-up 5, pen style 290, pen up/down 50, motion
 * 200.
 */
namespace Hue {
  export const INIT = 5;
  export const STYLE = 290;
  export const PEN = 50;
  export const MOTION = 200;
}

/**
 * A block input and the shadow block the toolbox puts in it.
 */
interface IInputSpec {
  readonly name: string;
  readonly check: 'Number' | 'Colour' | 'String';
  readonly shadow: number | string;
}

/**
 * One turtle block: its type, message key (without `BKY_`), hue, inputs
 * and whether it holds statements (`DO`).
 */
interface IBlockSpec {
  readonly type: string;
  readonly message: string;
  readonly hue: number;
  readonly inputs: ReadonlyArray<IInputSpec>;
  /**
   * A dummy input after the label, as the predecessor's blocks with several
   * inputs have, so that the inputs line up below it.
   */
  readonly dummy?: boolean;
  readonly statements?: boolean;
  /**
   * Only a next connection: the program's first block.
   */
  readonly first?: boolean;
}

const num = (name: string, shadow: number): IInputSpec => ({
  name,
  check: 'Number',
  shadow
});
const colour = (name: string, shadow: string): IInputSpec => ({
  name,
  check: 'Colour',
  shadow
});

/**
 * Every turtle block, in toolbox order.
 */
const SPECS: ReadonlyArray<IBlockSpec> = [
  {
    type: 'turtle_init',
    message: 'TURTLE_INIT',
    hue: Hue.INIT,
    inputs: [num('XSIZE', 600), num('YSIZE', 600)],
    dummy: true,
    first: true
  },
  {
    type: 'turtle_speed',
    message: 'TURTLE_SPEED',
    hue: Hue.STYLE,
    inputs: [num('VAL', 2)]
  },
  {
    type: 'turtle_line_width',
    message: 'TURTLE_WIDTH',
    hue: Hue.STYLE,
    inputs: [num('VAL', 2)]
  },
  {
    type: 'turtle_line_color',
    message: 'TURTLE_COLOR',
    hue: Hue.STYLE,
    inputs: [colour('VAL', '#000000')]
  },
  {
    type: 'turtle_line_hsv',
    message: 'TURTLE_HSV',
    hue: Hue.STYLE,
    inputs: [num('H', 0), num('S', 0.45), num('V', 0.65)]
  },
  {
    type: 'turtle_pen_down',
    message: 'TURTLE_PEN_DOWN',
    hue: Hue.PEN,
    inputs: []
  },
  { type: 'turtle_pen_up', message: 'TURTLE_PEN_UP', hue: Hue.PEN, inputs: [] },
  {
    type: 'turtle_forward',
    message: 'TURTLE_FORWARD',
    hue: Hue.MOTION,
    inputs: [num('VAL', 100)]
  },
  {
    type: 'turtle_backward',
    message: 'TURTLE_BACKWARD',
    hue: Hue.MOTION,
    inputs: [num('VAL', 100)]
  },
  {
    type: 'turtle_turn_right',
    message: 'TURTLE_TURN_RIGHT',
    hue: Hue.MOTION,
    inputs: [num('VAL', 90)]
  },
  {
    type: 'turtle_turn_left',
    message: 'TURTLE_TURN_LEFT',
    hue: Hue.MOTION,
    inputs: [num('VAL', 90)]
  },
  {
    type: 'turtle_move',
    message: 'TURTLE_MOVE',
    hue: Hue.MOTION,
    inputs: [num('XPOS', 300), num('YPOS', 300)],
    dummy: true
  },
  {
    type: 'turtle_set_heading',
    message: 'TURTLE_SET_HEADING',
    hue: Hue.MOTION,
    inputs: [num('VAL', 0)]
  },
  { type: 'turtle_home', message: 'TURTLE_HOME', hue: Hue.MOTION, inputs: [] },
  {
    type: 'turtle_circle',
    message: 'TURTLE_CIRCLE',
    hue: Hue.MOTION,
    inputs: [num('RADIUS', 50)]
  },
  {
    type: 'turtle_arc',
    message: 'TURTLE_ARC',
    hue: Hue.MOTION,
    inputs: [num('RADIUS', 50), num('EXTENT', 90)]
  },
  {
    type: 'turtle_fill',
    message: 'TURTLE_FILL',
    hue: Hue.STYLE,
    inputs: [colour('COLOUR', '#ffcc00')],
    statements: true
  },
  {
    type: 'turtle_write',
    message: 'TURTLE_WRITE',
    hue: Hue.STYLE,
    inputs: [
      { name: 'TEXT', check: 'String', shadow: 'Hello' },
      num('SIZE', 16)
    ]
  },
  {
    type: 'turtle_background',
    message: 'TURTLE_BACKGROUND',
    hue: Hue.STYLE,
    inputs: [colour('VAL', '#ffffff')]
  },
  { type: 'turtle_show', message: 'TURTLE_SHOW', hue: Hue.PEN, inputs: [] },
  { type: 'turtle_hide', message: 'TURTLE_HIDE', hue: Hue.PEN, inputs: [] }
];

/**
 * Every turtle block type, in toolbox order.
 */
export const TURTLE_BLOCK_TYPES: ReadonlyArray<string> = SPECS.map(
  spec => spec.type
);

/**
 * The turtle blocks, as Blockly JSON definitions.
 *
 * #### Notes
 * Each label is one message with its `%n` placeholders, so a language can
 * put the inputs where its grammar wants them.
 */
export function createTurtleBlocks(): IBlockDefinition[] {
  return SPECS.map(spec => {
    const args: Record<string, unknown>[] = [];
    if (spec.dummy) {
      args.push({ type: 'input_dummy' });
    }
    for (const input of spec.inputs) {
      args.push({
        type: 'input_value',
        name: input.name,
        check: input.check,
        ...(spec.dummy ? { align: 'RIGHT' } : {})
      });
    }
    const definition: Record<string, unknown> = {
      type: spec.type,
      message0: `%{BKY_${spec.message}}`,
      args0: args,
      colour: spec.hue,
      tooltip: `%{BKY_${spec.message}_TOOLTIP}`,
      inputsInline: !spec.dummy,
      nextStatement: null
    };
    if (!spec.first) {
      definition.previousStatement = null;
    }
    if (spec.statements) {
      definition.message1 = '%1';
      definition.args1 = [{ type: 'input_statement', name: 'DO' }];
    }
    return definition as IBlockDefinition;
  });
}

/**
 * The turtle category of the toolbox, with a shadow block in every input.
 */
export function createTurtleCategory(): ToolboxItemInfo {
  return {
    kind: 'category',
    name: '%{BKY_TURTLE_CATEGORY}',
    colour: String(Hue.INIT),
    contents: SPECS.map(spec => {
      const inputs: Record<string, unknown> = {};
      for (const input of spec.inputs) {
        inputs[input.name] = {
          shadow:
            input.check === 'Number'
              ? { type: 'math_number', fields: { NUM: input.shadow } }
              : input.check === 'Colour'
                ? { type: 'colour_picker', fields: { COLOUR: input.shadow } }
                : { type: 'text', fields: { TEXT: input.shadow } }
        };
      }
      return { kind: 'block', type: spec.type, inputs };
    }) as ToolboxItemInfo[]
  } as ToolboxItemInfo;
}

/**
 * The turtle toolbox: the turtle category, two separators as the
 * predecessor, then the categories of `base` (the default toolbox).
 */
export function createTurtleToolbox(base: ToolboxInfo): ToolboxInfo {
  return {
    ...base,
    kind: 'categoryToolbox',
    contents: [
      createTurtleCategory(),
      { kind: 'sep' },
      { kind: 'sep' },
      ...base.contents
    ]
  };
}

/**
 * The messages of the turtle blocks, for `registerMessages`: English and
 * Japanese. The Japanese labels keep the predecessor's wording and its
 * "タートル: " prefix.
 */
export const TURTLE_MESSAGES: { readonly [locale: string]: IMessageBundle } = {
  en: {
    TURTLE_CATEGORY: 'Turtle',
    TURTLE_INIT: 'turtle: start %1 width %2 height %3',
    TURTLE_INIT_TOOLTIP:
      'Start a new drawing on a canvas of this size in pixels; the turtle is in the middle, facing right.',
    TURTLE_SPEED: 'turtle: speed %1',
    TURTLE_SPEED_TOOLTIP:
      'How fast the turtle draws (1 is slowest); it does not change the drawing.',
    TURTLE_WIDTH: 'turtle: line width %1',
    TURTLE_WIDTH_TOOLTIP: 'The width of the lines in pixels.',
    TURTLE_COLOR: 'turtle: line colour %1',
    TURTLE_COLOR_TOOLTIP: 'The colour of the lines.',
    TURTLE_HSV: 'turtle: line hue %1 saturation %2 value %3',
    TURTLE_HSV_TOOLTIP:
      'The colour of the lines from hue (0 to 360 degrees), saturation and value (0 to 1).',
    TURTLE_PEN_DOWN: 'turtle: pen down',
    TURTLE_PEN_DOWN_TOOLTIP: 'Draw when the turtle moves.',
    TURTLE_PEN_UP: 'turtle: pen up',
    TURTLE_PEN_UP_TOOLTIP: 'Move without drawing.',
    TURTLE_FORWARD: 'turtle: forward %1',
    TURTLE_FORWARD_TOOLTIP: 'Move forward this many pixels.',
    TURTLE_BACKWARD: 'turtle: backward %1',
    TURTLE_BACKWARD_TOOLTIP:
      'Move backward this many pixels, still facing the same way.',
    TURTLE_TURN_RIGHT: 'turtle: turn right %1',
    TURTLE_TURN_RIGHT_TOOLTIP: 'Turn clockwise by this many degrees.',
    TURTLE_TURN_LEFT: 'turtle: turn left %1',
    TURTLE_TURN_LEFT_TOOLTIP: 'Turn counter-clockwise by this many degrees.',
    TURTLE_MOVE: 'turtle: move to %1 x %2 y %3',
    TURTLE_MOVE_TOOLTIP:
      'Go to this point: pixels from the left and from the top.',
    TURTLE_SET_HEADING: 'turtle: face %1 degrees',
    TURTLE_SET_HEADING_TOOLTIP:
      'Face this direction: 0 is right, 90 is down, 180 is left, 270 is up.',
    TURTLE_HOME: 'turtle: go home',
    TURTLE_HOME_TOOLTIP: 'Go back to the middle, facing right.',
    TURTLE_CIRCLE: 'turtle: circle radius %1',
    TURTLE_CIRCLE_TOOLTIP:
      'Draw a circle of this radius, turning right (left for a negative radius).',
    TURTLE_ARC: 'turtle: arc radius %1 angle %2',
    TURTLE_ARC_TOOLTIP: 'Draw part of a circle: this many degrees of it.',
    TURTLE_FILL: 'turtle: fill with colour %1',
    TURTLE_FILL_TOOLTIP: 'Fill the shape that the blocks inside draw.',
    TURTLE_WRITE: 'turtle: write %1 size %2',
    TURTLE_WRITE_TOOLTIP: 'Write text where the turtle is, in the line colour.',
    TURTLE_BACKGROUND: 'turtle: background colour %1',
    TURTLE_BACKGROUND_TOOLTIP: 'The colour of the canvas.',
    TURTLE_SHOW: 'turtle: show the turtle',
    TURTLE_SHOW_TOOLTIP: 'Show the turtle on the canvas.',
    TURTLE_HIDE: 'turtle: hide the turtle',
    TURTLE_HIDE_TOOLTIP: 'Hide the turtle; the drawing stays.'
  },
  ja: {
    TURTLE_CATEGORY: 'タートル',
    TURTLE_INIT: 'タートル: はじめる %1 よこの大きさ %2 たての大きさ %3',
    TURTLE_INIT_TOOLTIP:
      'この大きさ (ピクセル) のキャンバスで新しく描き始めます。タートルは中央で右を向いています。',
    TURTLE_SPEED: 'タートル: ペンの速さ %1',
    TURTLE_SPEED_TOOLTIP:
      'タートルが描く速さです (1 がいちばん遅い)。描く図は変わりません。',
    TURTLE_WIDTH: 'タートル: ペンの太さ %1',
    TURTLE_WIDTH_TOOLTIP: '線の太さ (ピクセル) です。',
    TURTLE_COLOR: 'タートル: ペンの色 %1',
    TURTLE_COLOR_TOOLTIP: '線の色です。',
    TURTLE_HSV: 'タートル: ペンの色相 %1 彩度 %2 明度 %3',
    TURTLE_HSV_TOOLTIP:
      '色相 (0〜360 度)、彩度と明度 (0〜1) で線の色を決めます。',
    TURTLE_PEN_DOWN: 'タートル: ペンを下ろす',
    TURTLE_PEN_DOWN_TOOLTIP: '動くときに線を描きます。',
    TURTLE_PEN_UP: 'タートル: ペンを上げる',
    TURTLE_PEN_UP_TOOLTIP: '線を描かずに動きます。',
    TURTLE_FORWARD: 'タートル: 前にすすむ %1',
    TURTLE_FORWARD_TOOLTIP: 'このピクセル数だけ前にすすみます。',
    TURTLE_BACKWARD: 'タートル: 後ろにさがる %1',
    TURTLE_BACKWARD_TOOLTIP:
      '向きを変えずに、このピクセル数だけ後ろにさがります。',
    TURTLE_TURN_RIGHT: 'タートル: 右にまわる %1',
    TURTLE_TURN_RIGHT_TOOLTIP: 'この角度 (度) だけ時計回りにまわります。',
    TURTLE_TURN_LEFT: 'タートル: 左にまわる %1',
    TURTLE_TURN_LEFT_TOOLTIP: 'この角度 (度) だけ反時計回りにまわります。',
    TURTLE_MOVE: 'タートル: ペンを移動する %1 よこの場所 %2 たての場所 %3',
    TURTLE_MOVE_TOOLTIP:
      'この場所へ移動します。左からと上からのピクセル数です。',
    TURTLE_SET_HEADING: 'タートル: %1 度の向きにする',
    TURTLE_SET_HEADING_TOOLTIP:
      'この向きにします。0 は右、90 は下、180 は左、270 は上です。',
    TURTLE_HOME: 'タートル: 中央にもどる',
    TURTLE_HOME_TOOLTIP: '中央にもどって右を向きます。',
    TURTLE_CIRCLE: 'タートル: 半径 %1 の円をかく',
    TURTLE_CIRCLE_TOOLTIP:
      'この半径の円を右回りにかきます (半径がマイナスなら左回り)。',
    TURTLE_ARC: 'タートル: 半径 %1 角度 %2 の弧をかく',
    TURTLE_ARC_TOOLTIP: '円の一部を、この角度 (度) だけかきます。',
    TURTLE_FILL: 'タートル: 色 %1 でぬりつぶす',
    TURTLE_FILL_TOOLTIP: '中のブロックがかいた形をぬりつぶします。',
    TURTLE_WRITE: 'タートル: 文字を書く %1 大きさ %2',
    TURTLE_WRITE_TOOLTIP: 'タートルのいる場所に、ペンの色で文字を書きます。',
    TURTLE_BACKGROUND: 'タートル: 背景の色 %1',
    TURTLE_BACKGROUND_TOOLTIP: 'キャンバスの色です。',
    TURTLE_SHOW: 'タートル: タートルを表示する',
    TURTLE_SHOW_TOOLTIP: 'キャンバスにタートルを表示します。',
    TURTLE_HIDE: 'タートル: タートルをかくす',
    TURTLE_HIDE_TOOLTIP: 'タートルをかくします。描いた線は残ります。'
  }
};
