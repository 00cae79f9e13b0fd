/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The course-notice banner in a real JupyterLab: notice files are written on
 * disk in the server's root, as the hub's health check writes them.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as fs from 'fs/promises';
import * as path from 'path';

import { JAPANESE_UI } from './japanese';

const root = process.env.JUPYTERLAB_GALATA_ROOT_DIR!;
const NORMAL = path.join(root, '.jnotice.txt');
const STICKY = path.join(root, '.jnotice.sticky.txt');

const banner = (page: Page) => page.locator('#jp-ltilab-notice-banner');
const items = (page: Page) => banner(page).locator('.jp-LtilabNotice-item');

/**
 * Resolve after the page has read a notice file once more, so that "still
 * there" and "still gone" are checked against a fresh poll, not a stale DOM.
 */
async function nextPoll(page: Page, file: string): Promise<void> {
  await page.waitForResponse(
    response =>
      response.url().includes(`/files/${path.basename(file)}`) &&
      response.request().method() === 'GET',
    { timeout: 15000 }
  );
  // Let the banner apply what the poll returned.
  await page.evaluate(() => new Promise(requestAnimationFrame));
}

test.beforeEach(async () => {
  await fs.rm(NORMAL, { force: true });
  await fs.rm(STICKY, { force: true });
});

test.afterAll(async () => {
  await fs.rm(NORMAL, { force: true });
  await fs.rm(STICKY, { force: true });
});

test.describe('course notices', () => {
  test('a notice file written on disk appears, with a notification', async ({
    page
  }) => {
    await nextPoll(page, NORMAL);
    await expect(banner(page)).toBeHidden();

    await fs.writeFile(
      NORMAL,
      'Hello class\nRead **chapter 3** before Friday.'
    );
    await expect(items(page)).toHaveCount(1);
    const item = items(page).first();
    await expect(item).toContainText('Hello class');
    await expect(item.locator('strong')).toHaveText('chapter 3');
    // The writer's line break is kept.
    await expect(item.locator('.jp-LtilabNotice-text br')).toHaveCount(1);
    // The banner takes real space in the layout (the header area sizes it).
    const box = await banner(page).boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(20);
    // And a JupyterLab notification is raised for it.
    await expect(
      page.locator('.Toastify__toast').filter({ hasText: 'Hello class' })
    ).toBeVisible();
  });

  test('a sticky notice stays while its file is not empty, then goes', async ({
    page
  }) => {
    await fs.writeFile(
      STICKY,
      '---\nlevel: error\n---\nThe time limit has been reached.'
    );
    const sticky = items(page).filter({ hasText: 'time limit' });
    await expect(sticky).toHaveCount(1);
    await expect(sticky).toHaveClass(/jp-mod-sticky/);
    await expect(sticky).toHaveClass(/jp-mod-error/);
    await expect(sticky.locator('.jp-LtilabNotice-dismiss')).toHaveCount(0);

    // Escape on the banner cannot remove it, and it survives further polls.
    await sticky.click();
    await page.keyboard.press('Escape');
    await nextPoll(page, STICKY);
    await nextPoll(page, STICKY);
    await expect(sticky).toHaveCount(1);

    await fs.writeFile(STICKY, '');
    await expect(sticky).toHaveCount(0);
    await expect(banner(page)).toBeHidden();
  });

  test('a dismissal survives a reload and holds in a second tab', async ({
    page
  }) => {
    await fs.writeFile(NORMAL, 'Lab 2 is online.');
    await expect(items(page)).toHaveCount(1);

    // Keyboard dismissal: focus the close button, press Escape.
    await items(page).first().locator('.jp-LtilabNotice-dismiss').focus();
    await page.keyboard.press('Escape');
    await expect(items(page)).toHaveCount(0);
    // The file is untouched: dismissal never deletes what a writer wrote.
    expect(await fs.readFile(NORMAL, 'utf8')).toBe('Lab 2 is online.');

    await page.reload();
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await nextPoll(page, NORMAL);
    await expect(items(page)).toHaveCount(0);

    const second = await page.context().newPage();
    await second.goto(page.url());
    await second.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    await nextPoll(second, NORMAL);
    await expect(items(second)).toHaveCount(0);

    // New text comes through, in both tabs.
    await fs.writeFile(NORMAL, 'Lab 3 is online.');
    await expect(items(page)).toHaveText([/Lab 3 is online/]);
    await expect(items(second)).toHaveText([/Lab 3 is online/]);

    // Dismissing in the second tab hides it in the first at once.
    await items(second).first().locator('.jp-LtilabNotice-dismiss').click();
    await expect(items(page)).toHaveCount(0);
    await second.close();
  });

  test('script, event handlers and remote loads stay inert', async ({
    page
  }) => {
    const remote: string[] = [];
    page.on('request', request => {
      if (request.url().includes('198.51.100.7')) {
        remote.push(request.url());
      }
    });
    await page.evaluate(() => ((window as any).__pwned = undefined));
    await fs.writeFile(
      NORMAL,
      [
        'Payload test <img src="http://198.51.100.7/x.png" onerror="window.__pwned = 1">',
        '<script>window.__pwned = 2</script>',
        '<a href="javascript:window.__pwned = 3">click</a> <b onmouseover="window.__pwned = 4">bold</b>',
        '<iframe src="http://198.51.100.7/frame"></iframe>',
        '![x](http://198.51.100.7/md.png)'
      ].join('\n')
    );
    const item = items(page).first();
    await expect(item).toContainText('Payload test');
    await expect(item.locator('img, script, iframe')).toHaveCount(0);
    await item.locator('b').hover();
    const link = item.locator('a');
    if ((await link.count()) > 0) {
      // The sanitiser drops the href entirely; any href left must be harmless.
      expect((await link.first().getAttribute('href')) ?? '').not.toMatch(
        /javascript/i
      );
      await link
        .first()
        .click({ modifiers: ['Control'] })
        .catch(() => undefined);
    }
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    const html = await item.locator('.jp-LtilabNotice-text').innerHTML();
    expect(html).not.toMatch(/onerror|onmouseover|javascript:/i);
    expect(remote).toEqual([]);
  });

  test('a file over 64 KiB is cut with a marker; binary content is refused', async ({
    page
  }) => {
    const warnings: string[] = [];
    page.on('console', message => {
      if (message.type() === 'warning') {
        warnings.push(message.text());
      }
    });
    await fs.writeFile(NORMAL, 'Long notice\n' + 'x'.repeat(70 * 1024));
    const item = items(page).first();
    await expect(item.locator('.jp-LtilabNotice-truncated')).toContainText(
      '64 KiB'
    );

    // An image copied over the notice file: no notice, one console warning.
    await fs.writeFile(
      NORMAL,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])
    );
    await expect(items(page)).toHaveCount(0);
    await expect
      .poll(() => warnings.some(w => /not UTF-8 text/.test(w)))
      .toBe(true);
  });

  test('the banner follows the dark theme', async ({ page }) => {
    await fs.writeFile(NORMAL, '---\nlevel: warning\n---\nTheme check');
    const item = items(page).first();
    await expect(item).toBeVisible();
    const light = await item.evaluate(
      node => getComputedStyle(node).backgroundColor
    );
    await page.theme.setDarkTheme();
    await expect
      .poll(() => item.evaluate(node => getComputedStyle(node).backgroundColor))
      .not.toBe(light);
    // A dark theme gives the warning a dark background. A canvas turns any
    // CSS colour syntax (color-mix gives `color(srgb …)`) into RGB bytes.
    const luminance = await item.evaluate(node => {
      const context = document.createElement('canvas').getContext('2d')!;
      context.fillStyle = getComputedStyle(node).backgroundColor;
      context.fillRect(0, 0, 1, 1);
      const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    });
    expect(luminance).toBeLessThan(100);
  });

  test('commands are in the palette and undo a dismissal', async ({ page }) => {
    await fs.writeFile(NORMAL, 'Undo me');
    await expect(items(page)).toHaveCount(1);
    await items(page).first().locator('.jp-LtilabNotice-dismiss').click();
    await expect(items(page)).toHaveCount(0);
    await page.keyboard.press('Control+Shift+C');
    await page.locator('.lm-CommandPalette-input').fill('Undo Course Notice');
    await page.keyboard.press('Enter');
    await expect(items(page)).toHaveText([/Undo me/]);
  });
});

test.describe('Japanese UI', () => {
  test.use(JAPANESE_UI);

  test('the banner speaks Japanese', async ({
    page
  }: {
    page: IJupyterLabPageFixture;
  }) => {
    await fs.writeFile(NORMAL, '課題2を公開しました。');
    const item = items(page).first();
    await expect(item).toContainText('課題2を公開しました。');
    await expect(item.locator('.jp-LtilabNotice-level')).toHaveText(
      'お知らせ:'
    );
    await expect(banner(page)).toHaveAttribute(
      'aria-label',
      'コースのお知らせ'
    );
    await expect(item.locator('.jp-LtilabNotice-dismiss')).toHaveAttribute(
      'aria-label',
      'お知らせを閉じる'
    );
    // JupyterLab itself is in Japanese too (the language pack is installed).
    await expect(page.locator('#jp-menu-panel')).toContainText('ファイル');
  });
});
