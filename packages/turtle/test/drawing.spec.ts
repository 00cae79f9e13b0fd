/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import {
  compareSegments,
  drawingSegments,
  drawingToSvg,
  parseDrawing,
  TURTLE_MIME_TYPE,
  TurtleDrawingError,
  TurtleView
} from '../src';
import { quietCanvas } from './canvas';

const base = { version: 1, width: 400, height: 300, background: '#f0f0f0' };

describe('@ltilab/turtle', () => {
  describe('parseDrawing', () => {
    it('should accept a valid drawing and normalise colours', () => {
      const d = parseDrawing({
        ...base,
        ops: [
          ['pen', '#FF0000', 3],
          ['line', 300, 150],
          ['text', 1, 2, 'hi', '#00FF00', 12]
        ]
      });
      expect(d.ops[0]).toEqual(['pen', '#ff0000', 3]);
      expect(d.capped).toBeUndefined();
    });

    it.each([
      [null, /not an object/],
      [{ ...base, version: 2, ops: [] }, /version/],
      [{ ...base, width: 0, ops: [] }, /width/],
      [{ ...base, height: 1e6, ops: [] }, /height/],
      [{ ...base }, /no list of operations/],
      [
        { ...base, ops: [['line', 'x', 1]] },
        /Operation 0: not a finite number/
      ],
      [{ ...base, ops: [['pen', 'red;} body{x', 2]] }, /not a #rrggbb colour/],
      [
        { ...base, ops: [['line', 1, 2], ['explode']] },
        /Operation 1 is not understood/
      ],
      [{ ...base, ops: [['fill', '#000000', 'nope']] }, /needs points/]
    ])('should refuse %j with a clear message', (data, message) => {
      expect(() => parseDrawing(data)).toThrow(TurtleDrawingError);
      expect(() => parseDrawing(data)).toThrow(message);
    });

    it('should cap a huge drawing and say so', () => {
      const ops = Array.from({ length: 50 }, (_, i) => ['line', i, i]);
      const d = parseDrawing({ ...base, ops }, 20);
      expect(d.ops.length).toBe(20);
      expect(d.capped).toBe(20);
    });
  });

  describe('drawingSegments', () => {
    it('should start at the centre and skip pen-up moves', () => {
      const d = parseDrawing({
        ...base,
        ops: [
          ['line', 300, 150],
          ['jump', 0, 0],
          ['line', 10, 0],
          ['line', 10, 0]
        ]
      });
      expect(drawingSegments(d)).toEqual([
        [200, 150, 300, 150],
        [0, 0, 10, 0]
      ]);
    });
  });

  describe('compareSegments', () => {
    const square: [number, number, number, number][] = [
      [0, 0, 100, 0],
      [100, 0, 100, 100],
      [100, 100, 0, 100],
      [0, 100, 0, 0]
    ];

    it('should ignore order, direction and splitting', () => {
      const attempt: [number, number, number, number][] = [
        [0, 0, 0, 100],
        [100, 100, 100, 50],
        [100, 50, 100, 0],
        [0, 100, 100, 100],
        [100, 0, 0, 0]
      ];
      expect(compareSegments(square, attempt)).toEqual({
        match: true,
        missing: [],
        extra: []
      });
    });

    it('should accept a 1-pixel error within tolerance, not outside it', () => {
      const shifted = square.map(
        ([a, b, c, d]) =>
          [a + 1, b, c + 1, d] as [number, number, number, number]
      );
      expect(compareSegments(square, shifted, 2).match).toBe(true);
      expect(compareSegments(square, shifted, 0.5).match).toBe(false);
    });

    it('should report a missing side and where it is', () => {
      const result = compareSegments(square, square.slice(0, 3));
      expect(result.match).toBe(false);
      expect(result.extra).toEqual([]);
      // The left side, x = 0; its ends touch the other sides, so they count
      // as drawn (within tolerance).
      expect(result.missing).toHaveLength(1);
      const [region] = result.missing;
      expect(region).toMatchObject({ x: 0, width: 0 });
      expect(region.y).toBeLessThanOrEqual(4);
      expect(region.height).toBeGreaterThanOrEqual(90);
    });
  });

  it('should agree with the Python module on drawings it recorded', () => {
    const root = path.resolve(__dirname, '../../..');
    const python = path.join(root, '.venv/bin/python');
    if (!fs.existsSync(python)) {
      throw new Error('the cross-check needs .venv (scripts/setup.sh)');
    }
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(root, 'python'))})
from ltilab.turtle import JBTurtle, compare_drawings
def spiral(turn, start=0):
    t = JBTurtle(400, 300, display=False)
    t.turn_right(start)
    for i in range(20):
        t.line_hsv(i * 18, 0.5, 0.8)
        t.forward(5 + i * 4)
        t.turn_right(turn)
    return t
a, b, c = spiral(90), spiral(90), spiral(91)
print(json.dumps({"a": a.drawing(), "b": b.drawing(), "c": c.drawing(),
  "ab": compare_drawings(a, b), "ac": compare_drawings(a, c)}))
`;
    const out = JSON.parse(
      execFileSync(python, ['-c', script], { encoding: 'utf8' })
    );
    const [a, b, c] = ['a', 'b', 'c'].map(k =>
      drawingSegments(parseDrawing(out[k]))
    );
    expect(compareSegments(a, b)).toEqual(out.ab);
    expect(compareSegments(a, c)).toEqual(out.ac);
    expect(out.ac.match).toBe(false);
  });

  describe('drawingToSvg', () => {
    it('should batch lines of one style and escape text', () => {
      const svg = drawingToSvg(
        parseDrawing({
          ...base,
          ops: [
            ['line', 250, 150],
            ['line', 250, 200],
            ['pen', '#ff0000', 4],
            ['line', 300, 200],
            ['text', 10, 20, '<script>x</script> & こんにちは', '#000000', 14],
            ['bg', '#000010']
          ]
        })
      );
      expect(svg.match(/<path /g)).toHaveLength(2);
      expect(svg).toContain('d="M200 150L250 150L250 200"');
      expect(svg).toContain('stroke="#ff0000" stroke-width="4"');
      expect(svg).toContain('&lt;script&gt;x&lt;/script&gt; &amp; こんにちは');
      expect(svg).not.toContain('<script>');
      expect(svg).toContain(
        '<rect width="100%" height="100%" fill="#000010"/>'
      );
    });
  });

  describe('TurtleView', () => {
    quietCanvas();

    it('should show an error for a malformed bundle, never a blank', async () => {
      const view = new TurtleView();
      await view.renderModel({
        data: { [TURTLE_MIME_TYPE]: { version: 1, width: -1 } }
      } as any);
      const error = view.node.querySelector(
        '.jp-LtilabTurtle-error'
      ) as HTMLElement;
      expect(error.hidden).toBe(false);
      expect(error.textContent).toMatch(/cannot be shown: .*width/);
      expect(view.drawing).toBeNull();
      view.dispose();
    });

    it('should say when a drawing was capped', () => {
      const view = new TurtleView({ speedFactor: 0 });
      view.setDrawing({ ...base, ops: [['line', 1, 1]], capped: 1000000 });
      const message = view.node.querySelector(
        '.jp-LtilabTurtle-message'
      ) as HTMLElement;
      expect(message.hidden).toBe(false);
      expect(message.textContent).toMatch(/1,000,000/);
      expect(view.finished).toBe(true);
      view.dispose();
    });
  });
});
