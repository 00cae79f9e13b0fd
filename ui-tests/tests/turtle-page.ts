/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import type { Locator } from '@playwright/test';

/**
 * How many pixels of a turtle drawing's canvas are painted (not
 * transparent): what the program drew, without the background.
 *
 * @param view - A `.jp-LtilabTurtle` renderer.
 */
export async function paintedPixels(view: Locator): Promise<number> {
  return view.locator('.jp-LtilabTurtle-canvas').evaluate(node => {
    const canvas = node as HTMLCanvasElement;
    const data = canvas
      .getContext('2d')!
      .getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) {
      count += data[i] > 0 ? 1 : 0;
    }
    return count;
  });
}
