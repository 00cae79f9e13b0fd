/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { Signal } from '@lumino/signaling';

import {
  INotice,
  INoticeContent,
  INoticeSource,
  MAX_HIDDEN_POLL_MS,
  NoticeManager,
  NoticeStateStore
} from '../src';

/**
 * A source whose report the test sets, counting fetches.
 */
class ScriptedSource implements INoticeSource {
  constructor(
    readonly id: string,
    public report: ReadonlyArray<INoticeContent> | null = []
  ) {}
  fetches = 0;
  readonly changed: Signal<INoticeSource, void> = new Signal<
    INoticeSource,
    void
  >(this);
  fetch(): Promise<ReadonlyArray<INoticeContent> | null> {
    this.fetches++;
    return Promise.resolve(this.report);
  }
}

const normal = (body: string): INoticeContent => ({
  kind: 'normal',
  level: 'info',
  body,
  truncated: false
});
const sticky = (body: string): INoticeContent => ({
  kind: 'sticky',
  level: 'warning',
  body,
  truncated: false
});
const bodies = (notices: ReadonlyArray<INotice>) => notices.map(n => n.body);

describe('@ltilab/notice NoticeManager', () => {
  let store: NoticeStateStore;
  let manager: NoticeManager;

  beforeEach(() => {
    window.localStorage.clear();
    store = new NoticeStateStore({ key: 'k', storage: window.localStorage });
    manager = new NoticeManager({ store, pollInterval: 60000 });
  });

  afterEach(() => {
    manager.dispose();
    store.dispose();
  });

  it('should publish what the sources report, sticky first', async () => {
    manager.addSource(new ScriptedSource('a', [normal('hello')]));
    manager.addSource(new ScriptedSource('b', [sticky('stop')]));
    await manager.refresh();
    expect(bodies(manager.notices)).toEqual(['stop', 'hello']);
  });

  it('should hide a dismissed notice until its text changes', async () => {
    const source = new ScriptedSource('a', [normal('first')]);
    manager.addSource(source);
    await manager.refresh();
    manager.dismiss(manager.notices[0].id);
    expect(manager.notices).toEqual([]);
    await manager.refresh();
    expect(manager.notices).toEqual([]);
    source.report = [normal('second')];
    await manager.refresh();
    expect(bodies(manager.notices)).toEqual(['second']);
    // The same text again stays dismissed.
    source.report = [normal('first')];
    await manager.refresh();
    expect(manager.notices).toEqual([]);
  });

  it('should never dismiss a sticky notice', async () => {
    manager.addSource(new ScriptedSource('s', [sticky('time is up')]));
    await manager.refresh();
    manager.dismiss(manager.notices[0].id);
    expect(bodies(manager.notices)).toEqual(['time is up']);
  });

  it('should show a sticky notice only while its source reports it', async () => {
    const source = new ScriptedSource('s', [sticky('time is up')]);
    manager.addSource(source);
    await manager.refresh();
    expect(manager.notices.length).toBe(1);
    source.report = [];
    await manager.refresh();
    expect(manager.notices).toEqual([]);
  });

  it('should keep the last report when a source cannot tell', async () => {
    const source = new ScriptedSource('a', [normal('kept')]);
    manager.addSource(source);
    await manager.refresh();
    source.report = null;
    await manager.refresh();
    expect(bodies(manager.notices)).toEqual(['kept']);
  });

  it('should survive a source that throws', async () => {
    const broken: INoticeSource = {
      id: 'broken',
      fetch: () => Promise.reject(new Error('boom'))
    };
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    manager.addSource(broken);
    manager.addSource(new ScriptedSource('ok', [normal('fine')]));
    await manager.refresh();
    expect(bodies(manager.notices)).toEqual(['fine']);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('should announce each notice once per browser, across tabs', async () => {
    const arrivals: string[] = [];
    manager.arrived.connect((_, notice) => arrivals.push(notice.body));
    manager.addSource(new ScriptedSource('a', [normal('news')]));
    await manager.refresh();
    await manager.refresh();
    expect(arrivals).toEqual(['news']);

    const otherTab = new NoticeManager({
      store: new NoticeStateStore({ key: 'k', storage: window.localStorage })
    });
    const otherArrivals: string[] = [];
    otherTab.arrived.connect((_, notice) => otherArrivals.push(notice.body));
    otherTab.addSource(new ScriptedSource('a', [normal('news')]));
    await otherTab.refresh();
    expect(bodies(otherTab.notices)).toEqual(['news']);
    expect(otherArrivals).toEqual([]);
    otherTab.dispose();
  });

  it("should apply another tab's dismissal at once", async () => {
    const otherStore = new NoticeStateStore({
      key: 'k',
      storage: window.localStorage,
      window
    });
    const otherTab = new NoticeManager({ store: otherStore });
    otherTab.addSource(new ScriptedSource('a', [normal('news')]));
    await otherTab.refresh();
    manager.addSource(new ScriptedSource('a', [normal('news')]));
    await manager.refresh();
    manager.dismiss(manager.notices[0].id);
    // jsdom does not fire `storage` across documents; the browser does.
    window.dispatchEvent(new StorageEvent('storage', { key: 'k' }));
    expect(otherTab.notices).toEqual([]);
    otherTab.dispose();
    otherStore.dispose();
  });

  it('should undo the last dismissal, and restore all', async () => {
    manager.addSource(new ScriptedSource('a', [normal('one'), normal('two')]));
    await manager.refresh();
    const [one, two] = manager.notices;
    manager.dismiss(one.id);
    manager.dismiss(two.id);
    expect(manager.undoDismiss()).toBe(true);
    expect(bodies(manager.notices)).toEqual(['two']);
    manager.restoreDismissed();
    expect(bodies(manager.notices)).toEqual(['one', 'two']);
    expect(manager.undoDismiss()).toBe(false);
  });

  it('should refuse two sources with one id', () => {
    manager.addSource(new ScriptedSource('a'));
    expect(() => manager.addSource(new ScriptedSource('a'))).toThrow(/already/);
  });

  it('should drop notices of a removed source', async () => {
    const handle = manager.addSource(new ScriptedSource('a', [normal('x')]));
    await manager.refresh();
    handle.dispose();
    expect(manager.notices).toEqual([]);
  });

  it('should fetch at once when a push source signals', async () => {
    const source = new ScriptedSource('push', [normal('pushed')]);
    manager.addSource(source);
    manager.start();
    await manager.refresh();
    const before = source.fetches;
    source.changed.emit();
    await manager.refresh();
    expect(source.fetches).toBeGreaterThan(before);
    expect(bodies(manager.notices)).toEqual(['pushed']);
  });

  describe('polling', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    /**
     * Let the manager's promise chains settle under fake timers.
     */
    const settle = async () => {
      for (let i = 0; i < 10; i++) {
        await Promise.resolve();
      }
    };

    it('should poll at the interval while visible, and back off while hidden', async () => {
      let visibility: DocumentVisibilityState = 'visible';
      // A getter, so the manager sees each change (Object.assign would copy
      // the value once).
      const fakeDocument = Object.defineProperties(new EventTarget(), {
        visibilityState: { get: () => visibility },
        defaultView: { value: null }
      }) as unknown as Document;
      const polled = new NoticeManager({
        store,
        pollInterval: 1000,
        document: fakeDocument
      });
      const source = new ScriptedSource('a');
      polled.addSource(source);
      polled.start();
      await settle();
      expect(source.fetches).toBe(1);

      jest.advanceTimersByTime(1000);
      await settle();
      expect(source.fetches).toBe(2);

      visibility = 'hidden';
      fakeDocument.dispatchEvent(new Event('visibilitychange'));
      jest.advanceTimersByTime(1000);
      await settle();
      expect(source.fetches).toBe(3); // the poll already scheduled
      jest.advanceTimersByTime(1999);
      await settle();
      expect(source.fetches).toBe(3); // now waits 2 s
      jest.advanceTimersByTime(1);
      await settle();
      expect(source.fetches).toBe(4);
      jest.advanceTimersByTime(3999);
      await settle();
      expect(source.fetches).toBe(4); // then 4 s
      jest.advanceTimersByTime(1);
      await settle();
      expect(source.fetches).toBe(5);

      // Shown again: poll at once, then at the normal pace.
      visibility = 'visible';
      fakeDocument.dispatchEvent(new Event('visibilitychange'));
      await settle();
      expect(source.fetches).toBe(6);
      jest.advanceTimersByTime(1000);
      await settle();
      expect(source.fetches).toBe(7);
      polled.dispose();
      jest.advanceTimersByTime(MAX_HIDDEN_POLL_MS);
      await settle();
      expect(source.fetches).toBe(7);
    });

    it('should clamp absurd intervals', () => {
      const m = new NoticeManager({ store, pollInterval: 5 });
      expect(m.pollInterval).toBe(1000);
      m.pollInterval = Number.NaN;
      expect(m.pollInterval).toBe(60000);
      m.dispose();
    });
  });
});
