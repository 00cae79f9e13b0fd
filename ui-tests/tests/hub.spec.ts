/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The whole path a student takes: the hub's LTI test-consumer page (demo
 * mode, playing Moodle) launches a student, JupyterLab loads through the
 * hub's proxy with the notice banner, and a notebook cell runs on a real
 * kernel. The hub runs here as `make start` runs it.
 */
import { expect, test } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PORT = 8010;
const HUB = `http://127.0.0.1:${PORT}`;

let hub: ChildProcess;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ltilab-hub-ui-'));
  const config = path.join(dataDir, 'hub.json');
  // Stop the user servers when the hub stops, so the test leaves nothing.
  await fs.writeFile(
    config,
    JSON.stringify({ spawner: { onShutdown: 'stop' } })
  );
  hub = spawn(
    process.execPath,
    [
      path.join(ROOT, 'hub-runtime/lib/src/cli.js'),
      '--demo',
      '--config',
      config,
      '--jupyter',
      path.join(ROOT, '.venv/bin/jupyter'),
      '--data-dir',
      path.join(dataDir, 'state'),
      '--host',
      '127.0.0.1',
      '--port',
      String(PORT)
    ],
    { stdio: 'inherit' }
  );
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(`${HUB}/hub/health`)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 30000 }
    )
    .toBe(200);
});

test.afterAll(async () => {
  if (hub && hub.exitCode === null) {
    const exited = new Promise(resolve => hub.once('exit', resolve));
    hub.kill('SIGTERM');
    await exited;
  }
  await fs.rm(dataDir, { recursive: true, force: true });
});

test('a student launched from the consumer page works in JupyterLab behind the proxy', async ({
  page
}) => {
  test.setTimeout(180000);
  await page.goto(`${HUB}/hub/demo`);
  await page.locator('#username').fill('s1234567');
  await page.locator('#user_id').fill('812');
  await Promise.all([
    page.waitForURL(/\/user\/s1234567\/lab/, { timeout: 90000 }),
    page.locator('form button').first().click()
  ]);
  // The hub's progress page comes first while the server starts; it opens
  // JupyterLab by itself.
  await page.locator('.jp-LabShell').waitFor({ timeout: 90000 });
  await page
    .locator('#jupyterlab-splash')
    .waitFor({ state: 'detached', timeout: 90000 });

  // The hub's cookie is HttpOnly, and no Jupyter token reaches the page.
  const cookies = await page.context().cookies();
  expect(cookies.find(c => c.name === 'ltilab-session')?.httpOnly).toBe(true);
  expect(await page.content()).not.toMatch(/token=[0-9a-f]{32}/);

  // A notice written into the student's folder shows in the banner.
  const works = (await findWorks(path.join(dataDir, 'state'), 's1234567'))!;
  expect(works).toBeTruthy();
  await fs.writeFile(
    path.join(works, '.jnotice.txt'),
    'Welcome through the hub'
  );
  await expect(page.locator('#jp-ltilab-notice-banner')).toContainText(
    'Welcome through the hub',
    { timeout: 90000 }
  );

  // A notebook cell runs on a real kernel, over the proxied WebSocket.
  await page
    .locator('.jp-LauncherCard[data-category="Notebook"]')
    .first()
    .click();
  const cell = page.locator('.jp-Notebook .jp-Cell .cm-content').first();
  await cell.waitFor({ timeout: 60000 });
  // Run only once the kernel is connected through the proxy: JupyterLab
  // silently skips a cell run while the notebook's kernel is still
  // initialising, and the toolbar's indicator says "idle" even before there
  // is a kernel. The status bar names the kernel once it is connected.
  await page
    .locator('.jp-StatusBar-TextItem', { hasText: /\(ipykernel\) \| Idle/ })
    .waitFor({ timeout: 90000 });
  await cell.click();
  await page.keyboard.type('print(6 * 7)');
  await page.keyboard.press('Shift+Enter');
  await expect(page.locator('.jp-OutputArea-output').first()).toHaveText('42', {
    timeout: 60000
  });
});

/**
 * The student's works/ folder, wherever the hub's home layout put it.
 */
async function findWorks(dir: string, user: string): Promise<string | null> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory()) {
      continue;
    }
    if (
      entry.name === 'works' &&
      full.includes(`${path.sep}${user}${path.sep}`)
    ) {
      return full;
    }
    const found = await findWorks(full, user);
    if (found) {
      return found;
    }
  }
  return null;
}
