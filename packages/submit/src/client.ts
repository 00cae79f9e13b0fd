/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import type { ISignal } from '@lumino/signaling';

import type {
  IBoxesReply,
  IGradingReply,
  IMineReply,
  IReceipt,
  ISubmitResult,
  ITableReply
} from './tokens';
import { ISubmitService } from './tokens';

/**
 * The API's root under the server's base URL.
 */
export const SUBMIT_API_PATH = 'ltilab/submit';

/**
 * An error of the submission API: the server's `{error, message}` body, or a
 * client-side code for what never reached the API.
 *
 * #### Notes
 * Client-side codes: `network` (the request failed), `bad_response` (the
 * reply is not the API's JSON, e.g. a hub login page).
 */
export class SubmitAPIError extends Error {
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'SubmitAPIError';
    this.status = status;
    this.code = code;
  }

  /**
   * The HTTP status, or 0 when no response arrived.
   */
  readonly status: number;

  /**
   * The error code, e.g. `deadline_passed`, `too_large`, `forbidden`.
   */
  readonly code: string;
}

/**
 * Make a request to the submission API and return the response.
 *
 * @param settings - the app's server settings (base URL, token, fetch).
 * @param endPoint - the path under `<base_url>/ltilab/submit/`.
 * @param init - the request's method and body.
 *
 * @returns the response, when its status is 2xx.
 *
 * @throws `SubmitAPIError` for any error status or a failed request.
 */
export async function requestAPI(
  settings: ServerConnection.ISettings,
  endPoint: string,
  init: RequestInit = {}
): Promise<Response> {
  const url = URLExt.join(settings.baseUrl, SUBMIT_API_PATH, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { cache: 'no-store', ...init },
      settings
    );
  } catch (reason) {
    throw new SubmitAPIError(
      0,
      'network',
      reason instanceof Error ? reason.message : String(reason)
    );
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    if (body && typeof body.error === 'string') {
      throw new SubmitAPIError(
        response.status,
        body.error,
        typeof body.message === 'string' ? body.message : body.error
      );
    }
    throw new SubmitAPIError(
      response.status,
      'http_error',
      `${response.status} ${response.statusText}`.trim()
    );
  }
  return response;
}

/**
 * Make a request to the submission API and parse its JSON reply.
 *
 * @throws `SubmitAPIError` with code `bad_response` when the reply is not
 * JSON (a hub login page, a proxy error page).
 */
export async function requestJSON<T>(
  settings: ServerConnection.ISettings,
  endPoint: string,
  init: RequestInit = {}
): Promise<{ status: number; data: T }> {
  const response = await requestAPI(settings, endPoint, init);
  const text = await response.text();
  try {
    return { status: response.status, data: JSON.parse(text) as T };
  } catch {
    throw new SubmitAPIError(
      response.status,
      'bad_response',
      'The server did not answer with the submission API.'
    );
  }
}

/**
 * The submission service over the server's REST API.
 */
export class SubmitService implements ISubmitService {
  constructor(options: SubmitService.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  get submitted(): ISignal<ISubmitService, ISubmitService.ISubmitted> {
    return this._submitted;
  }

  async boxes(): Promise<IBoxesReply> {
    return (await requestJSON<IBoxesReply>(this.serverSettings, 'boxes')).data;
  }

  async mine(boxId?: string): Promise<IMineReply> {
    const path =
      boxId === undefined ? 'mine' : `boxes/${encodeURIComponent(boxId)}/mine`;
    return (await requestJSON<IMineReply>(this.serverSettings, path)).data;
  }

  async submit(boxId: string, path: string): Promise<ISubmitResult> {
    const { status, data } = await requestJSON<{ receipt: IReceipt }>(
      this.serverSettings,
      `boxes/${encodeURIComponent(boxId)}/submissions`,
      { method: 'POST', body: JSON.stringify({ path }) }
    );
    if (!data || !data.receipt) {
      throw new SubmitAPIError(
        status,
        'bad_response',
        'The server sent no receipt.'
      );
    }
    const result = { receipt: data.receipt, stored: status === 201 };
    this._submitted.emit({ receipt: data.receipt, path });
    return result;
  }

  async table(boxId: string): Promise<ITableReply> {
    return (
      await requestJSON<ITableReply>(
        this.serverSettings,
        `boxes/${encodeURIComponent(boxId)}/submissions`
      )
    ).data;
  }

  async read(boxId: string, stored: string, version?: string): Promise<Blob> {
    let path = `boxes/${encodeURIComponent(boxId)}/files/${encodeURIComponent(stored)}`;
    if (version !== undefined) {
      path += URLExt.objectToQueryString({ version });
    }
    const response = await requestAPI(this.serverSettings, path);
    return response.blob();
  }

  async extract(
    boxId: string,
    options: ISubmitService.IExtractOptions
  ): Promise<IGradingReply> {
    const { base, codenums, dest } = options;
    return this._grading(boxId, 'extract', {
      base,
      codenums: [...codenums],
      ...(dest === undefined ? {} : { dest })
    });
  }

  async tocsv(
    boxId: string,
    options: ISubmitService.IToCsvOptions
  ): Promise<IGradingReply> {
    const { base, dest } = options;
    return this._grading(boxId, 'tocsv', {
      base,
      ...(dest === undefined ? {} : { dest })
    });
  }

  private async _grading(
    boxId: string,
    verb: string,
    body: Record<string, unknown>
  ): Promise<IGradingReply> {
    const { status, data } = await requestJSON<IGradingReply>(
      this.serverSettings,
      `boxes/${encodeURIComponent(boxId)}/${verb}`,
      { method: 'POST', body: JSON.stringify(body) }
    );
    if (!data || !Array.isArray(data.files)) {
      throw new SubmitAPIError(
        status,
        'bad_response',
        'The server sent no file list.'
      );
    }
    return data;
  }

  private _submitted = new Signal<ISubmitService, ISubmitService.ISubmitted>(
    this
  );
}

/**
 * The namespace for `SubmitService` statics.
 */
export namespace SubmitService {
  /**
   * The options of a submission service.
   */
  export interface IOptions {
    /**
     * The server settings; pass the app's `serviceManager.serverSettings`.
     */
    serverSettings?: ServerConnection.ISettings;
  }
}
