/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { DEFAULT_POLL_MS } from './manager';

/**
 * Where the notice files are and how often they are read.
 */
export interface INoticeConfig {
  /**
   * The normal notice file, relative to the server root.
   */
  path: string;

  /**
   * The sticky notice file, relative to the server root.
   */
  stickyPath: string;

  /**
   * The polling interval in milliseconds.
   */
  pollMs: number;
}

/**
 * jnotice's defaults, kept so existing deployments need no change.
 */
export const DEFAULT_NOTICE_CONFIG: INoticeConfig = {
  path: '.jnotice.txt',
  stickyPath: '.jnotice.sticky.txt',
  pollMs: DEFAULT_POLL_MS
};

/**
 * Read jnotice's page-config keys.
 *
 * #### Notes
 * The predecessor's spawner passes
 * `page_config_data: {"jnotice": {"path", "stickyPath", "pollMs"}}`. The
 * value may arrive as an object or as a JSON string, and flat dotted keys
 * (`jnotice.path`) are accepted too. Anything else is ignored.
 */
export function readPageConfig(
  getOption: (name: string) => unknown
): Partial<INoticeConfig> {
  let nested: unknown = getOption('jnotice');
  if (typeof nested === 'string' && nested.trim().startsWith('{')) {
    try {
      nested = JSON.parse(nested);
    } catch {
      nested = undefined;
    }
  }
  const object =
    nested && typeof nested === 'object'
      ? (nested as Record<string, unknown>)
      : {};
  const pick = (key: keyof INoticeConfig): unknown => {
    const flat = getOption(`jnotice.${key}`);
    return object[key] ?? (flat === '' ? undefined : flat);
  };
  const result: Partial<INoticeConfig> = {};
  for (const key of ['path', 'stickyPath'] as const) {
    const value = pick(key);
    if (typeof value === 'string') {
      result[key] = value;
    }
  }
  const poll = Number(pick('pollMs'));
  if (pick('pollMs') !== undefined && Number.isFinite(poll) && poll > 0) {
    result.pollMs = poll;
  }
  return result;
}

/**
 * Combine the sources of configuration, later ones winning: the settings'
 * defaults (which an admin's `overrides.json` sets), the page config (which
 * the hub sets per launch), then what the user set in the Settings Editor.
 */
export function resolveNoticeConfig(
  defaults: Partial<INoticeConfig>,
  pageConfig: Partial<INoticeConfig>,
  user: Partial<INoticeConfig>
): INoticeConfig {
  const result: INoticeConfig = { ...DEFAULT_NOTICE_CONFIG };
  for (const layer of [defaults, pageConfig, user]) {
    for (const key of Object.keys(DEFAULT_NOTICE_CONFIG) as Array<
      keyof INoticeConfig
    >) {
      const value = layer[key];
      if (value !== undefined && value !== null) {
        (result as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return result;
}
