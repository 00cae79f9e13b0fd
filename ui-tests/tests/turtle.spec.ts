/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Turtle drawings in a notebook on a real ipykernel: a jbturtle program with
 * only its import changed, drawn by the browser from one MIME bundle.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs/promises';

import { paintedPixels } from './turtle-page';

const JBTURTLE_PROGRAM = [
  'from ltilab.turtle import *   # was: from jbturtle import *',
  'turtle = JBTurtle(400, 300)',
  'turtle.speed(50)',
  'for i in range(72):',
  '    turtle.line_hsv(i * 5, 0.45, 0.65)',
  '    turtle.forward(150)',
  '    turtle.turn_right(175)'
].join('\n');

test.describe('turtle drawings', () => {
  test('a jbturtle-style notebook draws on a canvas, one bundle, with exports', async ({
    page
  }) => {
    await page.notebook.createNew('turtle.ipynb');
    await page.notebook.setCell(0, 'code', JBTURTLE_PROGRAM);
    await page.notebook.runCell(0);
    const view = page.locator('.jp-LtilabTurtle');
    await expect(view).toHaveCount(1);
    // The first display is the empty canvas; the drawing comes when the
    // cell ends: 72 lines, 72 turns and 72 colour changes plus the speed.
    await expect(view).toHaveAttribute('data-ops', '217');
    await expect(view).toHaveAttribute('data-finished', 'true', {
      timeout: 30000
    });

    // The canvas holds the figure: count pixels that are not transparent.
    const painted = await paintedPixels(view);
    expect(painted).toBeGreaterThan(1000);

    // Exactly one display output: no image per step.
    const outputs = page.locator('.jp-OutputArea-output');
    await expect(outputs).toHaveCount(1);

    const [png] = await Promise.all([
      page.waitForEvent('download'),
      view.getByRole('button', { name: 'PNG' }).click()
    ]);
    const pngBytes = await fs.readFile((await png.path())!);
    expect([...pngBytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      view.getByRole('button', { name: 'SVG' }).click()
    ]);
    const svgText = await fs.readFile((await svg.path())!, 'utf8');
    expect(svgText).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="300"/
    );
    expect(svgText).toContain('<path ');

    // A later cell adds to the same drawing, in place.
    await page.notebook.addCell(
      'code',
      'turtle.pen_up()\nturtle.move(20, 20)\nturtle.write("end")'
    );
    await page.notebook.runCell(1);
    await expect(outputs).toHaveCount(1);

    // Replay starts over and finishes again.
    await view.getByRole('button', { name: 'Replay' }).click();
    await expect(view).toHaveAttribute('data-finished', 'true', {
      timeout: 30000
    });
  });

  test('a malformed bundle shows an error, not a blank', async ({ page }) => {
    await page.notebook.createNew('broken.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      'from IPython.display import display\n' +
        "display({'application/vnd.ltilab.turtle.v1+json': {'version': 1, 'width': -5, 'height': 10, 'ops': []}}, raw=True)"
    );
    await page.notebook.runCell(0);
    await expect(page.locator('.jp-LtilabTurtle-error')).toContainText(
      'cannot be shown'
    );
  });
});
