/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module turtle
 */

export * from './compare';
export * from './drawing';
export * from './replay';
export * from './svg';
export * from './view';
