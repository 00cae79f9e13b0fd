/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module turtle
 */

export * from './blocks';
export * from './compare';
export * from './drawing';
export * from './exercise';
export * from './generators';
export * from './replay';
export * from './runtime';
export * from './svg';
export * from './view';
