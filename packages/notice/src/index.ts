/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module notice
 */

export * from './config';
export * from './filesource';
export * from './manager';
export * from './state';
export * from './text';
export * from './tokens';
export * from './widget';
