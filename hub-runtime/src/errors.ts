/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * HTTP status codes the hub answers with.
 */
export enum HttpCode {
  Ok = 200,
  Created = 201,
  NoContent = 204,
  Found = 302,
  BadRequest = 400,
  Unauthorized = 401,
  Forbidden = 403,
  NotFound = 404,
  MethodNotAllowed = 405,
  PayloadTooLarge = 413,
  UnsupportedMediaType = 415,
  ServerError = 500,
  ServiceUnavailable = 503
}

/**
 * An error that maps to one HTTP response.
 *
 * #### Notes
 * `message` is shown to the user on the error page, so it must never carry a
 * secret (a consumer secret, a token, a signature). `reason` is a stable,
 * machine-readable code for log lines and tests; it never changes wording.
 */
export class HttpError extends Error {
  constructor(
    readonly status: HttpCode,
    message: string,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    /**
     * Let the error page reload itself after this many seconds.
     */
    readonly retrySeconds?: number
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
