/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';

/**
 * The names of the two Blockly themes of the editor.
 */
export const BLOCKLY_THEME_NAMES = {
  light: 'ltilab-light',
  dark: 'ltilab-dark'
} as const;

/**
 * Create the Blockly theme for JupyterLab's light or dark theme.
 *
 * @param dark - Whether JupyterLab's theme is dark.
 * @param resolve - Reads a JupyterLab CSS variable (e.g. `--jp-layout-color0`);
 * by default from the document's computed style.
 * @returns A theme based on Blockly's Classic theme, with the workspace,
 * toolbox and flyout in JupyterLab's colours. Block colours stay the same.
 *
 * #### Notes
 * Blockly sets some theme colours as SVG attributes, where CSS variables do
 * not apply, so the variables are resolved to colours here. Create the theme
 * again after JupyterLab's theme changed.
 */
export function createBlocklyTheme(
  dark: boolean,
  resolve: (variable: string) => string = Private.computed
): Blockly.Theme {
  const pick = (variable: string, fallback: string) =>
    resolve(variable).trim() || fallback;
  const name = dark ? BLOCKLY_THEME_NAMES.dark : BLOCKLY_THEME_NAMES.light;
  const theme = new Blockly.Theme(
    name,
    Blockly.Themes.Classic.blockStyles,
    Blockly.Themes.Classic.categoryStyles,
    {
      workspaceBackgroundColour: pick(
        '--jp-layout-color0',
        dark ? '#111111' : '#ffffff'
      ),
      toolboxBackgroundColour: pick(
        '--jp-layout-color2',
        dark ? '#424242' : '#eeeeee'
      ),
      toolboxForegroundColour: pick(
        '--jp-ui-font-color0',
        dark ? '#ffffff' : '#000000'
      ),
      flyoutBackgroundColour: pick(
        '--jp-layout-color3',
        dark ? '#616161' : '#bdbdbd'
      ),
      flyoutForegroundColour: pick(
        '--jp-ui-font-color1',
        dark ? '#ffffff' : '#000000'
      ),
      flyoutOpacity: 0.9,
      scrollbarColour: pick(
        '--jp-scrollbar-thumb-color',
        dark ? '#797979' : '#bdbdbd'
      ),
      scrollbarOpacity: 0.6,
      insertionMarkerColour: dark ? '#ffffff' : '#000000',
      insertionMarkerOpacity: 0.3
    }
  );
  theme.setFontStyle({
    family: pick('--jp-ui-font-family', 'sans-serif'),
    weight: 'normal',
    size: 12
  });
  return theme;
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * Read a CSS variable from the document body's computed style.
   */
  export function computed(variable: string): string {
    if (typeof document === 'undefined' || !document.body) {
      return '';
    }
    return getComputedStyle(document.body).getPropertyValue(variable);
  }
}
