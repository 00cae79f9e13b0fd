/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import {
  INoticeContent,
  INoticeManager,
  NoticeBanner,
  NoticeManager,
  NoticeStateStore
} from '@ltilab/notice';

import plugins from '../src';

/**
 * A server that answers every notice-file request with 404, recording the
 * URLs it was asked for.
 */
function recordingSettings(urls: string[]): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:9/user/s1234567/',
    fetch: ((input: RequestInfo) => {
      urls.push(typeof input === 'string' ? input : input.url);
      return Promise.resolve(new Response('', { status: 404 }));
    }) as typeof fetch
  });
}

function stubApp(urls: string[]) {
  const added: Array<{ widget: Widget; area: string }> = [];
  const app = {
    commands: new CommandRegistry(),
    shell: {
      add: (widget: Widget, area: string) => added.push({ widget, area })
    },
    serviceManager: { serverSettings: recordingSettings(urls) },
    restored: Promise.resolve()
  } as unknown as JupyterFrontEnd;
  return { app, added };
}

const [managerPlugin, bannerPlugin] = plugins;

describe('@ltilab/notice-extension', () => {
  afterEach(() => {
    window.localStorage.clear();
  });

  it('should have documented, auto-started plugins with stable ids', () => {
    expect(plugins.map(p => p.id)).toEqual([
      '@ltilab/notice-extension:manager',
      '@ltilab/notice-extension:banner'
    ]);
    for (const plugin of plugins) {
      expect(plugin.autoStart).toBe(true);
      expect(plugin.description).toBeTruthy();
    }
  });

  it('should read the jnotice files from the user server once the app is restored', async () => {
    const urls: string[] = [];
    const { app } = stubApp(urls);
    const manager = (await managerPlugin.activate(app, null)) as INoticeManager;
    expect(manager).toBeInstanceOf(NoticeManager);
    await app.restored;
    await manager.refresh();
    expect(
      urls.some(u => u.includes('/user/s1234567/files/.jnotice.txt'))
    ).toBe(true);
    expect(
      urls.some(u => u.includes('/user/s1234567/files/.jnotice.sticky.txt'))
    ).toBe(true);
    manager.dispose();
  });

  it('should follow the page config the hub passes', async () => {
    const urls: string[] = [];
    const { app } = stubApp(urls);
    PageConfig.setOption(
      'jnotice',
      JSON.stringify({ path: 'jupyter/works/.jnotice.txt', pollMs: 60000 })
    );
    try {
      const manager = (await managerPlugin.activate(
        app,
        null
      )) as INoticeManager;
      await manager.refresh();
      expect(
        urls.some(u => u.includes('/files/jupyter/works/.jnotice.txt'))
      ).toBe(true);
      manager.dispose();
    } finally {
      PageConfig.setOption('jnotice', '');
    }
  });

  it('should add the banner to the header area and register its commands', async () => {
    const urls: string[] = [];
    const { app, added } = stubApp(urls);
    const manager = new NoticeManager({
      store: new NoticeStateStore({ key: 'k' })
    });
    const notices: INoticeContent[] = [
      { kind: 'normal', level: 'info', body: 'one', truncated: false },
      { kind: 'normal', level: 'info', body: 'two', truncated: false }
    ];
    manager.addSource({ id: 'test', fetch: () => Promise.resolve(notices) });
    await bannerPlugin.activate(app, manager, null, null, null, null, null);

    expect(added).toHaveLength(1);
    expect(added[0].area).toBe('header');
    expect(added[0].widget).toBeInstanceOf(NoticeBanner);

    for (const id of [
      'ltilab-notice:refresh',
      'ltilab-notice:dismiss-all',
      'ltilab-notice:undo-dismiss',
      'ltilab-notice:restore-dismissed'
    ]) {
      expect(app.commands.hasCommand(id)).toBe(true);
      expect(app.commands.label(id)).not.toBe('');
    }

    await app.commands.execute('ltilab-notice:refresh');
    expect(manager.notices.map(n => n.body)).toEqual(['one', 'two']);
    expect(app.commands.isEnabled('ltilab-notice:dismiss-all')).toBe(true);
    await app.commands.execute('ltilab-notice:dismiss-all');
    expect(manager.notices).toEqual([]);
    expect(app.commands.isEnabled('ltilab-notice:dismiss-all')).toBe(false);
    await app.commands.execute('ltilab-notice:undo-dismiss');
    expect(manager.notices.map(n => n.body)).toEqual(['two']);
    await app.commands.execute('ltilab-notice:restore-dismissed');
    expect(manager.notices.map(n => n.body)).toEqual(['one', 'two']);
    added[0].widget.dispose();
    manager.dispose();
  });
});
