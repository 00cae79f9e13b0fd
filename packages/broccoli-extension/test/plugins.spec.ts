/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { EditMenu, type IMainMenu } from '@jupyterlab/mainmenu';
import { defaultRenderMime } from '@jupyterlab/testutils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { BlocklyRegistry, IBlocklyRegistry } from '@ltilab/broccoli';

import plugins from '../src';

const [registryPlugin, editorPlugin] = plugins;

function stubApp() {
  const app = {
    commands: new CommandRegistry(),
    docRegistry: new DocumentRegistry(),
    shell: { activateById: () => undefined, currentWidget: null },
    serviceManager: {},
    restored: Promise.resolve()
  } as unknown as JupyterFrontEnd;
  return app;
}

describe('@ltilab/broccoli-extension', () => {
  it('should have documented, auto-started plugins with stable ids', () => {
    expect(plugins.map(p => p.id)).toEqual([
      '@ltilab/broccoli-extension:registry',
      '@ltilab/broccoli-extension:editor'
    ]);
    for (const plugin of plugins) {
      expect(plugin.autoStart).toBe(true);
      expect(plugin.description).toBeTruthy();
    }
    expect(registryPlugin.provides).toBe(IBlocklyRegistry);
  });

  it('should provide a registry with the default toolbox', async () => {
    const registry = (await registryPlugin.activate(
      stubApp(),
      nullTranslator
    )) as IBlocklyRegistry;
    expect(registry).toBeInstanceOf(BlocklyRegistry);
    expect(registry.getToolbox('default')).toBeDefined();
    expect(registry.getGenerator('python')).toBeDefined();
  });

  describe('editor', () => {
    const app = stubApp();
    const editMenu = new EditMenu({ commands: app.commands });

    beforeAll(() => {
      const registry = new BlocklyRegistry();
      editorPlugin.activate(
        app,
        registry,
        defaultRenderMime(),
        nullTranslator,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        { editMenu } as unknown as IMainMenu
      );
    });

    it('should register the blockly file type as the predecessors do', () => {
      const fileType = app.docRegistry.getFileType('blockly');
      expect(fileType).toBeDefined();
      expect(fileType!.extensions).toEqual(['.jpblockly']);
      expect(fileType!.mimeTypes).toEqual(['application/json']);
      expect(fileType!.fileFormat).toBe('json');
      expect(fileType!.contentType).toBe('file');
    });

    it('should register the "Blockly Editor" factory with kernel options', () => {
      const factory = app.docRegistry.getWidgetFactory('Blockly Editor');
      expect(factory).toBeDefined();
      expect(factory!.modelName).toBe('text');
      expect(factory!.canStartKernel).toBe(true);
      expect(factory!.preferKernel).toBe(true);
      expect(factory!.shutdownOnClose).toBe(true);
      expect(factory!.defaultFor).toEqual(['blockly']);
      expect(
        app.docRegistry.defaultWidgetFactory('exercise.jpblockly').name
      ).toBe('Blockly Editor');
    });

    it('should add the editor commands, disabled without an editor', () => {
      const ids = [
        'ltilab-blockly:create-new',
        'ltilab-blockly:run',
        'ltilab-blockly:interrupt-kernel',
        'ltilab-blockly:restart-kernel',
        'ltilab-blockly:shutdown-kernel',
        'ltilab-blockly:clear-output',
        'ltilab-blockly:copy-code',
        'ltilab-blockly:export-notebook',
        'ltilab-blockly:export-script',
        'ltilab-blockly:undo',
        'ltilab-blockly:redo'
      ];
      for (const id of ids) {
        expect(app.commands.hasCommand(id)).toBe(true);
        expect(app.commands.label(id)).toBeTruthy();
      }
      expect(app.commands.isEnabled('ltilab-blockly:run')).toBe(false);
      expect(app.commands.isEnabled('ltilab-blockly:undo')).toBe(false);
      expect(app.commands.isEnabled('ltilab-blockly:create-new')).toBe(true);
      expect(
        app.commands.label('ltilab-blockly:create-new', { isLauncher: true })
      ).toBe('Blockly Editor');
    });

    it('should add undo, redo and clear to the Edit menu, for Blockly editors only', () => {
      expect(editMenu.undoers.undo.ids).toEqual(['ltilab-blockly:undo']);
      expect(editMenu.undoers.redo.ids).toEqual(['ltilab-blockly:redo']);
      expect(editMenu.clearers.clearCurrent.ids).toEqual([
        'ltilab-blockly:clear-output'
      ]);
      // Another activity's widget: the Edit menu does not pick ours.
      const other = new Widget();
      expect(editMenu.undoers.undo.getActiveCommandId(other)).toBeNull();
      other.dispose();
    });
  });
});
