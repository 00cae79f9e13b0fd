/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The Blockly editor in a real JupyterLab, on a real ipykernel. Files are
 * written in the server's root on disk, as a teacher hands them out.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs/promises';
import * as path from 'path';

import {
  blocklyEditor as editor,
  blocklyKernelIdle as kernelIdle,
  onBlocklyPanel as onPanel,
  openInBlocklyEditor as openFile
} from './blockly-page';
import { JAPANESE_UI } from './japanese';

const root = process.env.JUPYTERLAB_GALATA_ROOT_DIR!;
const FIXTURES = path.resolve(
  __dirname,
  '../../packages/broccoli/test/fixtures'
);
const DIR = 'broccoli-ui';

const KERNELSPEC = {
  name: 'python3',
  display_name: 'Python 3 (ipykernel)',
  language: 'python'
};

/**
 * `print(text)` with a text shadow, optionally followed by another block.
 */
const printBlock = (id: string, text: string, rest: object = {}) => ({
  type: 'text_print',
  id,
  inputs: {
    TEXT: { shadow: { type: 'text', id: `${id}-text`, fields: { TEXT: text } } }
  },
  ...rest
});

/**
 * A `.jpblockly` file of top-level blocks, with ltilab metadata if given.
 */
const jpblockly = (blocks: object[], ltilab?: object) =>
  JSON.stringify({
    blocks: { languageVersion: 0, blocks },
    variables: [],
    metadata: { kernelspec: KERNELSPEC, ...(ltilab ? { ltilab } : {}) }
  });

/**
 * An infinite loop built from blocks: `while True: pass`.
 */
const LOOP = jpblockly([
  {
    type: 'controls_whileUntil',
    id: 'loop',
    x: 20,
    y: 20,
    fields: { MODE: 'WHILE' },
    inputs: {
      BOOL: {
        block: { type: 'logic_boolean', id: 'true', fields: { BOOL: 'TRUE' } }
      }
    }
  }
]);

test.beforeAll(async () => {
  await fs.rm(path.join(root, DIR), { recursive: true, force: true });
  await fs.mkdir(path.join(root, DIR, 'dies'), { recursive: true });
  await fs.writeFile(path.join(root, DIR, 'loop.jpblockly'), LOOP);
  await fs.writeFile(
    path.join(root, DIR, 'keys.jpblockly'),
    jpblockly([
      printBlock('first', 'one', {
        x: 20,
        y: 20,
        next: { block: printBlock('second', 'two') }
      })
    ])
  );
  // An exercise: two allowed blocks.
  await fs.writeFile(
    path.join(root, DIR, 'exercise.jpblockly'),
    jpblockly([], {
      formatVersion: 1,
      toolbox: 'default',
      allowedBlocks: ['text_print', 'text']
    })
  );
  // A block of an add-on that is not installed, with its own state.
  await fs.writeFile(
    path.join(root, DIR, 'unknown.jpblockly'),
    jpblockly([
      {
        type: 'course_stamp',
        id: 'stamp',
        x: 20,
        y: 20,
        fields: { SHAPE: 'star' },
        extraState: { size: 3 },
        next: { block: printBlock('after', 'after the stamp') }
      }
    ])
  );
  await fs.writeFile(
    path.join(root, DIR, 'huge.jpblockly'),
    jpblockly(
      Array.from({ length: 2500 }, (_, i) =>
        printBlock(`p${i}`, `${i}`, { x: 20, y: i * 40 })
      )
    ).replace(/"shadow"/g, '"block"')
  );
  await fs.writeFile(
    path.join(root, DIR, 'dies', 'dies.jpblockly'),
    jpblockly([printBlock('alive', 'still alive', { x: 20, y: 20 })])
  );
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
  test('the plugins activate without errors, with New in the launcher, menu and palette', async ({
    page
  }) => {
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
    await page
      .locator('#jp-MainMenu .lm-MenuBar-itemLabel', { hasText: 'File' })
      .click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^New$/ }).hover();
    await expect(
      page.locator('.lm-Menu-itemLabel', { hasText: /^Blockly File$/ })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'apputils:activate-command-palette'
      )
    );
    await page.locator('.lm-CommandPalette-input').fill('New Blockly File');
    await expect(
      page
        .locator('.lm-CommandPalette-item')
        .filter({ hasText: 'New Blockly File' })
    ).toBeVisible();
  });

  test('create from the launcher, add blocks, run, save and reload', async ({
    page
  }) => {
    // Blockly's media (sprites, sounds) come from the Jupyter server, not
    // from static.blockly.com.
    const server = new URL(page.url()).host;
    const elsewhere: string[] = [];
    const media: number[] = [];
    page.on('request', request => {
      if (
        !request.url().startsWith('data:') &&
        new URL(request.url()).host !== server
      ) {
        elsewhere.push(request.url());
      }
    });
    page.on('response', response => {
      if (response.url().includes('/blockly-media/')) {
        media.push(response.status());
      }
    });
    await page.filebrowser.openDirectory(DIR);
    await page
      .locator('.jp-LauncherCard')
      .filter({ hasText: 'Blockly Editor' })
      .click();
    await expect(editor(page).locator('.blocklySvg').first()).toBeVisible();
    await expect(
      editor(page).locator('.blocklyToolboxCategory').first()
    ).toBeVisible();
    await expect.poll(() => media.length).toBeGreaterThan(0);
    expect(media.every(status => status === 200 || status === 304)).toBe(true);
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
    expect(elsewhere).toEqual([]);
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

  test('Blockly 13 keyboard navigation, undo and redo of a block edit (keys and Edit menu), and the close prompt', async ({
    page
  }) => {
    const file = path.join(root, DIR, 'keys.jpblockly');
    await openFile(page, `${DIR}/keys.jpblockly`);
    const tab = page.locator(
      '.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current'
    );
    const code = () => onPanel(page, panel => panel.code as string);
    await expect.poll(code).toContain("print('two')");
    const focused = () =>
      page.evaluate(() =>
        document.activeElement?.closest('[data-id]')?.getAttribute('data-id')
      );

    // Focus the workspace on an empty spot; the arrow keys go from block to
    // block, and Delete deletes the focused one.
    const box = (await editor(page)
      .locator('.blocklyMainBackground')
      .first()
      .boundingBox())!;
    await page.mouse.click(box.x + box.width - 60, box.y + box.height - 60);
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('first');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('second');
    await page.keyboard.press('Delete');
    await expect.poll(code).not.toContain("print('two')");
    await expect(tab).toHaveClass(/jp-mod-dirty/);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    await expect(tab).not.toHaveClass(/jp-mod-dirty/);
    expect(await fs.readFile(file, 'utf8')).not.toContain('"two"');

    // Undo brings the block back, and the document is dirty again; redo
    // deletes it again.
    await page.keyboard.press('Control+z');
    await expect.poll(code).toContain("print('two')");
    await expect(tab).toHaveClass(/jp-mod-dirty/);
    await expect
      .poll(() => onPanel(page, panel => panel.context.model.toString()))
      .toContain('"two"');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(code).not.toContain("print('two')");
    await expect
      .poll(() => onPanel(page, panel => panel.context.model.toString()))
      .not.toContain('"two"');
    // The same through JupyterLab's Edit menu.
    await page.menu.clickMenuItem('Edit>Undo');
    await expect.poll(code).toContain("print('two')");
    await page.menu.clickMenuItem('Edit>Redo');
    await expect.poll(code).not.toContain("print('two')");

    // Closing the dirty document asks first: JupyterLab's close prompt.
    await tab.locator('.lm-TabBar-tabCloseIcon').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('Save your work');
    await dialog
      .getByRole('button', { name: 'Discard changes to file' })
      .click();
    await expect(editor(page)).toHaveCount(0);
  });

  test('a registered toolbox is chosen per document, and allowed blocks restrict it', async ({
    page
  }) => {
    const file = path.join(root, DIR, 'exercise.jpblockly');
    await openFile(page, `${DIR}/exercise.jpblockly`);
    const categories = editor(page).locator('.blocklyToolboxCategory');
    // Only text_print and text are allowed: only their category is left.
    await expect(categories).toHaveCount(1);
    await expect(categories).toContainText('Text');
    await categories.click();
    expect(
      await onPanel(page, panel =>
        panel.workspace
          .getToolbox()
          .getFlyout()
          .getWorkspace()
          .getTopBlocks(false)
          .map((block: any) => block.type)
          .sort()
      )
    ).toEqual(['text', 'text_print']);

    // An add-on's toolbox, registered by its stable id, picked in the
    // toolbar: the exercise's restriction still applies.
    await onPanel(page, panel =>
      panel._registry.registerToolbox({
        id: 'ui-test-kit',
        label: 'UI test kit',
        toolbox: {
          kind: 'categoryToolbox',
          contents: [
            {
              kind: 'category',
              name: 'Kit',
              contents: [
                { kind: 'block', type: 'text_print' },
                { kind: 'block', type: 'math_number' }
              ]
            },
            {
              kind: 'category',
              name: 'Numbers only',
              contents: [{ kind: 'block', type: 'math_number' }]
            }
          ]
        }
      })
    );
    await editor(page)
      .locator('.jp-LtilabBlockly-toolboxSelect select')
      .selectOption('ui-test-kit');
    await expect(categories).toHaveCount(1);
    await expect(categories).toContainText('Kit');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(saved.metadata.ltilab.toolbox).toBe('ui-test-kit');
    expect(saved.metadata.ltilab.allowedBlocks).toEqual(['text_print', 'text']);

    // Reopened, the document comes back with its toolbox.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('application:close-all')
    );
    await openFile(page, `${DIR}/exercise.jpblockly`);
    await expect(categories).toHaveCount(1);
    await expect(categories).toContainText('Kit');
    await expect(
      editor(page).locator('.jp-LtilabBlockly-toolboxSelect select')
    ).toHaveValue('ui-test-kit');
  });

  test('unknown blocks survive a save, and a change on disk prompts', async ({
    page
  }) => {
    const file = path.join(root, DIR, 'unknown.jpblockly');
    await openFile(page, `${DIR}/unknown.jpblockly`);
    const code = () => onPanel(page, panel => panel.code as string);
    await expect.poll(code).toContain("print('after the stamp')");
    expect(
      await onPanel(page, panel => panel.workspace.getBlockById('stamp').type)
    ).toBe('ltilab_unknown_block');
    // The placeholder is marked on the workspace.
    expect(
      await onPanel(
        page,
        panel => !!panel.workspace.getBlockById('stamp').getIcon('warning')
      )
    ).toBe(true);

    await onPanel(page, panel =>
      panel.workspace.getBlockById('after-text').setFieldValue('edited', 'TEXT')
    );
    await expect.poll(code).toContain("print('edited')");
    await expect
      .poll(() => onPanel(page, panel => panel.context.model.dirty))
      .toBe(true);
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    const stamp = saved.blocks.blocks[0];
    expect(stamp).toMatchObject({
      type: 'course_stamp',
      id: 'stamp',
      fields: { SHAPE: 'star' },
      extraState: { size: 3 }
    });
    expect(stamp.next.block.inputs.TEXT.shadow.fields.TEXT).toBe('edited');

    // Someone changes the file on disk; saving over it asks first, and
    // Revert loads the version on disk.
    await page.waitForTimeout(1100); // newer than JupyterLab's 0.5 s margin
    const onDisk = JSON.stringify({
      ...saved,
      blocks: {
        languageVersion: 0,
        blocks: [printBlock('disk', 'from disk', { x: 20, y: 20 })]
      }
    });
    await fs.writeFile(file, onDisk);
    await onPanel(page, panel =>
      panel.workspace.getBlockById('after-text').setFieldValue('mine', 'TEXT')
    );
    await expect
      .poll(() => onPanel(page, panel => panel.context.model.toString()))
      .toContain('"mine"');
    void page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:save')
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('File Changed');
    await dialog.getByRole('button', { name: 'Revert' }).click();
    await expect.poll(code).toContain("print('from disk')");
    expect(await fs.readFile(file, 'utf8')).toBe(onDisk);
  });

  test('a 5,000-block workspace opens', async ({ page }) => {
    await openFile(page, `${DIR}/huge.jpblockly`);
    await page.waitForFunction(
      () => {
        const widget = (window as any).jupyterapp.shell.currentWidget;
        return widget?.content?.workspace?.getAllBlocks(false).length === 5000;
      },
      undefined,
      { timeout: 60000 }
    );
    await expect
      .poll(() => onPanel(page, panel => panel.code as string))
      .toContain("print('2499')");
    expect(await onPanel(page, panel => panel.context.model.dirty)).toBe(false);
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

  test('a dead kernel says so, and its restart button works', async ({
    page
  }) => {
    // The server restarts a dead kernel up to 5 times, 3 s apart.
    test.setTimeout(120000);
    await openFile(page, `${DIR}/dies/dies.jpblockly`);
    await kernelIdle(page);
    const output = editor(page).locator('.jp-LtilabBlockly-output');
    const notice = editor(page).locator('.jp-LtilabBlockly-kernelDead');
    await expect(notice).toBeHidden();
    // The kernel process ends; while this file is in its working directory,
    // `python -m ipykernel_launcher` exits at once, so every restart fails.
    const launcher = path.join(root, DIR, 'dies', 'ipykernel_launcher.py');
    await fs.writeFile(launcher, 'raise SystemExit(1)\n');
    try {
      await page.evaluate(() => {
        const widget = (window as any).jupyterapp.shell.currentWidget;
        const kernel = widget.context.sessionContext.session.kernel;
        kernel
          .requestExecute({ code: 'import os\nos._exit(1)' })
          .done.catch(() => undefined);
      });
      await expect(output).toContainText(
        'The kernel died and is being restarted'
      );
      await expect(notice).toBeVisible({ timeout: 60000 });
      await expect(notice).toContainText('The kernel has died');
    } finally {
      await fs.rm(launcher, { force: true });
    }
    await notice.getByRole('button', { name: 'Restart Kernel' }).click();
    await kernelIdle(page);
    await expect(notice).toBeHidden();
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('ltilab-blockly:run')
    );
    await expect(
      editor(page).locator('.jp-LtilabBlockly-outputArea')
    ).toContainText('still alive');
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
