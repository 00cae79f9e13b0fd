/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module broccoli
 */

export * from './format';
export * from './generate';
export * from './generators';
export * from './locale';
export * from './paths';
export * from './placeholder';
export * from './registry';
export * from './tokens';
export * from './toolbox';
export * from './theme';
export * from './widget';
