/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Helpers to drive the Blockly editor in a page.
 */
import { expect } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

/**
 * The visible Blockly editor.
 */
export const blocklyEditor = (page: Page): Locator =>
  page.locator('.jp-LtilabBlocklyEditor:not(.lm-mod-hidden)');

/**
 * Evaluate a function on the current Blockly editor's panel in the page.
 */
export async function onBlocklyPanel<T, A>(
  page: Page,
  fn: (panel: any, arg: A) => T,
  arg?: A
): Promise<T> {
  return page.evaluate(
    ({ source, arg }) => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
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
 * Wait until the current editor's kernel is idle.
 */
export async function blocklyKernelIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return (
        widget?.context?.sessionContext?.session?.kernel?.status === 'idle'
      );
    },
    undefined,
    { timeout: 60000 }
  );
}

/**
 * Open a file of the server root in the Blockly editor.
 */
export async function openInBlocklyEditor(
  page: Page,
  file: string
): Promise<void> {
  await page.evaluate(
    p =>
      (window as any).jupyterapp.commands.execute('docmanager:open', {
        path: p,
        factory: 'Blockly Editor'
      }),
    file
  );
  await expect(
    blocklyEditor(page).locator('.blocklySvg').first()
  ).toBeVisible();
}
