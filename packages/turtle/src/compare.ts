/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { Segment } from './replay';

/**
 * Where two drawings differ: a bounding box in drawing pixels.
 */
export interface IRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The result of comparing an attempt with a goal.
 */
export interface IComparison {
  match: boolean;
  /**
   * Parts of the goal the attempt does not draw.
   */
  missing: IRegion[];
  /**
   * Parts the attempt draws that the goal does not.
   */
  extra: IRegion[];
}

/**
 * Whether `attempt` draws the same lines as `goal`, within `tolerance`
 * pixels.
 *
 * #### Notes
 * The order of the lines, the direction each was drawn in, how they were
 * split and the speed do not matter: both drawings are sampled along their
 * lines, and every sample of each must lie within `tolerance` of a line of
 * the other. This is the same check as `ltilab.turtle.compare_drawings` in
 * Python, so a notebook exercise and a block exercise agree.
 */
export function compareSegments(
  goal: ReadonlyArray<Segment>,
  attempt: ReadonlyArray<Segment>,
  tolerance = 2
): IComparison {
  tolerance = Math.max(tolerance, 0);
  const spacing = Math.max(tolerance, 1);
  const cell = Math.max(tolerance * 4, 8);
  const missing = Private.uncovered(
    Private.sample(goal, spacing),
    new Private.SegmentIndex(attempt, cell),
    tolerance
  );
  const extra = Private.uncovered(
    Private.sample(attempt, spacing),
    new Private.SegmentIndex(goal, cell),
    tolerance
  );
  const gap = Math.max(tolerance * 3, 6);
  return {
    match: missing.length === 0 && extra.length === 0,
    missing: Private.regions(missing, gap),
    extra: Private.regions(extra, gap)
  };
}

namespace Private {
  type Point = [number, number];

  export function sample(
    segments: ReadonlyArray<Segment>,
    spacing: number
  ): Point[] {
    const points: Point[] = [];
    for (const [x1, y1, x2, y2] of segments) {
      const n = Math.max(Math.ceil(Math.hypot(x2 - x1, y2 - y1) / spacing), 1);
      for (let i = 0; i <= n; i++) {
        const t = i / n;
        points.push([x1 + (x2 - x1) * t, y1 + (y2 - y1) * t]);
      }
    }
    return points;
  }

  function distance(px: number, py: number, s: Segment): number {
    const [x1, y1, x2, y2] = s;
    const dx = x2 - x1;
    const dy = y2 - y1;
    const length2 = dx * dx + dy * dy;
    const t =
      length2 === 0
        ? 0
        : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length2));
    return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
  }

  /**
   * A uniform grid over segments, so a point only meets nearby segments.
   */
  export class SegmentIndex {
    constructor(
      private segments: ReadonlyArray<Segment>,
      private cell: number
    ) {
      segments.forEach(([x1, y1, x2, y2], i) => {
        const gx0 = Math.floor(Math.min(x1, x2) / cell) - 1;
        const gx1 = Math.floor(Math.max(x1, x2) / cell) + 1;
        const gy0 = Math.floor(Math.min(y1, y2) / cell) - 1;
        const gy1 = Math.floor(Math.max(y1, y2) / cell) + 1;
        for (let gx = gx0; gx <= gx1; gx++) {
          for (let gy = gy0; gy <= gy1; gy++) {
            const key = `${gx},${gy}`;
            const list = this.grid.get(key);
            if (list) {
              list.push(i);
            } else {
              this.grid.set(key, [i]);
            }
          }
        }
      });
    }

    near(x: number, y: number, tolerance: number): boolean {
      const key = `${Math.floor(x / this.cell)},${Math.floor(y / this.cell)}`;
      return (this.grid.get(key) ?? []).some(
        i => distance(x, y, this.segments[i]) <= tolerance
      );
    }

    private grid = new Map<string, number[]>();
  }

  export function uncovered(
    points: Point[],
    index: SegmentIndex,
    tolerance: number
  ): Point[] {
    return points.filter(([x, y]) => !index.near(x, y, tolerance));
  }

  export function regions(points: Point[], gap: number): IRegion[] {
    const boxes: number[][] = [];
    for (const [x, y] of points) {
      const box = boxes.find(
        b =>
          b[0] - gap <= x &&
          x <= b[2] + gap &&
          b[1] - gap <= y &&
          y <= b[3] + gap
      );
      if (box) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
      } else {
        boxes.push([x, y, x, y]);
      }
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    return boxes.map(b => ({
      x: round(b[0]),
      y: round(b[1]),
      width: round(b[2] - b[0]),
      height: round(b[3] - b[1])
    }));
  }
}
