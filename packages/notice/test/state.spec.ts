/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { NoticeStateStore } from '../src';

describe('@ltilab/notice NoticeStateStore', () => {
  beforeEach(() => {
    window.localStorage.clear();
  });

  it('should remember dismissals across instances (a reload)', () => {
    const first = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    first.dismiss('file:normal:abc');
    first.dispose();
    const second = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    expect(second.isDismissed('file:normal:abc')).toBe(true);
    expect(second.isDismissed('file:normal:def')).toBe(false);
  });

  it('should keep separate state per key (per user server)', () => {
    const a = new NoticeStateStore({
      key: '/user/a/',
      storage: window.localStorage
    });
    const b = new NoticeStateStore({
      key: '/user/b/',
      storage: window.localStorage
    });
    a.dismiss('n1');
    expect(b.isDismissed('n1')).toBe(false);
  });

  it("should not lose another tab's dismissal when writing", () => {
    const tab1 = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    const tab2 = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    tab1.dismiss('one');
    tab2.dismiss('two');
    const reloaded = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    expect(reloaded.dismissed).toEqual(['one', 'two']);
  });

  it("should learn of another tab's change from the storage event", () => {
    const store = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage,
      window
    });
    const changed = jest.fn();
    store.changed.connect(changed);
    window.localStorage.setItem(
      'k',
      JSON.stringify({ dismissed: ['x'], announced: [] })
    );
    window.dispatchEvent(new StorageEvent('storage', { key: 'k' }));
    expect(changed).toHaveBeenCalledTimes(1);
    expect(store.isDismissed('x')).toBe(true);
    window.dispatchEvent(new StorageEvent('storage', { key: 'other' }));
    expect(changed).toHaveBeenCalledTimes(1);
    store.dispose();
    window.dispatchEvent(new StorageEvent('storage', { key: 'k' }));
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('should tolerate corrupt stored state', () => {
    window.localStorage.setItem('k', '{not json');
    const store = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage
    });
    expect(store.dismissed).toEqual([]);
    window.localStorage.setItem(
      'k',
      JSON.stringify({ dismissed: [1, 'ok', null] })
    );
    expect(
      new NoticeStateStore({ key: 'k', storage: window.localStorage }).dismissed
    ).toEqual(['ok']);
  });

  it('should forget the oldest ids beyond its limit', () => {
    const store = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage,
      limit: 3
    });
    ['a', 'b', 'c', 'd'].forEach(id => store.dismiss(id));
    expect(store.dismissed).toEqual(['b', 'c', 'd']);
  });

  it('should work in memory without storage', () => {
    const store = new NoticeStateStore({ key: 'k', storage: null });
    store.dismiss('a');
    store.markAnnounced('b');
    expect(store.isDismissed('a')).toBe(true);
    expect(store.wasAnnounced('b')).toBe(true);
    store.restore(['a']);
    expect(store.isDismissed('a')).toBe(false);
  });
});
