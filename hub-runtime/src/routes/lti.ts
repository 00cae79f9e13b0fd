/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * `POST /hub/lti/launch`: verify the launch, bind the user, record the
 * spawn request and start a session.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

import type { IHubConfig } from '../config.js';
import { HttpCode, HttpError } from '../errors.js';
import type { ILogger } from '../log.js';
import { resolveIdentity } from '../lti/identity.js';
import { LaunchValidator } from '../lti/launch.js';
import { parseSpawnRequest, spawnSpecHash } from '../lti/params.js';
import {
  firstOrderedUid,
  isTeacherFor,
  preferredUid,
  resolveAccount
} from '../spawn/environment.js';
import type { ServerManager } from '../spawner/manager.js';
import { sessionCookieHeader, signSessionId } from '../session.js';
import type { IHubStore } from '../store/types.js';

/**
 * What the launch route needs.
 */
export interface ILtiRouteOptions {
  config: IHubConfig;
  store: IHubStore;
  logger: ILogger;
  sessionSecret: string;
  /**
   * Starts the user's server after a launch; none: the launch only signs in.
   */
  manager?: ServerManager;
  now?: () => number;
}

/**
 * Create the launch handler. It answers every method (a GET gets 405).
 */
export function createLtiLaunchHandler(
  options: ILtiRouteOptions
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, store, logger, sessionSecret } = options;
  const now = options.now ?? Date.now;
  const validator = new LaunchValidator({
    consumers: config.lti.consumers,
    nonces: store,
    trust: {
      trustProxy: config.proxy.trusted,
      proxyHeader: config.proxy.header,
      publicUrl: config.publicUrl
    },
    timestampWindow: config.lti.timestampWindow,
    maxBodyBytes: config.lti.maxBodyBytes,
    now
  });

  return async (req, res) => {
    const body =
      req.method === 'POST'
        ? await readBody(req, validator.maxBodyBytes)
        : Buffer.alloc(0);
    const launch = validator.validate({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      encrypted: !!(req.socket as TLSSocket).encrypted,
      body
    });
    const identity = resolveIdentity(launch.params, launch.consumerKey, {
      usernameKey: config.lti.usernameKey,
      fallbackKey: config.lti.usernameFallback
    });
    const spec = parseSpawnRequest(launch.params, config.spawn);
    const at = now();
    // lms_teachers is written in LMS user names.
    const isTeacher = isTeacherFor(spec, identity.teacherByRole, {
      lmsUsername: identity.lmsUsername,
      name: identity.candidates[0] ?? ''
    });
    const user = store.bindUser(
      { ...identity, consumerKey: launch.consumerKey, isTeacher },
      at
    );
    // The UID is the store's answer, not the launch's wish: two LMS users
    // never share one (see preferredUid).
    const uidBase = config.spawner.container.uidBase;
    const uid = store.grantUid(
      identity.lmsKey,
      preferredUid(launch.params, uidBase),
      firstOrderedUid(uidBase),
      at
    );
    const specHash = spawnSpecHash(spec);
    const record = store.recordLaunch({
      userName: user.name,
      consumerKey: launch.consumerKey,
      contextId: spec.context.contextId,
      resourceLinkId: spec.context.resourceLinkId,
      specHash,
      spec,
      createdAt: at
    });
    const sessionId = store.createSession(
      user.name,
      record.id,
      config.session.maxAge * 1000,
      at
    );
    logger.info('lti.launch.accepted', {
      user: user.name,
      teacher: user.isTeacher,
      consumer: launch.consumerKey,
      context: spec.context.contextId,
      resourceLink: spec.context.resourceLinkId,
      launch: record.id,
      specHash,
      warnings: spec.warnings
    });
    // The start runs on; the proxy waits for it when the browser follows
    // the redirect, and logs say why when it fails.
    options.manager
      ?.launch({
        user: {
          name: user.name,
          lmsUsername: identity.lmsUsername,
          isTeacher: user.isTeacher
        },
        account: resolveAccount(launch.params, user.name, { uid }),
        request: spec,
        specHash,
        launchId: record.id
      })
      .catch(() => undefined);
    res.statusCode = HttpCode.Found;
    res.setHeader(
      'Set-Cookie',
      sessionCookieHeader(signSessionId(sessionId, sessionSecret), {
        secure: launch.url.scheme === 'https',
        maxAge: config.session.maxAge
      })
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader(
      'Location',
      `/user/${encodeURIComponent(user.name)}${spec.defaultUrl}`
    );
    res.end();
  };
}

/**
 * Read a request body, stopping as soon as it passes `limit` bytes.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(
    HttpCode.PayloadTooLarge,
    `The launch request is too large (more than ${limit} bytes).`,
    'body_too_large'
  );
}
