/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { ITurtleDrawing } from './drawing';

/**
 * The turtle's state after an operation.
 */
export interface ITurtleState {
  x: number;
  y: number;
  heading: number;
  colour: string;
  width: number;
  speed: number;
  visible: boolean;
  background: string;
}

/**
 * A drawn line, as `[x1, y1, x2, y2]`.
 */
export type Segment = [number, number, number, number];

/**
 * The turtle's starting state: the centre, facing +x, black pen of width 2,
 * speed 2, as in jbturtle.
 */
export function initialState(drawing: ITurtleDrawing): ITurtleState {
  return {
    x: drawing.width / 2,
    y: drawing.height / 2,
    heading: 0,
    colour: '#000000',
    width: 2,
    speed: 2,
    visible: true,
    background: drawing.background
  };
}

/**
 * Apply one operation to a state, in place; the renderer and the checks
 * share this one definition of the semantics.
 */
export function applyOp(
  state: ITurtleState,
  op: ITurtleDrawing['ops'][number]
): void {
  switch (op[0]) {
    case 'line':
    case 'jump':
      state.x = op[1];
      state.y = op[2];
      break;
    case 'turn':
      state.heading = ((op[1] % 360) + 360) % 360;
      break;
    case 'pen':
      state.colour = op[1];
      state.width = op[2];
      break;
    case 'speed':
      state.speed = op[1];
      break;
    case 'bg':
      state.background = op[1];
      break;
    case 'show':
      state.visible = op[1];
      break;
  }
}

/**
 * Every line the drawing draws.
 */
export function drawingSegments(drawing: ITurtleDrawing): Segment[] {
  const state = initialState(drawing);
  const result: Segment[] = [];
  for (const op of drawing.ops) {
    if (op[0] === 'line' && (op[1] !== state.x || op[2] !== state.y)) {
      result.push([state.x, state.y, op[1], op[2]]);
    }
    applyOp(state, op);
  }
  return result;
}
