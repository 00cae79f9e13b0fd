/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

export * from './types.js';
export * from './local.js';
export * from './manager.js';
export * from './slots.js';
export * from './notices.js';
export * from './container.js';
export * from './containerHome.js';
