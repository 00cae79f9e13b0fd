/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Submissions in a real JupyterLab with the real ltilab server extension.
 *
 * The box comes from jupyter_server_test_config.py (`c.LtilabSubmit`): box
 * "hw1" in `<server root>/submit-boxes/hw1`, roster alice, bob, carol and
 * dave, teacher "sensei". The test server acts for the student alice. The
 * teacher's view runs against a second server, started here on port 8889
 * with the same configuration and LTILAB_SUBMIT_TEST_USER=sensei. bob and
 * carol submit through `ltilab-submit` with the predecessor spawner's
 * environment (NB_USER, NB_WRKDIR, NB_SUBMITS), as a `!submit` cell does.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';

import { JAPANESE_UI } from './japanese';

const root = process.env.JUPYTERLAB_GALATA_ROOT_DIR!;
const BOXES = path.join(root, 'submit-boxes');
const BOX = path.join(BOXES, 'hw1');
const GRADING = path.join(root, 'grading');
const NOTEBOOK = 'kadai.ipynb';
const TEACHER_PORT = 8889;

test.describe.configure({ mode: 'serial' });

/**
 * An assignment notebook: two questions, tagged with their code numbers.
 */
function assignment(answer1: string, answer2: string): string {
  const cell = (source: string, codenum: number) => ({
    cell_type: 'code',
    id: `question-${codenum}`,
    execution_count: null,
    metadata: { tags: [`codenum:${codenum}`] },
    outputs: [],
    source
  });
  return JSON.stringify({
    cells: [cell(answer1, 1), cell(answer2, 2)],
    metadata: {
      kernelspec: {
        display_name: 'Python 3',
        language: 'python',
        name: 'python3'
      }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

async function sourceOf(file: string, index: number): Promise<string> {
  const nb = JSON.parse(await fs.readFile(file, 'utf8'));
  const source = nb.cells[index].source;
  return Array.isArray(source) ? source.join('') : source;
}

/**
 * Open the assignment at the server root, as a student opens it.
 */
async function openNotebook(page: Page): Promise<void> {
  await page.evaluate(async path => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path
    });
  }, NOTEBOOK);
  await expect(
    page.locator('.jp-NotebookPanel .jp-Cell .cm-content').first()
  ).toBeVisible();
}

const panel = (page: Page) => page.locator('#jp-ltilab-submit-panel');

/**
 * Put `text` into the first code cell without saving, as a student typing.
 */
async function typeAnswer(page: Page, text: string): Promise<void> {
  const editor = page
    .locator('.jp-NotebookPanel .jp-Cell')
    .first()
    .locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await expect(
    page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-dirty')
  ).toHaveCount(1);
}

test.beforeAll(async () => {
  await fs.rm(BOX, { recursive: true, force: true });
  await fs.mkdir(BOX, { recursive: true });
  await fs.rm(GRADING, { recursive: true, force: true });
  await fs.writeFile(
    path.join(root, NOTEBOOK),
    assignment('answer1 = None', 'answer2 = None')
  );
});

test.afterAll(async () => {
  await fs.rm(path.join(root, NOTEBOOK), { force: true });
  await fs.rm(path.join(root, 'notes.txt'), { force: true });
});

test.describe('submissions', () => {
  test('a student submits a notebook from the toolbar and gets a receipt', async ({
    page
  }) => {
    await openNotebook(page);
    // Unsaved: the Submit button must save first.
    await typeAnswer(page, "answer1 = 'alice v1'");

    const posted = page.waitForResponse(
      response =>
        response.url().includes('/ltilab/submit/boxes/hw1/submissions') &&
        response.request().method() === 'POST'
    );
    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-jp-item-name="ltilab-submit"] button'
      )
      .click();
    expect((await posted).status()).toBe(201);

    const stored = path.join(BOX, `alice_${NOTEBOOK}`);
    expect(await sourceOf(stored, 0)).toBe("answer1 = 'alice v1'");
    const mode = (await fs.stat(stored)).mode & 0o777;
    expect(mode).toBe(0o640);
    await expect(
      page.locator('.Toastify__toast').filter({ hasText: 'Homework 1' })
    ).toBeVisible();

    // The receipt: stored name, time, size and a short checksum.
    await page.sidebar.openTab('jp-ltilab-submit-panel');
    const short = (await sha256(stored)).slice(0, 8);
    const receipt = panel(page).locator('.jp-LtilabSubmit-receipt');
    await expect(receipt).toContainText(`alice_${NOTEBOOK}`);
    await expect(receipt).toContainText(short);
    const mine = panel(page).locator(
      `.jp-LtilabSubmit-submission[data-stored="alice_${NOTEBOOK}"]`
    );
    await expect(mine).toContainText(short);
    const size = (await fs.stat(stored)).size;
    expect(size).toBeGreaterThan(0);
    await expect(mine.locator('.jp-LtilabSubmit-receiptLine')).toContainText(
      /\d/
    );
    // Deadline, time left and the late policy, before any click.
    const box = panel(page).locator('.jp-LtilabSubmit-box[data-box="hw1"]');
    await expect(box.locator('.jp-LtilabSubmit-deadline')).toContainText(
      'left'
    );
    await expect(box.locator('.jp-LtilabSubmit-policy')).toHaveText(
      'After the deadline, submissions are still accepted but marked late.'
    );
  });

  test('a resubmission from the panel keeps both versions', async ({
    page
  }) => {
    await openNotebook(page);
    await typeAnswer(page, "answer1 = 'alice v2'");
    await page.sidebar.openTab('jp-ltilab-submit-panel');
    const mine = panel(page).locator(
      `.jp-LtilabSubmit-submission[data-stored="alice_${NOTEBOOK}"]`
    );
    const posted = page.waitForResponse(
      response =>
        response.url().includes('/ltilab/submit/boxes/hw1/submissions') &&
        response.request().method() === 'POST'
    );
    await mine.locator('.jp-LtilabSubmit-resubmit').click();
    expect((await posted).status()).toBe(201);

    const stored = path.join(BOX, `alice_${NOTEBOOK}`);
    expect(await sourceOf(stored, 0)).toBe("answer1 = 'alice v2'");
    const versionsDir = path.join(BOX, '.versions', `alice_${NOTEBOOK}`);
    const versions = await fs.readdir(versionsDir);
    expect(versions).toHaveLength(1);
    expect(await sourceOf(path.join(versionsDir, versions[0]), 0)).toBe(
      "answer1 = 'alice v1'"
    );
    await expect(mine.locator('.jp-LtilabSubmit-versions summary')).toHaveText(
      '1 earlier version kept'
    );
    await expect(mine).toContainText((await sha256(stored)).slice(0, 8));
  });

  test('extract and CSV grade three students from the box', async () => {
    // bob and carol submit with the predecessor's CLI and environment.
    for (const [user, answer1, answer2] of [
      ['bob', "answer1 = 'bob'", "answer2 = 'bob'"],
      ['carol', "answer1 = 'carol'", "answer2 = 'carol'"]
    ]) {
      const home = await fs.mkdtemp(path.join(os.tmpdir(), `ltilab-${user}-`));
      await fs.writeFile(
        path.join(home, NOTEBOOK),
        assignment(answer1, answer2)
      );
      const out = execFileSync('ltilab-submit', [NOTEBOOK], {
        cwd: home,
        env: {
          ...process.env,
          NB_USER: user,
          NB_TEACHER: '',
          NB_WRKDIR: BOXES,
          NB_SUBMITS: 'hw1:-hw1'
        },
        encoding: 'utf8'
      });
      expect(out.trim()).toBe(`${NOTEBOOK} done.`);
      await fs.rm(home, { recursive: true, force: true });
    }
    expect(
      (await fs.readdir(BOX)).filter(n => n.endsWith(`_${NOTEBOOK}`)).sort()
    ).toEqual([`alice_${NOTEBOOK}`, `bob_${NOTEBOOK}`, `carol_${NOTEBOOK}`]);

    await fs.mkdir(GRADING, { recursive: true });
    for (const codenum of ['1', '2']) {
      execFileSync(
        'ltilab-extract',
        [NOTEBOOK, codenum, '-d', BOX, '-o', GRADING],
        { encoding: 'utf8' }
      );
    }
    expect((await fs.readdir(GRADING)).sort()).toEqual([
      `001-${NOTEBOOK}`,
      `002-${NOTEBOOK}`
    ]);

    // Each grading notebook: per student a heading, the answer and a score.
    const scores: Record<string, Record<string, string>> = {
      '001': { alice: '3', bob: '2', carol: '1' },
      '002': { alice: '5', bob: '0.5' }
    };
    for (const [number, answer] of [
      ['001', 'answer1'],
      ['002', 'answer2']
    ]) {
      const file = path.join(GRADING, `${number}-${NOTEBOOK}`);
      const nb = JSON.parse(await fs.readFile(file, 'utf8'));
      const text = (cell: any) =>
        Array.isArray(cell.source) ? cell.source.join('') : cell.source;
      const headings = nb.cells
        .filter((c: any) => c.cell_type === 'markdown')
        .map(text)
        .filter((t: string) => t.startsWith('## '));
      expect(headings).toEqual(['## alice', '## bob', '## carol']);
      const answers = nb.cells
        .filter(
          (c: any) =>
            c.cell_type === 'code' && text(c).startsWith(`${answer} = `)
        )
        .map(text);
      expect(answers).toEqual(
        number === '001'
          ? ["answer1 = 'alice v2'", "answer1 = 'bob'", "answer1 = 'carol'"]
          : ['answer2 = None', "answer2 = 'bob'", "answer2 = 'carol'"]
      );
      // The teacher enters scores in the score cells.
      for (const cell of nb.cells) {
        const tags: string[] = cell.metadata?.tags ?? [];
        const user = tags.find(t => t.startsWith('user: '))?.slice(6);
        if (user && tags.includes('codenum:999')) {
          cell.source = scores[number][user] ?? '0';
        }
      }
      await fs.writeFile(file, JSON.stringify(nb));
    }

    const csvPath = execFileSync('ltilab-tocsv', [NOTEBOOK, '-d', GRADING], {
      encoding: 'utf8'
    }).trim();
    expect(csvPath).toBe(path.join(GRADING, 'kadai.csv'));
    const csv = (await fs.readFile(csvPath, 'utf8')).replace(/\r\n/g, '\n');
    expect(csv).toBe(
      'Name,P001,P002,Total\nalice,3,5,8\nbob,2,0.5,2.5\ncarol,1,0,1\n'
    );
  });

  test.describe('as the teacher', () => {
    let server: ChildProcess | null = null;

    test.beforeAll(async () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        LTILAB_SUBMIT_TEST_USER: 'sensei',
        JUPYTERLAB_GALATA_ROOT_DIR: root
      };
      delete env.NB_USER;
      server = spawn(
        'jupyter',
        [
          'lab',
          '--config',
          path.join(__dirname, '..', 'jupyter_server_test_config.py'),
          `--port=${TEACHER_PORT}`
        ],
        { cwd: path.join(__dirname, '..'), env, stdio: 'ignore' }
      );
      // Wait until the teacher's server answers.
      await expect
        .poll(
          async () => {
            try {
              const r = await fetch(
                `http://localhost:${TEACHER_PORT}/ltilab/submit/boxes`
              );
              return r.status;
            } catch {
              return 0;
            }
          },
          { timeout: 60000 }
        )
        .toBe(200);
    });

    test.afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise(resolve => server!.once('exit', resolve));
        server.kill('SIGTERM');
        // A clean stop also shuts down the kernel the teacher's notebook
        // started, which can take a while on a busy machine; do not let
        // the suite hang on it.
        const timer = setTimeout(() => server!.kill('SIGKILL'), 15000);
        await exited;
        clearTimeout(timer);
      }
    });

    test('the teacher sees one row per student and opens a submission', async ({
      browser
    }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://localhost:${TEACHER_PORT}/lab?reset`);
      await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
      await page
        .locator('.jp-SideBar .lm-TabBar-tab[data-id="jp-ltilab-submit-panel"]')
        .click();
      const teacher = panel(page).locator(
        '.jp-LtilabSubmit-box[data-box="hw1"] .jp-LtilabSubmit-teacher'
      );
      await expect(teacher).toContainText('3 submitted, 0 late, 1 missing');
      const alice = teacher.locator('tr[data-user="alice"]');
      await expect(alice.locator('td').nth(2)).toHaveText('2');
      await expect(teacher.locator('tr[data-user="bob"] td').nth(2)).toHaveText(
        '1'
      );
      await expect(teacher.locator('tr[data-user="dave"]')).toContainText(
        'not submitted'
      );

      // One click opens alice's latest submission.
      await alice.locator('.jp-LtilabSubmit-open').click();
      await expect(
        page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
          hasText: `alice_${NOTEBOOK}`
        })
      ).toBeVisible();
      await expect(
        page.locator('.jp-NotebookPanel .jp-Cell').first()
      ).toContainText("answer1 = 'alice v2'");
      await context.close();
    });

    test('the teacher runs extract and tocsv from the panel commands', async ({
      browser
    }) => {
      // Default folder: the one holding the box, <root>/submit-boxes.
      const written = [`001-${NOTEBOOK}`, 'kadai.csv'].map(name =>
        path.join(BOXES, name)
      );
      for (const file of written) {
        await fs.rm(file, { force: true });
      }
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://localhost:${TEACHER_PORT}/lab?reset`);
      await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
      await page
        .locator('.jp-SideBar .lm-TabBar-tab[data-id="jp-ltilab-submit-panel"]')
        .click();
      const teacher = panel(page).locator(
        '.jp-LtilabSubmit-box[data-box="hw1"] .jp-LtilabSubmit-teacher'
      );
      await expect(teacher).toContainText('3 submitted');
      const visible = await page.evaluate(() => {
        const { commands } = (window as any).jupyterapp;
        return ['ltilab-submit:extract', 'ltilab-submit:tocsv'].map(id =>
          commands.isVisible(id)
        );
      });
      expect(visible).toEqual([true, true]);

      // extract: the dialog proposes the notebook; invalid numbers are refused.
      await teacher.locator('.jp-LtilabSubmit-extract').click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog.locator('.jp-LtilabSubmit-baseInput')).toHaveValue(
        NOTEBOOK
      );
      await dialog.locator('.jp-LtilabSubmit-codenumsInput').fill('1 x');
      await dialog.locator('.jp-mod-accept').click();
      await expect(dialog.locator('.jp-LtilabSubmit-error')).toContainText(
        'Enter code cell numbers'
      );
      await dialog.locator('.jp-LtilabSubmit-codenumsInput').fill('1');
      await dialog.locator('.jp-mod-accept').click();
      await expect(dialog).toHaveCount(0);
      const toast = page.locator('.Toastify__toast', {
        hasText: `submit-boxes/001-${NOTEBOOK}`
      });
      await expect(toast).toBeVisible();
      const nb = JSON.parse(await fs.readFile(written[0], 'utf8'));
      const headings = nb.cells
        .map((c: any) =>
          Array.isArray(c.source) ? c.source.join('') : c.source
        )
        .filter((t: string) => t.startsWith('## '));
      expect(headings).toEqual(['## alice', '## bob', '## carol']);

      // The notification opens the first file.
      await toast.getByRole('button', { name: 'Open' }).click();
      await expect(
        page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
          hasText: `001-${NOTEBOOK}`
        })
      ).toBeVisible();

      // tocsv through the same command the palette shows.
      await teacher.locator('.jp-LtilabSubmit-tocsv').click();
      await expect(dialog.locator('.jp-LtilabSubmit-baseInput')).toHaveValue(
        NOTEBOOK
      );
      await expect(
        dialog.locator('.jp-LtilabSubmit-codenumsInput')
      ).toHaveCount(0);
      await dialog.locator('.jp-mod-accept').click();
      await expect(
        page.locator('.Toastify__toast', { hasText: 'submit-boxes/kadai.csv' })
      ).toBeVisible();
      const csv = (await fs.readFile(written[1], 'utf8')).replace(
        /\r\n/g,
        '\n'
      );
      expect(csv).toBe('Name,P001,Total\nalice,0,0\nbob,0,0\ncarol,0,0\n');
      await context.close();
      for (const file of written) {
        await fs.rm(file, { force: true });
      }
    });
  });
});

test.describe('submissions, other entry points', () => {
  test('the file browser context menu submits any file', async ({ page }) => {
    await fs.writeFile(path.join(root, 'notes.txt'), 'my notes\n');
    await page.filebrowser.openDirectory('/');
    const item = page.locator('.jp-DirListing-item', { hasText: 'notes.txt' });
    await item.click({ button: 'right' });
    const posted = page.waitForResponse(
      response =>
        response.url().includes('/ltilab/submit/boxes/hw1/submissions') &&
        response.request().method() === 'POST'
    );
    await page
      .locator('.lm-Menu-item[data-command="ltilab-submit:submit-file"]')
      .click();
    expect((await posted).status()).toBe(201);
    expect(await fs.readFile(path.join(BOX, 'alice_notes.txt'), 'utf8')).toBe(
      'my notes\n'
    );
  });

  test("the Blockly editor's toolbar has Submit, from settings", async ({
    page
  }) => {
    // An empty file is a valid, empty .jpblockly workspace.
    await fs.writeFile(path.join(root, 'program.jpblockly'), '');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: 'program.jpblockly'
      })
    );
    const toolbar = page.locator(
      '.jp-MainAreaWidget.jp-LtilabBlocklyEditor > .jp-Toolbar'
    );
    // The editor's own items and the Submit button, all from the toolbar
    // settings of the "Blockly Editor" factory.
    await expect(toolbar.locator('[data-jp-item-name="run"]')).toBeVisible();
    const posted = page.waitForResponse(
      response =>
        response.url().includes('/ltilab/submit/boxes/hw1/submissions') &&
        response.request().method() === 'POST'
    );
    await toolbar.locator('[data-jp-item-name="ltilab-submit"] button').click();
    expect((await posted).status()).toBe(201);
    const stored = JSON.parse(
      (await fs.readFile(path.join(BOX, 'alice_program.jpblockly'), 'utf8')) ||
        '{}'
    );
    expect(typeof stored).toBe('object');
    await fs.rm(path.join(root, 'program.jpblockly'), { force: true });
  });

  test('the panel follows the dark theme', async ({ page }) => {
    await page.sidebar.openTab('jp-ltilab-submit-panel');
    const box = panel(page).locator('.jp-LtilabSubmit-box').first();
    await expect(box).toBeVisible();
    await page.theme.setDarkTheme();
    await expect
      .poll(() =>
        panel(page).evaluate(node => {
          const context = document.createElement('canvas').getContext('2d')!;
          context.fillStyle = getComputedStyle(node).backgroundColor;
          context.fillRect(0, 0, 1, 1);
          const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        })
      )
      .toBeLessThan(100);
  });
});

test.describe('submissions in Japanese', () => {
  test.use(JAPANESE_UI);

  test('the panel speaks Japanese', async ({
    page
  }: {
    page: IJupyterLabPageFixture;
  }) => {
    await page
      .locator('.jp-SideBar .lm-TabBar-tab[data-id="jp-ltilab-submit-panel"]')
      .click();
    const box = panel(page).locator('.jp-LtilabSubmit-box[data-box="hw1"]');
    await expect(box.locator('.jp-LtilabSubmit-policy')).toHaveText(
      '締め切り後も提出できますが、遅延提出として記録されます。'
    );
    await expect(box.locator('.jp-LtilabSubmit-deadline')).toContainText(
      '残り'
    );
    await expect(box.locator('.jp-LtilabSubmit-deadline')).toContainText('日');
    await expect(box.locator('.jp-LtilabSubmit-submit')).toHaveText(
      '現在の文書を提出'
    );
  });
});
