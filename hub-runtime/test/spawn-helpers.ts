/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Spawner fixtures: targets from launch parameters, the fake `jupyter`, and
 * the real one.
 */

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  parseSpawnRequest,
  resolveAccount,
  spawnSpecHash,
  DEFAULT_SPAWN_POLICY,
  type ISpawnTarget
} from '../src/index.js';

import { exampleParams } from './helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// lib/test -> the package root.
export const PACKAGE = resolve(HERE, '..', '..');
export const FAKE_JUPYTER = join(
  PACKAGE,
  'test',
  'fixtures',
  'fake-jupyter.mjs'
);

/**
 * The real `jupyter` for tests: `$LTILAB_JUPYTER`, else the repository's
 * `.venv`; null when absent.
 */
export function realJupyter(): string | null {
  const path =
    process.env.LTILAB_JUPYTER ??
    resolve(PACKAGE, '..', '.venv', 'bin', 'jupyter');
  return existsSync(path) ? path : null;
}

export const TEST_POLICY = {
  ...DEFAULT_SPAWN_POLICY,
  imageAllowlist: ['example/*:*']
};

/**
 * A spawn target from the worked example with overrides.
 */
export function target(
  name: string,
  overrides: Record<string, string | undefined> = {},
  isTeacher = false
): ISpawnTarget {
  // The example's submit box closes in 2026; keep it open here.
  const params = exampleParams({
    ext_user_username: name,
    custom_lms_sub_homework1_close: undefined,
    ...overrides
  });
  const request = parseSpawnRequest(params, TEST_POLICY);
  return {
    user: { name, lmsUsername: name, isTeacher },
    account: resolveAccount(params, name),
    request,
    specHash: spawnSpecHash(request),
    launchId: null
  };
}
