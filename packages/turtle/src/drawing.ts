/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The MIME type of a recorded turtle drawing. The kernel sends one bundle per
 * drawing; the browser animates it (the predecessor sent a PNG per step).
 */
export const TURTLE_MIME_TYPE = 'application/vnd.ltilab.turtle.v1+json';

/**
 * The most operations a drawing shows. Past it, the drawing is cut and says
 * so, and the browser never hangs.
 */
export const MAX_TURTLE_OPS = 1_000_000;

/**
 * One recorded operation, as the kernel sends it: compact arrays.
 *
 * - `['line', x, y]`: move to (x, y) drawing with the pen;
 * - `['jump', x, y]`: move to (x, y) without drawing;
 * - `['turn', heading]`: face `heading` degrees (0 is +x, 90 is down);
 * - `['pen', colour, width]`: pen colour `#rrggbb` and width in pixels;
 * - `['speed', s]`: animation speed (5·s pixels per frame, as jbturtle);
 * - `['fill', colour, [[x, y], …]]`: a filled polygon;
 * - `['text', x, y, text, colour, size]`: text at a point;
 * - `['bg', colour]`: background colour;
 * - `['show', visible]`: show or hide the turtle.
 */
export type TurtleOp =
  | ['line', number, number]
  | ['jump', number, number]
  | ['turn', number]
  | ['pen', string, number]
  | ['speed', number]
  | ['fill', string, Array<[number, number]>]
  | ['text', number, number, string, string, number]
  | ['bg', string]
  | ['show', boolean];

/**
 * A recorded drawing.
 */
export interface ITurtleDrawing {
  readonly version: 1;
  readonly width: number;
  readonly height: number;
  readonly background: string;
  readonly ops: ReadonlyArray<TurtleOp>;
  /**
   * Set when the program drew more than the limit: the count it was cut at.
   */
  readonly capped?: number;
}

/**
 * A drawing that cannot be shown, with what is wrong with it.
 */
export class TurtleDrawingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TurtleDrawingError';
  }
}

/**
 * Validate data received from a kernel as a drawing.
 *
 * #### Notes
 * The data is untrusted: colours must be `#rrggbb` (they reach the canvas and
 * SVG exports), numbers finite, sizes sane. The first problem found is
 * reported with the index of the operation, so a broken runtime is easy to
 * diagnose. More than `maxOps` operations are cut, and `capped` says so.
 */
export function parseDrawing(
  data: unknown,
  maxOps: number = MAX_TURTLE_OPS
): ITurtleDrawing {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new TurtleDrawingError('The drawing is not an object.');
  }
  const value = data as Record<string, unknown>;
  if (value.version !== 1) {
    throw new TurtleDrawingError(
      `Unsupported drawing version: ${JSON.stringify(value.version)}.`
    );
  }
  const size = (key: 'width' | 'height'): number => {
    const n = value[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10000) {
      throw new TurtleDrawingError(
        `The drawing's ${key} must be a whole number of pixels from 1 to 10000.`
      );
    }
    return n;
  };
  const width = size('width');
  const height = size('height');
  const background =
    value.background === undefined
      ? '#f0f0f0'
      : Private.colour(value.background, 'background');
  if (!Array.isArray(value.ops)) {
    throw new TurtleDrawingError('The drawing has no list of operations.');
  }
  const raw = value.ops as unknown[];
  const count = Math.min(raw.length, maxOps);
  const ops: TurtleOp[] = new Array(count);
  for (let i = 0; i < count; i++) {
    ops[i] = Private.op(raw[i], i);
  }
  let capped: number | undefined;
  if (raw.length > maxOps) {
    capped = maxOps;
  } else if (typeof value.capped === 'number') {
    capped = value.capped;
  }
  return { version: 1, width, height, background, ops, capped };
}

namespace Private {
  const HEX = /^#[0-9a-fA-F]{6}$/;

  export function colour(value: unknown, where: string): string {
    if (typeof value !== 'string' || !HEX.test(value)) {
      throw new TurtleDrawingError(`${where}: not a #rrggbb colour.`);
    }
    return value.toLowerCase();
  }

  function num(value: unknown, where: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TurtleDrawingError(`${where}: not a finite number.`);
    }
    return value;
  }

  export function op(value: unknown, i: number): TurtleOp {
    const where = `Operation ${i}`;
    if (!Array.isArray(value) || typeof value[0] !== 'string') {
      throw new TurtleDrawingError(`${where} is not an operation.`);
    }
    switch (value[0]) {
      case 'line':
      case 'jump':
        return [value[0], num(value[1], where), num(value[2], where)];
      case 'turn':
        return ['turn', num(value[1], where)];
      case 'speed':
        return ['speed', Math.max(num(value[1], where), 1)];
      case 'pen':
        return [
          'pen',
          colour(value[1], where),
          Math.min(Math.max(num(value[2], where), 1), 1000)
        ];
      case 'bg':
        return ['bg', colour(value[1], where)];
      case 'show':
        return ['show', value[1] !== false];
      case 'fill': {
        if (!Array.isArray(value[2])) {
          throw new TurtleDrawingError(`${where}: a fill needs points.`);
        }
        const points = (value[2] as unknown[]).map(p => {
          if (!Array.isArray(p)) {
            throw new TurtleDrawingError(`${where}: a point is not [x, y].`);
          }
          return [num(p[0], where), num(p[1], where)] as [number, number];
        });
        return ['fill', colour(value[1], where), points];
      }
      case 'text':
        return [
          'text',
          num(value[1], where),
          num(value[2], where),
          String(value[3] ?? '').slice(0, 1000),
          colour(value[4], where),
          Math.min(Math.max(num(value[5] ?? 16, where), 4), 200)
        ];
      default:
        throw new TurtleDrawingError(
          `${where} is not understood: ${JSON.stringify(value[0])}.`
        );
    }
  }
}
