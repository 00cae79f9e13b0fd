/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { ServerConnection } from '@jupyterlab/services';

import { FileNoticeSource } from '../src';

/**
 * Server settings whose fetch answers from `respond`, recording each URL.
 */
function settings(
  respond: (url: string) => Response | Promise<Response>,
  urls: string[] = []
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:9/user/s1234567/',
    fetch: ((input: RequestInfo) => {
      const url = typeof input === 'string' ? input : input.url;
      urls.push(url);
      return Promise.resolve(respond(url));
    }) as typeof fetch
  });
}

/**
 * A response as fetch would give it after following redirects.
 */
function response(
  body: BodyInit | null,
  init: ResponseInit & { url?: string; redirected?: boolean } = {}
): Response {
  const result = new Response(body, init);
  Object.defineProperty(result, 'url', { value: init.url ?? '' });
  Object.defineProperty(result, 'redirected', { value: !!init.redirected });
  return result;
}

const text = (body: string) =>
  response(body, { status: 200, headers: { 'Content-Type': 'text/plain' } });

function source(
  respond: (url: string) => Response | Promise<Response>,
  urls?: string[]
) {
  return new FileNoticeSource({
    id: 'file:normal',
    kind: 'normal',
    path: '.jnotice.txt',
    serverSettings: settings(respond, urls)
  });
}

describe('@ltilab/notice FileNoticeSource', () => {
  it("should read the file through the user server's files/ handler, uncached", async () => {
    const urls: string[] = [];
    const result = await source(() => text('Hello'), urls).fetch();
    expect(result).toEqual([
      { kind: 'normal', level: 'info', body: 'Hello', truncated: false }
    ]);
    expect(urls[0]).toMatch(
      /^http:\/\/127\.0\.0\.1:9\/user\/s1234567\/files\/\.jnotice\.txt\?/
    );
  });

  it('should encode paths with spaces and non-ASCII names', async () => {
    const urls: string[] = [];
    const s = source(() => text('x'), urls);
    s.path = '/jupyter/works/お知らせ 1.txt';
    await s.fetch();
    expect(urls[0]).toContain(
      '/files/jupyter/works/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B%201.txt'
    );
  });

  it('should show no notice for a missing or empty file', async () => {
    expect(await source(() => response('', { status: 404 })).fetch()).toEqual(
      []
    );
    expect(await source(() => response('', { status: 410 })).fetch()).toEqual(
      []
    );
    expect(await source(() => text('  \n')).fetch()).toEqual([]);
  });

  it('should keep what is shown on a hub login redirect, an HTML page or a 424', async () => {
    const login = response('<html>login</html>', {
      status: 200,
      headers: { 'Content-Type': 'text/html' },
      url: 'https://hub.example.edu/hub/login?next=%2Fuser%2Fs1234567%2Ffiles',
      redirected: true
    });
    expect(await source(() => login).fetch()).toBeNull();
    const html = response('<!DOCTYPE html><p>Service starting</p>', {
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=UTF-8' }
    });
    expect(await source(() => html).fetch()).toBeNull();
    expect(
      await source(() => response('', { status: 424 })).fetch()
    ).toBeNull();
    expect(
      await source(() => response('', { status: 503 })).fetch()
    ).toBeNull();
  });

  it('should keep what is shown when the server cannot be reached', async () => {
    const s = source(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await s.fetch()).toBeNull();
  });

  it('should cut a file over 64 KiB and mark it', async () => {
    const result = await source(() => text('y'.repeat(70 * 1024))).fetch();
    expect(result?.[0].truncated).toBe(true);
    expect(result?.[0].body.length).toBe(64 * 1024);
  });

  it('should refuse binary content with one console warning', async () => {
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0
    ]);
    const s = source(() =>
      response(png, { status: 200, headers: { 'Content-Type': 'image/png' } })
    );
    expect(await s.fetch()).toEqual([]);
    expect(await s.fetch()).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/not UTF-8 text/);
    warn.mockRestore();
  });

  it('should read the level from front matter, and sticky files default to warning', async () => {
    const sticky = new FileNoticeSource({
      id: 'file:sticky',
      kind: 'sticky',
      path: '.jnotice.sticky.txt',
      serverSettings: settings(() => text('Time is up'))
    });
    expect((await sticky.fetch())?.[0]).toMatchObject({
      kind: 'sticky',
      level: 'warning'
    });
    const error = await source(() =>
      text('---\nlevel: error\n---\nDown')
    ).fetch();
    expect(error?.[0]).toMatchObject({ level: 'error', body: 'Down' });
  });

  it('should report nothing for an empty path', async () => {
    const urls: string[] = [];
    const s = source(() => text('x'), urls);
    s.path = '';
    expect(await s.fetch()).toEqual([]);
    expect(urls).toEqual([]);
  });
});
