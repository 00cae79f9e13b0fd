/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { galata, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

/**
 * `test.use()` options for a JupyterLab whose language is Japanese (the
 * ja_JP language pack is installed with the ltilab wheel).
 */
export const JAPANESE_UI: Parameters<typeof test.use>[0] = {
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    '@jupyterlab/translation-extension:plugin': { locale: 'ja_JP' }
  },
  // galata waits for a tab named "Launcher", which is "ランチャー" here.
  waitForApplication: async (
    // Playwright reads fixture dependencies from the destructuring pattern.
    // eslint-disable-next-line no-empty-pattern
    {},
    use: (wait: (page: Page) => Promise<void>) => Promise<void>
  ) => {
    await use(async page => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    });
  }
};
