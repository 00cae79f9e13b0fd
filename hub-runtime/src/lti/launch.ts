/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Validation of an LTI 1.1 basic launch.
 *
 * @module
 */

import type { IncomingHttpHeaders } from 'node:http';

import { HttpCode, HttpError } from '../errors.js';
import {
  parseFormEncoded,
  resolveRequestUrl,
  signatureBaseString,
  verifyHmacSha1
} from './oauth.js';
import type { IResolvedUrl, IUrlTrust, Param } from './oauth.js';

/**
 * The OAuth fields every launch must carry, non-empty.
 */
export const REQUIRED_OAUTH_FIELDS = [
  'oauth_consumer_key',
  'oauth_signature_method',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_version',
  'oauth_signature'
] as const;

/**
 * The LTI fields every launch must carry, non-empty.
 */
export const REQUIRED_LTI_FIELDS = [
  'lti_message_type',
  'lti_version',
  'resource_link_id',
  'user_id'
] as const;

/**
 * Stable reason codes of launch failures, for log lines and tests.
 */
export const LaunchReason = {
  methodNotAllowed: 'method_not_allowed',
  unsupportedMediaType: 'unsupported_media_type',
  bodyTooLarge: 'body_too_large',
  duplicateParam: 'duplicate_param',
  missingOauthParam: 'missing_oauth_param',
  unsupportedSignatureMethod: 'unsupported_signature_method',
  unsupportedOauthVersion: 'unsupported_oauth_version',
  unknownConsumer: 'unknown_consumer',
  missingLtiParam: 'missing_lti_param',
  unsupportedMessageType: 'unsupported_message_type',
  badTimestamp: 'bad_timestamp',
  staleTimestamp: 'stale_timestamp',
  replayedNonce: 'replayed_nonce',
  badSignature: 'bad_signature'
} as const;

/**
 * Where seen nonces are kept. Persisted by the SQLite store, so a restart
 * does not reopen a window for replays.
 */
export interface INonceStore {
  /**
   * Whether this (consumer, timestamp, nonce) was already accepted.
   */
  hasNonce(consumerKey: string, timestamp: number, nonce: string): boolean;
  /**
   * Record the nonce atomically. Returns false when it was already there.
   *
   * @param expiresAt - when the record may be dropped, in epoch ms.
   */
  claimNonce(
    consumerKey: string,
    timestamp: number,
    nonce: string,
    expiresAt: number
  ): boolean;
}

/**
 * A launch request as received.
 */
export interface ILaunchRequest {
  method: string;
  /**
   * The request target, with the query.
   */
  url: string;
  headers: IncomingHttpHeaders;
  /**
   * Whether the connection is TLS.
   */
  encrypted: boolean;
  body: Buffer | string;
}

/**
 * A launch that passed every check.
 */
export interface IVerifiedLaunch {
  consumerKey: string;
  /**
   * Every non-`oauth_*` parameter (query and body), one value per name.
   */
  params: Readonly<Record<string, string>>;
  /**
   * `oauth_timestamp` in epoch seconds.
   */
  timestamp: number;
  nonce: string;
  /**
   * The public URL the signature was checked against.
   */
  url: IResolvedUrl;
}

/**
 * Checks LTI 1.1 launches in ltiauthenticator's order.
 *
 * #### Notes
 * The order of the checks is part of the contract (it decides which error a
 * broken launch gets): required OAuth fields (400), consumer key (401),
 * required LTI fields (400), timestamp (401), nonce (401), signature (401).
 * Before them come the transport checks: the method (405), the content type
 * (415), the body size (413) and duplicate parameters (400).
 *
 * A nonce is looked up in step 5 but only recorded once the signature is
 * valid, so unsigned requests cannot fill the nonce table; the record is an
 * atomic insert, so two concurrent copies of one launch cannot both pass.
 */
export class LaunchValidator {
  constructor(options: LaunchValidator.IOptions) {
    this._consumers = options.consumers;
    this._nonces = options.nonces;
    this._trust = options.trust;
    this._window = options.timestampWindow ?? LaunchValidator.DEFAULT_WINDOW;
    this._maxBody = options.maxBodyBytes ?? LaunchValidator.DEFAULT_MAX_BODY;
    this._now = options.now ?? Date.now;
  }

  /**
   * The largest body accepted, in bytes.
   */
  get maxBodyBytes(): number {
    return this._maxBody;
  }

  /**
   * Validate a launch, or throw an {@link HttpError}.
   */
  validate(req: ILaunchRequest): IVerifiedLaunch {
    if (req.method.toUpperCase() !== 'POST') {
      throw new HttpError(
        HttpCode.MethodNotAllowed,
        'An LTI launch must be a POST request from the LMS.',
        LaunchReason.methodNotAllowed
      );
    }
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      throw new HttpError(
        HttpCode.UnsupportedMediaType,
        'An LTI launch must be sent as an HTML form (application/x-www-form-urlencoded).',
        LaunchReason.unsupportedMediaType
      );
    }
    const bodyBytes =
      typeof req.body === 'string'
        ? Buffer.byteLength(req.body, 'utf8')
        : req.body.length;
    if (bodyBytes > this._maxBody) {
      throw new HttpError(
        HttpCode.PayloadTooLarge,
        `The launch request is too large (more than ${this._maxBody} bytes).`,
        LaunchReason.bodyTooLarge
      );
    }

    const url = resolveRequestUrl(req, this._trust);
    const body =
      typeof req.body === 'string' ? req.body : req.body.toString('utf8');
    const all: Param[] = [
      ...parseFormEncoded(url.query),
      ...parseFormEncoded(body)
    ];
    const params = new Map<string, string>();
    for (const [name, value] of all) {
      if (params.has(name)) {
        throw new HttpError(
          HttpCode.BadRequest,
          `The launch has the parameter "${printable(name)}" more than once.`,
          LaunchReason.duplicateParam,
          { param: name }
        );
      }
      params.set(name, value);
    }

    // 1. OAuth fields.
    const missingOauth = REQUIRED_OAUTH_FIELDS.filter(f => !params.get(f));
    if (missingOauth.length) {
      throw new HttpError(
        HttpCode.BadRequest,
        `The launch is missing OAuth parameters: ${missingOauth.join(', ')}.`,
        LaunchReason.missingOauthParam,
        { missing: missingOauth }
      );
    }
    if (params.get('oauth_signature_method') !== 'HMAC-SHA1') {
      throw new HttpError(
        HttpCode.BadRequest,
        'The launch must be signed with HMAC-SHA1.',
        LaunchReason.unsupportedSignatureMethod
      );
    }
    if (params.get('oauth_version') !== '1.0') {
      throw new HttpError(
        HttpCode.BadRequest,
        'The launch must use OAuth version 1.0.',
        LaunchReason.unsupportedOauthVersion
      );
    }

    // 2. Consumer key.
    const consumerKey = params.get('oauth_consumer_key')!;
    const secret = this._lookupSecret(consumerKey);
    if (secret === undefined) {
      throw new HttpError(
        HttpCode.Unauthorized,
        'The LMS is not registered with this hub (unknown consumer key).',
        LaunchReason.unknownConsumer,
        { consumerKey: printable(consumerKey) }
      );
    }

    // 3. LTI fields.
    const missingLti = REQUIRED_LTI_FIELDS.filter(f => !params.get(f));
    if (missingLti.length) {
      throw new HttpError(
        HttpCode.BadRequest,
        `The launch is missing LTI parameters: ${missingLti.join(', ')}.`,
        LaunchReason.missingLtiParam,
        { missing: missingLti }
      );
    }
    if (params.get('lti_message_type') !== 'basic-lti-launch-request') {
      throw new HttpError(
        HttpCode.BadRequest,
        'Only basic LTI launch requests are supported.',
        LaunchReason.unsupportedMessageType,
        { messageType: printable(params.get('lti_message_type')!) }
      );
    }

    // 4. Timestamp.
    const timestampText = params.get('oauth_timestamp')!;
    if (!/^\d{10}$/.test(timestampText)) {
      throw new HttpError(
        HttpCode.Unauthorized,
        'The launch timestamp is malformed.',
        LaunchReason.badTimestamp
      );
    }
    const timestamp = Number(timestampText);
    const nowSeconds = this._now() / 1000;
    if (Math.abs(nowSeconds - timestamp) > this._window) {
      throw new HttpError(
        HttpCode.Unauthorized,
        'The launch has expired or its clock is off. Go back to the course and open the activity again.',
        LaunchReason.staleTimestamp,
        { skewSeconds: Math.round(nowSeconds - timestamp) }
      );
    }

    // 5. Nonce (looked up now, recorded after the signature).
    const nonce = params.get('oauth_nonce')!;
    if (this._nonces.hasNonce(consumerKey, timestamp, nonce)) {
      throw replayError();
    }

    // 6. Signature.
    const baseString = signatureBaseString('POST', url.baseUri, all);
    if (!verifyHmacSha1(baseString, secret, params.get('oauth_signature')!)) {
      throw new HttpError(
        HttpCode.Unauthorized,
        'The launch signature is not valid.',
        LaunchReason.badSignature,
        { baseUri: url.baseUri }
      );
    }

    // A nonce only needs keeping while its timestamp is inside the window.
    const expiresAt = (timestamp + this._window + 1) * 1000;
    if (!this._nonces.claimNonce(consumerKey, timestamp, nonce, expiresAt)) {
      throw replayError();
    }

    const ltiParams: Record<string, string> = {};
    for (const [name, value] of params) {
      if (!name.startsWith('oauth_')) {
        ltiParams[name] = value;
      }
    }
    return { consumerKey, params: ltiParams, timestamp, nonce, url };
  }

  private _lookupSecret(key: string): string | undefined {
    const c = this._consumers;
    const secret = typeof c === 'function' ? c(key) : c.get(key);
    return secret ? secret : undefined;
  }

  private _consumers: LaunchValidator.ConsumerLookup;
  private _nonces: INonceStore;
  private _trust: IUrlTrust;
  private _window: number;
  private _maxBody: number;
  private _now: () => number;
}

/**
 * The namespace for `LaunchValidator` statics.
 */
export namespace LaunchValidator {
  /**
   * Consumer key to secret.
   */
  export type ConsumerLookup =
    ReadonlyMap<string, string> | ((key: string) => string | undefined);

  /**
   * Options of a validator.
   */
  export interface IOptions {
    consumers: ConsumerLookup;
    nonces: INonceStore;
    trust: IUrlTrust;
    /**
     * Allowed clock difference in seconds, either way. Default 30.
     */
    timestampWindow?: number;
    /**
     * Largest body in bytes. Default 64 KiB.
     */
    maxBodyBytes?: number;
    /**
     * The clock, in epoch ms (for tests).
     */
    now?: () => number;
  }

  export const DEFAULT_WINDOW = 30;
  export const DEFAULT_MAX_BODY = 64 * 1024;
}

function replayError(): HttpError {
  return new HttpError(
    HttpCode.Unauthorized,
    'This launch was already used. Go back to the course and open the activity again.',
    LaunchReason.replayedNonce
  );
}

/**
 * Make client-supplied text safe and short for messages and logs.
 */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? clean.slice(0, 61) + '...' : clean;
}
