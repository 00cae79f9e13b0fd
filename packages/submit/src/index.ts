/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module submit
 */

export * from './client';
export * from './logic';
export * from './model';
export * from './tokens';
export * from './widget';
