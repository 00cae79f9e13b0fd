/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The Blockly editor in a real JupyterLab, on a real ipykernel. Files are
 * written in the server's root on disk, as a teacher hands them out.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs/promises';
import * as path from 'path';

import { JAPANESE_UI } from './japanese';

const root = process.env.JUPYTERLAB_GALATA_ROOT_DIR!;
const FIXTURES = path.resolve(
  __dirname,
  '../../packages/broccoli/test/fixtures'
);
const DIR = 'broccoli-ui';

const editor = (page: Page) =>
  page.locator('.jp-LtilabBlocklyEditor:not(.lm-mod-hidden)');

/**
 * An infinite loop built from blocks: `while True: pass`.
 */
const LOOP = JSON.stringify({
  blocks: {
    languageVersion: 0,
    blocks: [
      {
        type: 'controls_whileUntil',
        id: 'loop',
        x: 20,
        y: 20,
        fields: { MODE: 'WHILE' },
        inputs: {
          BOOL: {
            block: {
              type: 'logic_boolean',
              id: 'true',
              fields: { BOOL: 'TRUE' }
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
    }
  }
});

/**
 * Evaluate a function on the current Blockly editor's panel in the page.
 */
async function onPanel<T, A>(
  page: Page,
  fn: (panel: any, arg: A) => T,
  arg?: A
): Promise<T> {
  return page.evaluate(
    ({ source, arg }) => {
      const shell = (window as any).jupyterapp.shell;
      const widget = shell.currentWidget;
      if (!widget || !widget.hasClass('jp-LtilabBlocklyEditor')) {
        throw new Error('The current widget is not a Blockly editor');
      }
      return new Function('panel', 'arg', `return (${source})(panel, arg);`)(
        widget.content,
        arg
      );
    },
    { source: fn.toString(), arg }
  );
}

/**
 * Wait until the editor's kernel is idle.
 */
async function kernelIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      const kernel = widget?.context?.sessionContext?.session?.kernel;
      return kernel?.status === 'idle';
    },
    undefined,
    { timeout: 60000 }
  );
}

/**
 * Open a file of the server root in the Blockly editor.
 */
async function openFile(page: Page, file: string): Promise<void> {
  await page.evaluate(
    p =>
      (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p,
        factory: 'Blockly Editor'
      }),
    file
  );
  await expect(editor(page).locator('.blocklySvg').first()).toBeVisible();
}

test.beforeAll(async () => {
  await fs.rm(path.join(root, DIR), { recursive: true, force: true });
  await fs.mkdir(path.join(root, DIR), { recursive: true });
  await fs.writeFile(path.join(root, DIR, 'loop.jpblockly'), LOOP);
  await fs.copyFile(
    path.join(FIXTURES, 'jupyterlab-blockly.jpblockly'),
    path.join(root, DIR, 'predecessor.jpblockly')
  );
  await fs.copyFile(
    path.join(FIXTURES, 'malformed.jpblockly'),
    path.join(root, DIR, 'malformed.jpblockly')
  );
});

test.afterAll(async () => {
  await fs.rm(path.join(root, DIR), { recursive: true, force: true });
});

test.describe('Blockly editor', () => {
  test('the plugins activate without errors', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (
        /failed to activate|No provider for|Error: Blockly/.test(message.text())
      ) {
        errors.push(message.text());
      }
    });
    await page.reload();
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await expect(
      page.locator('.jp-LauncherCard').filter({ hasText: 'Blockly Editor' })
    ).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('create from the launcher, add blocks, run, save and reload', async ({
    page
  }) => {
    await page.filebrowser.openDirectory(DIR);
    await page
      .locator('.jp-LauncherCard')
      .filter({ hasText: 'Blockly Editor' })
      .click();
    await expect(editor(page).locator('.blocklySvg').first()).toBeVisible();
    await expect(
      editor(page).locator('.blocklyToolboxCategory').first()
    ).toBeVisible();
    const tab = page.locator(
      '.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current'
    );
    await expect(tab).toContainText('.jpblockly');
    const name = (await tab.innerText()).trim();
    const file = path.join(root, DIR, name);
    await kernelIdle(page);

    // Add `print('Hello from blocks')` through the workspace.
    await onPanel(page, panel => {
      const ws = panel.workspace;
      const print = ws.newBlock('text_print');
      const text = ws.newBlock('text');
      text.setFieldValue('Hello from blocks', 'TEXT');
      print.initSvg();
      text.initSvg();
      print.getInput('TEXT').connection.connect(text.outputConnection);
      print.render();
      print.moveBy(80, 60);
    });
    await expect(editor(page).locator('.jp-LtilabBlockly-code')).toContainText(
      "print('Hello from blocks')"
    );
    // The document is dirty, as JupyterLab shows it.
    await expect(tab).toHaveClass(/jp-mod-dirty/);

    await editor(page)
      .locator('.jp-Toolbar-item[data-jp-item-name="run"] button')
      .click();
    await expect(
      editor(page).locator('.jp-LtilabBlockly-outputArea')
    ).toContainText('Hello from blocks');

    await page.keyboard.press('Control+s');
    await expect(tab).not.toHaveClass(/jp-mod-dirty/);
    const saved = await fs.readFile(file, 'utf8');
    const content = JSON.parse(saved);
    expect(content.metadata.kernelspec.name).toBe('python3');
    expect(content.metadata.ltilab.toolbox).toBe('default');
    expect(JSON.stringify(content.blocks)).toContain('Hello from blocks');

    // Close the editor and open the file again from disk: saving again
    // writes the very same bytes.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );
    await expect(editor(page)).toHaveCount(0);
    await openFile(page, `${DIR}/${name}`);
    await expect(editor(page).locator('.jp-LtilabBlockly-code')).toContainText(
      "print('Hello from blocks')"
    );
    expect(await onPanel(page, panel => panel.context.model.dirty)).toBe(false);
    expect(await onPanel(page, panel => panel.context.model.toString())).toBe(
      saved
    );
    // Save through the command, which resolves once the file is written.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    expect(await fs.readFile(file, 'utf8')).toBe(saved);
  });

  test('a predecessor-format file opens unchanged and runs', async ({
    page
  }) => {
    const original = await fs.readFile(
      path.join(root, DIR, 'predecessor.jpblockly'),
      'utf8'
    );
    await openFile(page, `${DIR}/predecessor.jpblockly`);
    await expect(editor(page).locator('.jp-LtilabBlockly-code')).toContainText(
      'print(colour_rgb(100, 50, 0))'
    );
    expect(await onPanel(page, panel => panel.context.model.dirty)).toBe(false);
    await kernelIdle(page);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('ltilab-blockly:run')
    );
    await expect(
      editor(page).locator('.jp-LtilabBlockly-outputArea')
    ).toContainText('#ff7f00');
    expect(
      await fs.readFile(path.join(root, DIR, 'predecessor.jpblockly'), 'utf8')
    ).toBe(original);

    // Export to a notebook (same kernel, the code in one cell) and a script.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'ltilab-blockly:export-notebook',
        { activate: false }
      )
    );
    const notebook = JSON.parse(
      await fs.readFile(path.join(root, DIR, 'predecessor.ipynb'), 'utf8')
    );
    expect(notebook.metadata.kernelspec.name).toBe('python3');
    expect(notebook.cells).toHaveLength(1);
    expect([notebook.cells[0].source].flat().join('')).toContain(
      'print(colour_rgb(100, 50, 0))'
    );
    await openFile(page, `${DIR}/predecessor.jpblockly`);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'ltilab-blockly:export-script',
        { activate: false }
      )
    );
    expect(
      await fs.readFile(path.join(root, DIR, 'predecessor.py'), 'utf8')
    ).toContain('print(colour_rgb(100, 50, 0))');
  });

  test('malformed JSON opens as an error and the file is kept', async ({
    page
  }) => {
    const file = path.join(root, DIR, 'malformed.jpblockly');
    const original = await fs.readFile(file, 'utf8');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: 'broccoli-ui/malformed.jpblockly',
        factory: 'Blockly Editor'
      })
    );
    const error = editor(page).locator('.jp-LtilabBlockly-error');
    await expect(error).toBeVisible();
    await expect(error).toContainText('not valid JSON');
    // Save through the command, which resolves once the file is written.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    expect(await fs.readFile(file, 'utf8')).toBe(original);
  });

  test('the Blockly theme follows the dark theme', async ({ page }) => {
    await openFile(page, `${DIR}/predecessor.jpblockly`);
    expect(await onPanel(page, panel => panel.workspace.getTheme().name)).toBe(
      'ltilab-light'
    );
    await page.theme.setDarkTheme();
    await page.waitForFunction(() => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return widget?.content?.workspace?.getTheme().name === 'ltilab-dark';
    });
    // The workspace background is JupyterLab's dark layout colour.
    const background = await page.evaluate(() =>
      getComputedStyle(document.body)
        .getPropertyValue('--jp-layout-color0')
        .trim()
    );
    expect(
      await onPanel(page, panel =>
        panel.workspace
          .getTheme()
          .getComponentStyle('workspaceBackgroundColour')
      )
    ).toBe(background);
    await page.theme.setLightTheme();
    await page.waitForFunction(() => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return widget?.content?.workspace?.getTheme().name === 'ltilab-light';
    });
  });
});

test.describe('Blockly editor kernel', () => {
  // galata's kernel bookkeeping proxies POST requests as JSON, and an
  // interrupt answers 204 with no body: talk to the server directly.
  test.use({ kernels: null, sessions: null });

  test('Shift+Enter runs, and an infinite loop can be interrupted', async ({
    page
  }) => {
    await openFile(page, `${DIR}/loop.jpblockly`);
    await expect(editor(page).locator('.jp-LtilabBlockly-code')).toContainText(
      'while True:'
    );
    await kernelIdle(page);
    await editor(page)
      .locator('.blocklySvg')
      .first()
      .click({
        position: { x: 400, y: 300 }
      });
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return (
        widget?.context?.sessionContext?.session?.kernel?.status === 'busy'
      );
    });
    await editor(page)
      .locator('.jp-Toolbar-item[data-jp-item-name="interrupt"] button')
      .click();
    await expect(
      editor(page).locator('.jp-LtilabBlockly-outputArea')
    ).toContainText('KeyboardInterrupt', { timeout: 30000 });
    await kernelIdle(page);
    // Nothing tracks this kernel for galata: shut it down with the editor.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'ltilab-blockly:shutdown-kernel'
      )
    );
  });
});

test.describe('Japanese UI', () => {
  test.use(JAPANESE_UI);

  test('blocks, categories and the editor speak Japanese', async ({
    page
  }: {
    page: IJupyterLabPageFixture;
  }) => {
    await expect(
      page.locator('.jp-LauncherCard').filter({ hasText: 'Blockly エディター' })
    ).toBeVisible();
    await openFile(page, `${DIR}/predecessor.jpblockly`);
    await expect(
      editor(page).locator('.blocklyToolboxCategory').first()
    ).toContainText('論理');
    await expect(editor(page).locator('.lm-TabBar-tab').first()).toHaveText(
      'コード'
    );
    await expect(
      editor(page).locator('.jp-Toolbar-item[data-jp-item-name="run"] button')
    ).toHaveAttribute('aria-label', /プログラムをカーネルで実行します/);
    // The blocks themselves are Japanese (Blockly's own ja messages).
    await expect(editor(page).locator('.blocklyText').first()).toBeVisible();
    expect(
      await page.evaluate(() =>
        Array.from(
          document.querySelectorAll('.jp-LtilabBlocklyEditor .blocklyText')
        )
          .map(node => node.textContent)
          .join(' ')
      )
    ).toMatch(/回繰り返す|表示/);
  });
});
