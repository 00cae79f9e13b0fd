/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ServerConnection } from '@jupyterlab/services';
import { ISubmitService, SubmitPanel } from '@ltilab/submit';
import { CommandRegistry } from '@lumino/commands';
import type { Widget } from '@lumino/widgets';

import plugins, { CommandIDs } from '../src';

const NOW = 1_800_000_000;

interface IPosted {
  path: string;
  body: any;
}

/**
 * A submission server with one box, for a teacher or a student; the
 * grading endpoints answer with the files they would write.
 */
function settings(teacher: boolean, posted: IPosted[]) {
  const box = {
    id: 'hw1',
    label: 'Homework 1',
    close: null,
    close_iso: null,
    seconds_left: null,
    open: true,
    late_policy: 'refuse',
    accepts_now: true,
    root_path: 'Submit',
    available: true
  };
  const who = {
    user: teacher ? 'yamada' : 'alice',
    is_teacher: teacher,
    server_time: NOW,
    server_time_iso: '',
    max_bytes: 1000
  };
  return ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:9/user/t1/',
    fetch: (async (input: RequestInfo, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input.url;
      const path = new URL(url).pathname;
      const method = (
        (input instanceof Request ? input.method : init?.method) ?? 'GET'
      ).toUpperCase();
      let json: unknown;
      let status = 200;
      if (method === 'POST') {
        const text =
          input instanceof Request ? await input.text() : String(init?.body);
        const body = JSON.parse(text);
        posted.push({ path, body });
        status = 201;
        json = path.endsWith('/extract')
          ? {
              files: [
                `${String(body.codenums[0]).padStart(3, '0')}-${body.base}`
              ]
            }
          : { files: [body.base.replace(/\.ipynb$/, '.csv')] };
      } else if (path.endsWith('/submissions')) {
        json = { ...who, box, rows: [], unattributed: [], missing: [] };
      } else if (path.endsWith('/mine')) {
        json = { ...who, boxes: [{ box, submissions: [] }] };
      } else {
        json = { ...who, boxes: [box] };
      }
      return new Response(JSON.stringify(json), { status });
    }) as typeof fetch
  });
}

async function activate(teacher: boolean, posted: IPosted[]) {
  const added: Widget[] = [];
  const app = {
    commands: new CommandRegistry(),
    shell: {
      add: (widget: Widget) => added.push(widget),
      activateById: () => undefined,
      currentWidget: null
    },
    serviceManager: { serverSettings: settings(teacher, posted) },
    restored: Promise.resolve()
  } as unknown as JupyterFrontEnd;
  const [servicePlugin, , panelPlugin] = plugins;
  const service = servicePlugin.activate(app) as ISubmitService;
  panelPlugin.activate(app, service, null, null, null, null);
  await app.commands.execute(CommandIDs.openPanel);
  const panel = added[0] as SubmitPanel;
  const dispose = () => {
    panel.model.dispose();
    panel.dispose();
  };
  return { app, panel, dispose };
}

describe('@ltilab/submit-extension grading commands', () => {
  it('should show extract and tocsv to teachers and run them on the server', async () => {
    const posted: IPosted[] = [];
    const { app, panel, dispose } = await activate(true, posted);
    expect(panel.model.isTeacher).toBe(true);
    for (const id of [CommandIDs.extract, CommandIDs.tocsv]) {
      expect(app.commands.isVisible(id)).toBe(true);
      expect(app.commands.isEnabled(id)).toBe(true);
    }
    const extracted = await app.commands.execute(CommandIDs.extract, {
      boxId: 'hw1',
      base: 'kadai.ipynb',
      codenums: [2, 1],
      dest: 'grading'
    });
    expect(extracted).toEqual({ files: ['002-kadai.ipynb'] });
    const csv = await app.commands.execute(CommandIDs.tocsv, {
      base: 'kadai.ipynb'
    });
    expect(csv).toEqual({ files: ['kadai.csv'] });
    expect(posted).toEqual([
      {
        path: '/user/t1/ltilab/submit/boxes/hw1/extract',
        body: { base: 'kadai.ipynb', codenums: [2, 1], dest: 'grading' }
      },
      {
        path: '/user/t1/ltilab/submit/boxes/hw1/tocsv',
        body: { base: 'kadai.ipynb' }
      }
    ]);
    dispose();
  });

  it('should not send invalid names or code cell numbers', async () => {
    const posted: IPosted[] = [];
    const { app, dispose } = await activate(true, posted);
    for (const args of [
      { base: '../kadai.ipynb', codenums: [1] },
      { base: 'kadai.ipynb', codenums: [999] },
      { base: 'kadai.ipynb', codenums: 'one' },
      { base: 'kadai.ipynb' }
    ]) {
      expect(
        await app.commands.execute(CommandIDs.extract, {
          boxId: 'hw1',
          ...args
        })
      ).toBeNull();
    }
    expect(
      await app.commands.execute(CommandIDs.tocsv, { base: '.hidden' })
    ).toBeNull();
    expect(posted).toEqual([]);
    dispose();
  });

  it('should hide the grading commands from students', async () => {
    const posted: IPosted[] = [];
    const { app, dispose } = await activate(false, posted);
    for (const id of [CommandIDs.extract, CommandIDs.tocsv]) {
      expect(app.commands.isVisible(id)).toBe(false);
      expect(app.commands.isEnabled(id)).toBe(false);
    }
    expect(
      await app.commands.execute(CommandIDs.extract, {
        base: 'kadai.ipynb',
        codenums: [1]
      })
    ).toBeNull();
    expect(posted).toEqual([]);
    dispose();
  });
});
