/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Structured logs: one JSON object per line.
 *
 * @module
 */

import type { LogLevel } from './config.js';

const RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40
};

/**
 * A logger. `event` is a stable dotted name (`lti.launch.refused`); fields
 * must never hold a secret.
 */
export interface ILogger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger writing JSON lines to `write` (stderr by default).
 */
export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = line => process.stderr.write(line)
): ILogger {
  const emit =
    (l: LogLevel) =>
    (event: string, fields: Record<string, unknown> = {}): void => {
      if (RANK[l] < RANK[level]) {
        return;
      }
      write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: l,
          event,
          ...fields
        }) + '\n'
      );
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error')
  };
}
