/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * @packageDocumentation
 * @module hub-runtime
 */

export * from './errors.js';
export * from './config.js';
export * from './lti/oauth.js';
export * from './lti/launch.js';
export * from './lti/identity.js';
export * from './lti/params.js';
export * from './spawn/environment.js';
export * from './store/index.js';
export * from './log.js';
export * from './pages.js';
export * from './session.js';
export * from './routes/lti.js';
export * from './server.js';
export * from './activity.js';
export * from './spawner/index.js';
export * from './docker/engine.js';
export * from './routes/progress.js';
export * from './auth.js';
export * from './proxy.js';
export * from './wsRouter.js';
export * from './http1.js';
export * from './httpFront.js';
export * from './routes/api.js';
export * from './routes/demo.js';
