/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ServerConnection } from '@jupyterlab/services';
import { ISubmitService, SubmitPanel, SubmitService } from '@ltilab/submit';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import plugins, { CommandIDs } from '../src';

const NOW = 1_800_000_000;

/**
 * A submission server with one open box, recording what was posted.
 */
function settings(posted: string[]): ServerConnection.ISettings {
  const box = {
    id: 'hw1',
    label: 'Homework 1',
    close: NOW + 3600,
    close_iso: null,
    seconds_left: 3600,
    open: true,
    late_policy: 'flag',
    accepts_now: true,
    root_path: 'boxes/hw1',
    available: true
  };
  const who = {
    user: 'alice',
    is_teacher: false,
    server_time: NOW,
    server_time_iso: '',
    max_bytes: 1000
  };
  return ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:9/user/s1/',
    fetch: (async (input: RequestInfo, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input.url;
      const method = (
        (input instanceof Request ? input.method : init?.method) ?? 'GET'
      ).toUpperCase();
      let json: unknown;
      let status = 200;
      if (method === 'POST') {
        const body =
          input instanceof Request ? await input.text() : String(init?.body);
        const path = JSON.parse(body).path as string;
        posted.push(path);
        const file = path.split('/').pop();
        status = 201;
        json = {
          receipt: {
            box: 'hw1',
            user: 'alice',
            file,
            stored: `alice_${file}`,
            time: '',
            timestamp: NOW,
            size: 10,
            sha256: 'ab'.repeat(32),
            sha256_short: 'abababab',
            late: false,
            unchanged: false,
            root_path: null
          }
        };
      } else if (url.includes('/mine')) {
        json = { ...who, boxes: [{ box, submissions: [] }] };
      } else {
        json = { ...who, boxes: [box] };
      }
      return new Response(JSON.stringify(json), { status });
    }) as typeof fetch
  });
}

function stubApp(posted: string[], current: Widget | null = null) {
  const added: Array<{ widget: Widget; area: string }> = [];
  const app = {
    commands: new CommandRegistry(),
    shell: {
      add: (widget: Widget, area: string) => added.push({ widget, area }),
      activateById: () => undefined,
      currentWidget: current
    },
    serviceManager: { serverSettings: settings(posted) },
    restored: Promise.resolve()
  } as unknown as JupyterFrontEnd;
  return { app, added };
}

const [servicePlugin, commandsPlugin, panelPlugin] = plugins;

describe('@ltilab/submit-extension', () => {
  it('should have documented, auto-started plugins with stable ids', () => {
    expect(plugins.map(p => p.id)).toEqual([
      '@ltilab/submit-extension:service',
      '@ltilab/submit-extension:commands',
      '@ltilab/submit-extension:panel'
    ]);
    for (const plugin of plugins) {
      expect(plugin.autoStart).toBe(true);
      expect(plugin.description).toBeTruthy();
    }
    expect(servicePlugin.provides).toBe(ISubmitService);
  });

  it('should provide a service on the app server settings', () => {
    const { app } = stubApp([]);
    const service = servicePlugin.activate(app) as ISubmitService;
    expect(service).toBeInstanceOf(SubmitService);
    expect(service.serverSettings).toBe(app.serviceManager.serverSettings);
  });

  it('should save the current document before submitting it', async () => {
    const posted: string[] = [];
    const order: string[] = [];
    const document = new Widget() as Widget & { context: any };
    document.context = {
      path: 'work/kadai.ipynb',
      ready: Promise.resolve(),
      model: { dirty: true },
      save: async () => {
        order.push('save');
      }
    };
    const { app } = stubApp(posted, document);
    const service = servicePlugin.activate(app) as ISubmitService;
    service.submitted.connect(() => order.push('submitted'));
    commandsPlugin.activate(app, service, null, null, null, null, null);
    expect(app.commands.isEnabled(CommandIDs.submitNotebook)).toBe(true);
    expect(app.commands.label(CommandIDs.submitNotebook)).toBe('Submit');
    await app.commands.execute(CommandIDs.submitNotebook);
    expect(order).toEqual(['save', 'submitted']);
    expect(posted).toEqual(['work/kadai.ipynb']);
  });

  it('should not offer to submit without a document', () => {
    const { app } = stubApp([]);
    const service = servicePlugin.activate(app) as ISubmitService;
    commandsPlugin.activate(app, service, null, null, null, null, null);
    expect(app.commands.isEnabled(CommandIDs.submitNotebook)).toBe(false);
  });

  it('should submit the files selected in the file browser, not folders', async () => {
    const posted: string[] = [];
    const { app } = stubApp(posted);
    const service = servicePlugin.activate(app) as ISubmitService;
    const browser = {
      selectedItems: function* () {
        yield { path: 'a.py', type: 'file' };
        yield { path: 'sub', type: 'directory' };
        yield { path: 'b.ipynb', type: 'notebook' };
      }
    };
    commandsPlugin.activate(app, service, null, null, browser, null, null);
    await app.commands.execute(CommandIDs.submitFile);
    expect(posted).toEqual(['a.py', 'b.ipynb']);
    await app.commands.execute(CommandIDs.submitFile, {
      path: 'c.txt',
      boxId: 'hw1'
    });
    expect(posted).toEqual(['a.py', 'b.ipynb', 'c.txt']);
  });

  it('should add the Submissions panel to the left area', async () => {
    const { app, added } = stubApp([]);
    const service = servicePlugin.activate(app) as ISubmitService;
    panelPlugin.activate(app, service, null, null, null, null);
    expect(added).toHaveLength(1);
    expect(added[0].area).toBe('left');
    const panel = added[0].widget as SubmitPanel;
    expect(panel).toBeInstanceOf(SubmitPanel);
    expect(panel.id).toBe('jp-ltilab-submit-panel');
    expect(app.commands.hasCommand(CommandIDs.openPanel)).toBe(true);
    await app.commands.execute(CommandIDs.openPanel);
    expect(panel.model.user).toBe('alice');
    panel.model.dispose();
    panel.dispose();
  });
});
