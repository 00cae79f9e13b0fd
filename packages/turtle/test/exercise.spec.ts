/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Turtle exercises: the file format (through @ltilab/broccoli's reader), the
 * exercise made from a solution, and the check shown under a drawing.
 */
import {
  contentBlockTypes,
  JpblocklyFormatError,
  parseJpblockly,
  serializeJpblockly
} from '@ltilab/broccoli';

import {
  createTurtleExercise,
  DEFAULT_TOLERANCE,
  instructionsFor,
  parseDrawing,
  readTurtleExercise,
  TURTLE_MIME_TYPE,
  TurtleDrawingError,
  TurtleView
} from '../src';
import { quietCanvas } from './canvas';

const square = (side: number, skip = -1) => {
  const ops: unknown[] = [];
  const corners = [
    [150 + side, 150],
    [150 + side, 150 + side],
    [150, 150 + side],
    [150, 150]
  ];
  corners.forEach(([x, y], i) =>
    ops.push([i === skip ? 'jump' : 'line', x, y], ['turn', 90 * (i + 1)])
  );
  return {
    version: 1,
    width: 300,
    height: 300,
    background: '#f0f0f0',
    ops: [['jump', 150, 150], ...ops]
  };
};

const SOLUTION = {
  blocks: {
    languageVersion: 0,
    blocks: [
      {
        type: 'turtle_init',
        id: 'init',
        x: 10,
        y: 10,
        inputs: {
          XSIZE: {
            shadow: { type: 'math_number', id: 's1', fields: { NUM: 300 } }
          }
        },
        next: {
          block: {
            type: 'controls_repeat_ext',
            id: 'r',
            inputs: {
              DO: {
                block: {
                  type: 'turtle_forward',
                  id: 'f',
                  next: { block: { type: 'turtle_turn_right', id: 't' } }
                }
              }
            }
          }
        }
      },
      { type: 'text_print', id: 'p', x: 10, y: 400 }
    ]
  },
  variables: [{ name: 'i', id: 'v' }],
  metadata: {
    kernelspec: {
      name: 'python3',
      display_name: 'Python 3',
      language: 'python'
    },
    ltilab: { formatVersion: 1, toolbox: 'turtle' },
    other: { kept: true }
  }
};

describe('turtle exercises', () => {
  it('should list the block types a solution uses, without shadows', () => {
    expect(contentBlockTypes(SOLUTION)).toEqual([
      'controls_repeat_ext',
      'text_print',
      'turtle_forward',
      'turtle_init',
      'turtle_turn_right'
    ]);
  });

  it.each([
    ['empty', undefined],
    ['first', ['turtle_init']],
    ['all', ['turtle_init', 'text_print']]
  ] as const)(
    'should make an exercise that starts %s, and read it back',
    (start, types) => {
      const goal = parseDrawing(square(100));
      const content = createTurtleExercise(SOLUTION, {
        goal,
        instructions: { ja: ' 正方形を描く ', en: '' },
        allowedBlocks: ['turtle_forward', 'turtle_forward', 'turtle_init'],
        start
      });
      expect(content.blocks?.blocks?.map(b => b.type)).toEqual(types);
      if (start === 'first') {
        expect(content.blocks!.blocks![0].next).toBeUndefined();
        expect(content.blocks!.blocks![0].inputs).toEqual(
          SOLUTION.blocks.blocks[0].inputs
        );
      }
      expect(content.variables).toEqual(SOLUTION.variables);
      expect(content.metadata?.kernelspec).toEqual(
        SOLUTION.metadata.kernelspec
      );
      expect(content.metadata?.other).toEqual({ kept: true });
      expect(content.metadata?.ltilab).toEqual({
        formatVersion: 1,
        toolbox: 'turtle',
        allowedBlocks: ['turtle_forward', 'turtle_init'],
        exercise: {
          instructions: { ja: '正方形を描く' },
          goal: { [TURTLE_MIME_TYPE]: goal },
          tolerance: DEFAULT_TOLERANCE
        }
      });
      // Through the file format and back.
      const read = readTurtleExercise(
        parseJpblockly(serializeJpblockly(content))
      );
      expect(read).toEqual({
        goal,
        instructions: { ja: '正方形を描く' },
        tolerance: DEFAULT_TOLERANCE
      });
    }
  );

  it('should read no exercise from an ordinary file', () => {
    expect(readTurtleExercise(SOLUTION)).toBeNull();
    expect(readTurtleExercise({})).toBeNull();
  });

  it.each([
    [{ exercise: [] }, 'metadata.ltilab.exercise'],
    [
      { exercise: { instructions: 'Draw' } },
      'metadata.ltilab.exercise.instructions'
    ],
    [
      { exercise: { instructions: { en: 3 } } },
      'metadata.ltilab.exercise.instructions'
    ],
    [{ exercise: { goal: {} } }, 'metadata.ltilab.exercise.goal'],
    [{ exercise: { goal: 'square' } }, 'metadata.ltilab.exercise.goal'],
    [{ exercise: { tolerance: -1 } }, 'metadata.ltilab.exercise.tolerance']
  ])(
    'should reject malformed exercise metadata %j with where',
    (ltilab, at) => {
      const text = JSON.stringify({ metadata: { ltilab } });
      let error: unknown;
      try {
        parseJpblockly(text);
      } catch (reason) {
        error = reason;
      }
      expect(error).toBeInstanceOf(JpblocklyFormatError);
      expect((error as JpblocklyFormatError).reason).toBe('structure');
      expect((error as JpblocklyFormatError).path).toBe(at);
      expect((error as Error).message).toContain(at);
    }
  );

  it('should say clearly when the goal is not a drawing', () => {
    const content = parseJpblockly(
      JSON.stringify({
        metadata: {
          ltilab: {
            exercise: { goal: { [TURTLE_MIME_TYPE]: { version: 1, width: 0 } } }
          }
        }
      })
    );
    expect(() => readTurtleExercise(content)).toThrow(TurtleDrawingError);
    expect(() => readTurtleExercise(content)).toThrow(
      /metadata\.ltilab\.exercise\.goal: .*width/
    );
  });

  it.each([
    ['ja-JP', '正方形'],
    ['ja', '正方形'],
    ['en', 'Square'],
    ['fr-FR', 'Square'],
    ['zh_CN', 'Square']
  ])('should pick the instructions for %s', (code, expected) => {
    expect(instructionsFor({ en: 'Square', ja: '正方形' }, code)).toBe(
      expected
    );
  });

  it('should fall back to any language, or nothing', () => {
    expect(instructionsFor({ ja: '正方形' }, 'en')).toBe('正方形');
    expect(instructionsFor({ en: ' ' }, 'en')).toBe('');
  });

  describe('the check under a drawing', () => {
    quietCanvas();

    const feedback = (view: TurtleView) =>
      view.node.querySelector('.jp-LtilabTurtle-feedback') as HTMLElement;

    it('should say "matches" for the same square drawn another way', () => {
      const view = new TurtleView({ speedFactor: 0 });
      const reversed = square(100);
      // Counter-clockwise, from another corner, with a 1-pixel error.
      reversed.ops = [
        ['jump', 250, 250],
        ['line', 250, 151],
        ['line', 150, 150],
        ['line', 150, 250],
        ['line', 250, 250]
      ];
      view.setDrawing(reversed);
      expect(feedback(view).hidden).toBe(true);
      view.setGoal(parseDrawing(square(100)));
      expect(view.comparison?.match).toBe(true);
      expect(feedback(view).hidden).toBe(false);
      // The bottom side is missing; the extra line runs from the corner
      // (150, 150) to (10, 10), and its first 2 pixels are within tolerance
      // of the goal, so its box centres at 79.
      expect(feedback(view).textContent).toBe('Matches the goal.');
      expect(view.node.dataset.match).toBe('true');
      const goal = view.node.querySelector(
        '.jp-LtilabTurtle-goal'
      ) as HTMLImageElement;
      expect(goal.hidden).toBe(false);
      expect(decodeURIComponent(goal.src)).toContain('<svg');
      view.dispose();
    });

    it('should say "differs" and where, for a missing side and an extra line', () => {
      const view = new TurtleView({ speedFactor: 0 });
      view.setGoal(parseDrawing(square(100)));
      const attempt = square(100, 2);
      attempt.ops.push(['line', 10, 10]);
      view.setDrawing(attempt);
      expect(view.comparison?.match).toBe(false);
      expect(feedback(view).textContent).toBe(
        'Differs from the goal: a part of the goal is missing near (200, 250); ' +
          'a line the goal does not have near (79, 79). The boxes on the drawing show where.'
      );
      expect(
        view.node.querySelectorAll('.jp-LtilabTurtle-region.jp-mod-missing')
      ).toHaveLength(1);
      expect(
        view.node.querySelectorAll('.jp-LtilabTurtle-region.jp-mod-extra')
      ).toHaveLength(1);
      // Without a goal there is no check.
      view.setGoal(null);
      expect(feedback(view).hidden).toBe(true);
      expect(
        view.node.querySelectorAll('.jp-LtilabTurtle-region')
      ).toHaveLength(0);
      view.dispose();
    });
  });
});
