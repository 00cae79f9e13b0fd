/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Turtle blocks in the Blockly editor on a real ipykernel: a predecessor
 * (jupyterlab-broccoli-turtle) file opens and draws, and an instructor's
 * solution becomes an exercise that checks a student's drawing.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs/promises';
import * as path from 'path';

import {
  blocklyEditor,
  blocklyKernelIdle,
  onBlocklyPanel,
  openInBlocklyEditor
} from './blockly-page';
import { JAPANESE_UI } from './japanese';
import { paintedPixels } from './turtle-page';

const root = process.env.JUPYTERLAB_GALATA_ROOT_DIR!;
const DIR = 'turtle-blocks-ui';
const MIME = 'application/vnd.ltilab.turtle.v1+json';
const SPIRAL = path.resolve(
  __dirname,
  '../../examples/sample-course/turtle-spiral.jpblockly'
);

const num = (value: number) => ({
  shadow: { type: 'math_number', fields: { NUM: value } }
});

/**
 * The instructor's solution: a 100-pixel square on a 300 × 300 canvas.
 */
const SQUARE = JSON.stringify({
  blocks: {
    languageVersion: 0,
    blocks: [
      {
        type: 'turtle_init',
        id: 'init',
        x: 30,
        y: 30,
        inputs: { XSIZE: num(300), YSIZE: num(300) },
        next: {
          block: {
            type: 'controls_repeat_ext',
            id: 'repeat',
            inputs: {
              TIMES: num(4),
              DO: {
                block: {
                  type: 'turtle_forward',
                  id: 'fd',
                  inputs: { VAL: num(100) },
                  next: {
                    block: {
                      type: 'turtle_turn_right',
                      id: 'rt',
                      inputs: { VAL: num(90) }
                    }
                  }
                }
              }
            }
          }
        }
      }
    ]
  },
  variables: [],
  metadata: {
    kernelspec: {
      name: 'python3',
      display_name: 'Python 3 (ipykernel)',
      language: 'python'
    },
    ltilab: { formatVersion: 1, toolbox: 'turtle' }
  }
});

/**
 * The turtle drawing in the editor's output.
 */
const drawing = (page: Page) =>
  blocklyEditor(page).locator('.jp-LtilabBlockly-outputArea .jp-LtilabTurtle');

async function run(page: Page): Promise<void> {
  await blocklyKernelIdle(page);
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('ltilab-blockly:run')
  );
}

test.beforeAll(async () => {
  await fs.rm(path.join(root, DIR), { recursive: true, force: true });
  await fs.mkdir(path.join(root, DIR), { recursive: true });
  await fs.copyFile(SPIRAL, path.join(root, DIR, 'spiral.jpblockly'));
  await fs.writeFile(path.join(root, DIR, 'square.jpblockly'), SQUARE);
  // An exercise written by hand: the goal is one 100-pixel line.
  const exercise = JSON.parse(SQUARE);
  delete exercise.blocks.blocks[0].next;
  exercise.metadata.ltilab.exercise = {
    instructions: { en: 'Draw one line.', ja: '線を 1 本描きましょう。' },
    goal: {
      [MIME]: { version: 1, width: 300, height: 300, ops: [['line', 250, 150]] }
    }
  };
  await fs.writeFile(
    path.join(root, DIR, 'line-exercise.jpblockly'),
    JSON.stringify(exercise)
  );
});

test.afterAll(async () => {
  await fs.rm(path.join(root, DIR), { recursive: true, force: true });
});

test.describe('turtle blocks', () => {
  test('the predecessor sample (a 72-step spiral) opens, runs and draws in the editor', async ({
    page
  }) => {
    await openInBlocklyEditor(page, `${DIR}/spiral.jpblockly`);
    // Every block is known: no placeholder, no missing generator. (The
    // code view only renders the lines in view: read the code itself.) The
    // code view shows the student's program: a comment stands for the
    // turtle runtime, which Run adds.
    await expect(
      blocklyEditor(page).locator('.jp-LtilabBlockly-code')
    ).toContainText('# turtle runtime: added when the program runs');
    const { code, unknown } = await onBlocklyPanel(page, panel => ({
      code: panel.code,
      unknown: panel.workspace
        .getAllBlocks(false)
        .filter((b: any) => b.type === 'ltilab_unknown_block').length
    }));
    expect(code).toContain('turtle.line_hsv(i * 5, 0.45, 0.65)');
    expect(code).not.toContain('has no python generator');
    expect(code).not.toContain('_ltilab_turtle_module');
    expect(unknown).toBe(0);
    // The file stores no toolbox, as the predecessor's: the Turtle toolbox
    // is chosen, without changing the file.
    await expect(
      blocklyEditor(page).locator('.jp-LtilabBlockly-toolboxSelect select')
    ).toHaveValue('turtle');
    await expect(
      blocklyEditor(page).locator('.blocklyToolboxCategory').first()
    ).toContainText('Turtle');
    expect(await onBlocklyPanel(page, panel => panel.context.model.dirty)).toBe(
      false
    );

    await run(page);
    const view = drawing(page);
    await expect(view).toHaveCount(1);
    // One bundle: the speed, then a colour, a line and a turn per step.
    await expect(view).toHaveAttribute('data-ops', '217');
    await expect(view).toHaveAttribute('data-finished', 'true', {
      timeout: 60000
    });
    const painted = await paintedPixels(view);
    expect(painted).toBeGreaterThan(1000);
    await expect(
      blocklyEditor(page).locator(
        '.jp-LtilabBlockly-outputArea .jp-OutputArea-output'
      )
    ).toHaveCount(1);
  });

  test('an instructor saves a solution as an exercise, and a student is checked against it', async ({
    page
  }) => {
    // The instructor runs the solution, then saves it as an exercise.
    await openInBlocklyEditor(page, `${DIR}/square.jpblockly`);
    await run(page);
    await expect(drawing(page)).toHaveAttribute('data-finished', 'true', {
      timeout: 30000
    });
    // From the editor's toolbar (the palette has it too).
    await blocklyEditor(page)
      .locator(
        '.jp-Toolbar-item[data-jp-item-name="ltilab-turtle-exercise"] button'
      )
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toBeVisible();
    await dialog
      .locator('textarea[name="ja"]')
      .fill('一辺 100 の正方形を描きましょう。');
    await dialog
      .locator('textarea[name="en"]')
      .fill('Draw a square with sides of 100.');
    const allowed = dialog.locator('input[name="allowedBlocks"]');
    await expect(allowed).toHaveValue(
      'controls_repeat_ext, turtle_forward, turtle_init, turtle_turn_right'
    );
    await allowed.fill('turtle_init, turtle_forward, turtle_turn_right');
    await dialog.locator('select[name="start"]').selectOption('first');
    await dialog.getByRole('button', { name: 'Save Exercise' }).click();

    // The exercise opens; on disk it holds the goal, the instructions, the
    // allowed blocks and the starting workspace (the set-up block alone).
    const tab = page.locator(
      '.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current'
    );
    await expect(tab).toContainText('square-exercise.jpblockly');
    const saved = JSON.parse(
      await fs.readFile(
        path.join(root, DIR, 'square-exercise.jpblockly'),
        'utf8'
      )
    );
    const exercise = saved.metadata.ltilab.exercise;
    expect(exercise.instructions).toEqual({
      ja: '一辺 100 の正方形を描きましょう。',
      en: 'Draw a square with sides of 100.'
    });
    expect(exercise.goal[MIME].width).toBe(300);
    expect(
      exercise.goal[MIME].ops.filter((op: unknown[]) => op[0] === 'line')
    ).toHaveLength(4);
    expect(saved.metadata.ltilab.allowedBlocks).toEqual([
      'turtle_init',
      'turtle_forward',
      'turtle_turn_right'
    ]);
    expect(saved.metadata.ltilab.toolbox).toBe('turtle');
    expect(saved.blocks.blocks).toHaveLength(1);
    expect(saved.blocks.blocks[0].type).toBe('turtle_init');
    expect(saved.blocks.blocks[0].next).toBeUndefined();

    // The student sees the instructions and only the allowed blocks.
    const banner = blocklyEditor(page).locator('.jp-LtilabTurtleExercise');
    await expect(banner).toContainText('Draw a square with sides of 100.');
    await expect(banner.locator('img')).toBeVisible();
    expect(
      await onBlocklyPanel(page, panel =>
        panel.workspace
          .getToolbox()
          .getToolboxItems()
          .flatMap((item: any) => item.getContents?.() ?? [])
          .map((block: any) => block.type)
          .filter(Boolean)
          .sort()
      )
    ).toEqual(['turtle_forward', 'turtle_init', 'turtle_turn_right']);

    // Three sides: the check says it differs, and where.
    const addSteps = (n: number) =>
      onBlocklyPanel(
        page,
        (panel, count: number) => {
          const ws = panel.workspace;
          let last = ws.getTopBlocks(true)[0];
          while (last.getNextBlock()) {
            last = last.getNextBlock();
          }
          for (let i = 0; i < count; i++) {
            for (const type of ['turtle_forward', 'turtle_turn_right']) {
              const block = ws.newBlock(type);
              block.initSvg();
              block.render();
              last.nextConnection.connect(block.previousConnection);
              last = block;
            }
          }
        },
        n
      );
    await addSteps(3);
    await page.waitForFunction(() =>
      (window as any).jupyterapp.shell.currentWidget.content.code.includes(
        'turtle.forward(100)'
      )
    );
    await run(page);
    const view = drawing(page);
    await expect(view).toHaveAttribute('data-finished', 'true', {
      timeout: 30000
    });
    await expect(view).toHaveAttribute('data-match', 'false');
    await expect(view.locator('.jp-LtilabTurtle-goal')).toBeVisible();
    await expect(view.locator('.jp-LtilabTurtle-feedback')).toContainText(
      'Differs from the goal: a part of the goal is missing near (150, 200)'
    );
    await expect(
      view.locator('.jp-LtilabTurtle-region.jp-mod-missing')
    ).toHaveCount(1);

    // The fourth side: it matches.
    await addSteps(1);
    await run(page);
    await expect(drawing(page)).toHaveAttribute('data-match', 'true', {
      timeout: 30000
    });
    await expect(drawing(page).locator('.jp-LtilabTurtle-feedback')).toHaveText(
      'Matches the goal.'
    );
    await expect(drawing(page).locator('.jp-LtilabTurtle-region')).toHaveCount(
      0
    );
  });
});

test.describe('turtle blocks in Japanese', () => {
  test.use(JAPANESE_UI);

  test('the blocks, the toolbox and the exercise speak Japanese', async ({
    page
  }: {
    page: IJupyterLabPageFixture;
  }) => {
    await openInBlocklyEditor(page, `${DIR}/line-exercise.jpblockly`);
    await expect(
      blocklyEditor(page).locator('.jp-LtilabTurtleExercise')
    ).toContainText('線を 1 本描きましょう。');
    await expect(
      blocklyEditor(page).locator('.jp-LtilabTurtleExercise-title')
    ).toHaveText('課題');
    await expect(
      blocklyEditor(page).locator('.blocklyToolboxCategory').first()
    ).toContainText('タートル');
    await expect(
      blocklyEditor(page).locator(
        '.jp-LtilabBlockly-toolboxSelect option[value="turtle"]'
      )
    ).toHaveText('タートル');
    await expect
      .poll(() =>
        page.evaluate(() =>
          Array.from(
            document.querySelectorAll('.jp-LtilabBlocklyEditor .blocklyText')
          )
            .map(node => node.textContent)
            .join(' ')
            // Blockly draws spaces as no-break spaces.
            .replace(/\u00a0/g, ' ')
        )
      )
      .toContain('タートル: はじめる よこの大きさ たての大きさ');
  });
});
