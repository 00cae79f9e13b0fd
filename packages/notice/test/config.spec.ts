/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import {
  DEFAULT_NOTICE_CONFIG,
  readPageConfig,
  resolveNoticeConfig
} from '../src';

describe('@ltilab/notice config', () => {
  const options = (values: Record<string, unknown>) => (name: string) =>
    values[name];

  it("should keep jnotice's defaults", () => {
    expect(DEFAULT_NOTICE_CONFIG).toEqual({
      path: '.jnotice.txt',
      stickyPath: '.jnotice.sticky.txt',
      pollMs: 60000
    });
  });

  it('should read the spawner-style nested object', () => {
    const value = {
      path: 'jupyter/works/.jnotice.txt',
      stickyPath: 'jupyter/works/.jnotice.sticky.txt',
      pollMs: 60000
    };
    expect(readPageConfig(options({ jnotice: value }))).toEqual(value);
  });

  it('should read the object as a JSON string, and flat dotted keys', () => {
    expect(readPageConfig(options({ jnotice: '{"path":"a.txt"}' }))).toEqual({
      path: 'a.txt'
    });
    expect(
      readPageConfig(
        options({ 'jnotice.stickyPath': 's.txt', 'jnotice.pollMs': '5000' })
      )
    ).toEqual({ stickyPath: 's.txt', pollMs: 5000 });
  });

  it('should ignore malformed values', () => {
    expect(readPageConfig(options({ jnotice: '{broken' }))).toEqual({});
    expect(
      readPageConfig(options({ jnotice: { path: 3, pollMs: 'soon' } }))
    ).toEqual({});
    expect(readPageConfig(options({ jnotice: { pollMs: -5 } }))).toEqual({});
  });

  it('should let the page config beat defaults, and user settings beat both', () => {
    expect(
      resolveNoticeConfig(
        { path: 'default.txt', pollMs: 60000 },
        { path: 'hub.txt', pollMs: 30000 },
        { pollMs: 10000 }
      )
    ).toEqual({
      path: 'hub.txt',
      stickyPath: '.jnotice.sticky.txt',
      pollMs: 10000
    });
  });
});
