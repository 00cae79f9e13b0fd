/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { decodeNoticeBytes, MAX_NOTICE_BYTES, parseNoticeText } from './text';
import type { INoticeContent, INoticeSource, NoticeKind } from './tokens';

/**
 * A notice source that reads a jnotice notice file from the Jupyter server.
 *
 * #### Notes
 * The file is read through the server's `files/` handler, like jnotice, so
 * existing deployments (the hub's health check writes these files) keep
 * working. Unlike jnotice the file is never deleted: a notice is hidden by
 * dismissal instead, so no tab can lose text another tab has not shown yet.
 * Notice files are dot-files, so the server needs
 * `ContentsManager.allow_hidden=True`, as the hub sets it.
 */
export class FileNoticeSource implements INoticeSource {
  constructor(options: FileNoticeSource.IOptions) {
    this.id = options.id;
    this.kind = options.kind;
    this.path = options.path;
    this._serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._maxBytes = options.maxBytes ?? MAX_NOTICE_BYTES;
  }

  readonly id: string;

  /**
   * Whether this file holds normal or sticky notices.
   */
  readonly kind: NoticeKind;

  /**
   * The file's path relative to the server root.
   */
  path: string;

  async fetch(): Promise<ReadonlyArray<INoticeContent> | null> {
    const path = this.path.replace(/^\/+/, '');
    if (!path) {
      return [];
    }
    // makeRequest adds a cache-busting query to no-store GETs.
    const url = URLExt.join(
      this._serverSettings.baseUrl,
      'files',
      URLExt.encodeParts(path)
    );
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'GET', cache: 'no-store', redirect: 'follow' },
        this._serverSettings
      );
    } catch {
      // The server or the network is down: keep what is shown.
      return null;
    }
    switch (FileNoticeSource.classify(response)) {
      case 'absent':
        return [];
      case 'unknown':
        return null;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const decoded = decodeNoticeBytes(bytes, this._maxBytes);
    if (decoded.binary) {
      if (this._warnedSize !== bytes.length) {
        this._warnedSize = bytes.length;
        console.warn(
          `ltilab-notice: ignoring "${path}": it is not UTF-8 text (${bytes.length} bytes).`
        );
      }
      return [];
    }
    this._warnedSize = -1;
    const content = parseNoticeText(decoded.text, this.kind, decoded.truncated);
    return content ? [content] : [];
  }

  private _maxBytes: number;
  private _serverSettings: ServerConnection.ISettings;
  private _warnedSize = -1;
}

/**
 * A namespace for `FileNoticeSource` statics.
 */
export namespace FileNoticeSource {
  export interface IOptions {
    /**
     * The source id.
     */
    id: string;

    /**
     * Normal or sticky.
     */
    kind: NoticeKind;

    /**
     * The file's path relative to the server root.
     */
    path: string;

    /**
     * The server settings; the default is the page's server.
     */
    serverSettings?: ServerConnection.ISettings;

    /**
     * The largest body shown, in bytes.
     */
    maxBytes?: number;
  }

  /**
   * What a response says about the notice file.
   *
   * - `present`: the body is the file's content;
   * - `absent`: there is no such file, so there is no notice;
   * - `unknown`: the answer is not the file (a hub login redirect, a hub's
   *   424 while the server starts, an HTML error page, a 5xx), so whatever
   *   is shown stays.
   */
  export function classify(
    response: Pick<Response, 'status' | 'ok' | 'redirected' | 'url' | 'headers'>
  ): 'present' | 'absent' | 'unknown' {
    if (response.status === 404 || response.status === 410) {
      return 'absent';
    }
    if (!response.ok) {
      return 'unknown';
    }
    if (
      response.redirected &&
      /\/hub\/login|oauth_callback|\/login(\?|$)/.test(response.url)
    ) {
      return 'unknown';
    }
    const type = response.headers.get('Content-Type') ?? '';
    if (/text\/html|application\/xhtml/i.test(type)) {
      return 'unknown';
    }
    return 'present';
  }
}
