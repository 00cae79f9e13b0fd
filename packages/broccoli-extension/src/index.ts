/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module broccoli-extension
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  ICommandPalette,
  ISessionContextDialogs,
  IThemeManager,
  Notification,
  SessionContextDialogs,
  Toolbar,
  createToolbarFactory,
  IToolbarWidgetRegistry,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { Contents } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import {
  clearIcon,
  CommandToolbarButton,
  copyIcon,
  fileIcon,
  LabIcon,
  notebookIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import {
  BLOCKLY_FACTORY,
  BLOCKLY_FILE_TYPE,
  BlocklyEditor,
  BlocklyEditorFactory,
  BlocklyRegistry,
  IBlocklyRegistry,
  JPBLOCKLY_EXTENSION,
  runnableCode,
  SCRIPT_EXTENSIONS,
  pathBeside
} from '@ltilab/broccoli';

/**
 * The command ids of the Blockly editor.
 */
namespace CommandIDs {
  export const createNew = 'ltilab-blockly:create-new';
  export const run = 'ltilab-blockly:run';
  export const interrupt = 'ltilab-blockly:interrupt-kernel';
  export const restart = 'ltilab-blockly:restart-kernel';
  export const shutdown = 'ltilab-blockly:shutdown-kernel';
  export const clearOutput = 'ltilab-blockly:clear-output';
  export const copyCode = 'ltilab-blockly:copy-code';
  export const exportNotebook = 'ltilab-blockly:export-notebook';
  export const exportScript = 'ltilab-blockly:export-script';
  export const undo = 'ltilab-blockly:undo';
  export const redo = 'ltilab-blockly:redo';
}

/**
 * The icon of Blockly documents: three stacked blocks.
 */
export const blocklyIcon = new LabIcon({
  name: 'ltilab:blockly',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">' +
    '<g class="jp-icon-contrast0" fill="#4C97FF">' +
    '<path d="M3 3h6l1 1h4l1-1h6v5h-6l-1 1h-4l-1-1H3z"/>' +
    '<path d="M6 10h6l1 1h4l1-1h3v5h-3l-1 1h-4l-1-1H6z"/>' +
    '<path d="M3 17h6l1 1h4l1-1h6v4H3z"/>' +
    '</g></svg>'
});

/**
 * The block registry, with the default toolbox and generators, following
 * JupyterLab's language.
 */
const registryPlugin: JupyterFrontEndPlugin<IBlocklyRegistry> = {
  id: '@ltilab/broccoli-extension:registry',
  description:
    'Provides the registry of Blockly toolboxes, blocks, generators and messages.',
  autoStart: true,
  provides: IBlocklyRegistry,
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null
  ): IBlocklyRegistry => {
    translator = translator ?? nullTranslator;
    const registry = new BlocklyRegistry({
      translator,
      fallbackLanguages: Private.browserLanguages()
    });
    void registry
      .setLocale(translator.languageCode ?? 'default')
      .catch(reason => {
        console.error('ltilab-blockly: cannot load the Blockly locale', reason);
      });
    return registry;
  }
};

/**
 * The Blockly editor: file type, widget factory, tracker, commands, toolbar,
 * launcher and palette items.
 */
const editorPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/broccoli-extension:editor',
  description:
    'Adds the block-programming editor for .jpblockly files, with kernel, run and export commands.',
  autoStart: true,
  requires: [IBlocklyRegistry, IRenderMimeRegistry],
  optional: [
    ITranslator,
    IEditorServices,
    ILayoutRestorer,
    ILauncher,
    ICommandPalette,
    IDefaultFileBrowser,
    IThemeManager,
    ISettingRegistry,
    ISessionContextDialogs,
    IToolbarWidgetRegistry,
    IMainMenu
  ],
  activate: (
    app: JupyterFrontEnd,
    registry: IBlocklyRegistry,
    rendermime: IRenderMimeRegistry,
    translator: ITranslator | null,
    editorServices: IEditorServices | null,
    restorer: ILayoutRestorer | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    themeManager: IThemeManager | null,
    settingRegistry: ISettingRegistry | null,
    sessionDialogs: ISessionContextDialogs | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    mainMenu: IMainMenu | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ltilab');
    const dialogs = sessionDialogs ?? new SessionContextDialogs({ translator });
    const { commands, docRegistry, serviceManager } = app;

    docRegistry.addFileType({
      name: BLOCKLY_FILE_TYPE,
      displayName: trans.__('Blockly File'),
      extensions: [JPBLOCKLY_EXTENSION],
      mimeTypes: ['application/json'],
      fileFormat: 'json',
      contentType: 'file',
      icon: blocklyIcon
    });

    // The toolbar comes from settings (`jupyter.lab.toolbars` in the
    // editor's schema), so admins and users can add or remove items and
    // other extensions (the Submit button) can add theirs.
    const toolbarOptions = {
      commands,
      registry,
      dialogs,
      translator,
      trans
    };
    let toolbarFactory: BlocklyEditorFactory.IOptions['toolbarFactory'];
    if (toolbarRegistry && settingRegistry) {
      for (const name of Private.TOOLBAR_ITEMS) {
        toolbarRegistry.addFactory<BlocklyEditor>(
          BLOCKLY_FACTORY,
          name,
          widget => Private.toolbarItem(name, widget, toolbarOptions)
        );
      }
      toolbarFactory = createToolbarFactory(
        toolbarRegistry,
        settingRegistry,
        BLOCKLY_FACTORY,
        editorPlugin.id,
        translator
      );
    }

    const factory = new BlocklyEditorFactory({
      name: BLOCKLY_FACTORY,
      toolbarFactory,
      label: trans.__('Blockly Editor'),
      modelName: 'text',
      fileTypes: [BLOCKLY_FILE_TYPE],
      defaultFor: [BLOCKLY_FILE_TYPE],
      canStartKernel: true,
      preferKernel: true,
      shutdownOnClose: true,
      translator,
      registry,
      rendermime,
      editorFactory: editorServices?.factoryService.newInlineEditor,
      // Blockly's media, copied next to this labextension at build time.
      media:
        URLExt.join(
          PageConfig.getOption('fullLabextensionsUrl'),
          '@ltilab/broccoli-extension/static/blockly-media'
        ) + '/'
    });
    const isDark = () =>
      !!themeManager?.theme && !themeManager.isLight(themeManager.theme);
    factory.dark = isDark();
    docRegistry.addWidgetFactory(factory);

    const tracker = new WidgetTracker<BlocklyEditor>({
      namespace: 'ltilab-blockly'
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({
          path: widget.context.path,
          factory: BLOCKLY_FACTORY
        }),
        name: widget => widget.context.path
      });
    }

    let clearOutputOnRun = true;
    if (settingRegistry) {
      void settingRegistry
        .load(editorPlugin.id)
        .then(settings => {
          const update = () => {
            clearOutputOnRun =
              settings.get('clearOutputOnRun').composite !== false;
          };
          update();
          settings.changed.connect(update);
        })
        .catch(reason => {
          console.error('ltilab-blockly: cannot load settings', reason);
        });
    }

    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = blocklyIcon;
      widget.context.pathChanged.connect(() => {
        void tracker.save(widget);
      });
      void tracker.add(widget);
      if (!toolbarFactory) {
        Private.populateToolbar(widget, toolbarOptions);
      }
    });

    if (themeManager) {
      themeManager.themeChanged.connect(() => {
        const dark = isDark();
        factory.dark = dark;
        // JupyterLab's CSS variables change once the theme's CSS is loaded.
        requestAnimationFrame(() => {
          tracker.forEach(widget => {
            widget.content.dark = dark;
          });
        });
      });
    }

    const current = (args: ReadonlyPartialJSONObject): BlocklyEditor | null => {
      const widget = tracker.currentWidget;
      const activate = args['activate'] !== false;
      if (activate && widget) {
        app.shell.activateById(widget.id);
      }
      return widget;
    };
    const isEnabled = () =>
      tracker.currentWidget !== null &&
      tracker.currentWidget === app.shell.currentWidget;

    commands.addCommand(CommandIDs.createNew, {
      label: args =>
        args['isPalette']
          ? trans.__('New Blockly File')
          : args['isLauncher']
            ? trans.__('Blockly Editor')
            : trans.__('Blockly File'),
      caption: trans.__('Create a new block-programming file'),
      icon: args => (args['isPalette'] ? undefined : blocklyIcon),
      execute: async args => {
        const cwd = (args['cwd'] as string) ?? browser?.model.path ?? '';
        const model: Contents.IModel = await commands.execute(
          'docmanager:new-untitled',
          { path: cwd, type: 'file', ext: JPBLOCKLY_EXTENSION }
        );
        return commands.execute('docmanager:open', {
          path: model.path,
          factory: BLOCKLY_FACTORY
        });
      }
    });

    commands.addCommand(CommandIDs.run, {
      label: trans.__('Run Blocks'),
      caption: trans.__('Run the program in the kernel'),
      icon: args => (args['toolbar'] ? runIcon : undefined),
      isEnabled,
      execute: async args => {
        const widget = current(args);
        if (widget) {
          await Private.run(widget, dialogs, trans, clearOutputOnRun);
        }
      }
    });

    commands.addCommand(CommandIDs.interrupt, {
      label: trans.__('Interrupt Kernel'),
      caption: trans.__('Interrupt the running program'),
      icon: args => (args['toolbar'] ? stopIcon : undefined),
      isEnabled,
      execute: async args => {
        const kernel = current(args)?.context.sessionContext.session?.kernel;
        if (kernel) {
          await kernel.interrupt();
        }
      }
    });

    commands.addCommand(CommandIDs.restart, {
      label: trans.__('Restart Kernel…'),
      caption: trans.__('Restart the kernel of the block file'),
      icon: args => (args['toolbar'] ? refreshIcon : undefined),
      isEnabled,
      execute: async args => {
        const widget = current(args);
        if (!widget) {
          return;
        }
        const kernel = widget.context.sessionContext.session?.kernel;
        if (!kernel || kernel.status === 'dead') {
          await widget.content.restartKernel();
        } else {
          await dialogs.restart(widget.context.sessionContext);
        }
      }
    });

    commands.addCommand(CommandIDs.shutdown, {
      label: trans.__('Shut Down Kernel'),
      caption: trans.__('Shut down the kernel of the block file'),
      isEnabled,
      execute: async args => {
        const widget = current(args);
        if (widget) {
          await widget.context.sessionContext.shutdown();
        }
      }
    });

    commands.addCommand(CommandIDs.clearOutput, {
      label: trans.__('Clear Block Output'),
      caption: trans.__('Clear the output of the block program'),
      icon: args => (args['toolbar'] ? clearIcon : undefined),
      isEnabled,
      execute: args => {
        current(args)?.content.outputArea.model.clear();
      }
    });

    commands.addCommand(CommandIDs.copyCode, {
      label: trans.__('Copy Generated Code'),
      caption: trans.__('Copy the code generated from the blocks'),
      icon: args => (args['toolbar'] ? copyIcon : undefined),
      isEnabled,
      execute: args => {
        const widget = current(args);
        if (!widget) {
          return;
        }
        const result = widget.content.generate();
        if (result.error) {
          Notification.error(result.error, { autoClose: 5000 });
          return;
        }
        // The code that runs: with the runtimes the Code tab leaves out.
        Clipboard.copyToSystem(runnableCode(result));
        Notification.success(trans.__('The code was copied.'), {
          autoClose: 2000
        });
      }
    });

    commands.addCommand(CommandIDs.exportNotebook, {
      label: trans.__('Export Blocks to Notebook'),
      caption: trans.__(
        'Save the generated code as a notebook with the same kernel'
      ),
      icon: args => (args['toolbar'] ? notebookIcon : undefined),
      isEnabled,
      execute: async args => {
        const widget = current(args);
        if (!widget) {
          return;
        }
        const path = await Private.exportNotebook(
          widget,
          serviceManager.contents,
          trans
        );
        if (path) {
          await commands.execute('docmanager:open', { path });
        }
      }
    });

    commands.addCommand(CommandIDs.exportScript, {
      label: trans.__('Export Blocks to Script'),
      caption: trans.__(
        'Save the generated code as a script (.py, .js or .lua)'
      ),
      icon: args => (args['toolbar'] ? fileIcon : undefined),
      isEnabled,
      execute: async args => {
        const widget = current(args);
        if (!widget) {
          return;
        }
        const path = await Private.exportScript(
          widget,
          serviceManager.contents,
          trans
        );
        if (path) {
          await commands.execute('docmanager:open', { path });
        }
      }
    });

    // Blockly's own undo stack; Ctrl+Z and Ctrl+Shift+Z are Blockly's too,
    // so these commands have no key bindings.
    for (const redo of [false, true]) {
      commands.addCommand(redo ? CommandIDs.redo : CommandIDs.undo, {
        label: redo ? trans.__('Redo') : trans.__('Undo'),
        caption: redo
          ? trans.__('Redo the last undone block edit')
          : trans.__('Undo the last block edit'),
        isEnabled: () =>
          isEnabled() && !!tracker.currentWidget?.content.canUndo(redo),
        execute: args => {
          current(args)?.content.undo(redo);
        }
      });
    }

    if (mainMenu) {
      // Edit › Undo, Redo and Clear act on the current Blockly editor. Blockly
      // has no multiple selection, so there is nothing for Select All.
      const isEditor = (widget: Widget | null) =>
        widget !== null && tracker.has(widget);
      const { editMenu } = mainMenu;
      editMenu.undoers.undo.add({ id: CommandIDs.undo, isEnabled: isEditor });
      editMenu.undoers.redo.add({ id: CommandIDs.redo, isEnabled: isEditor });
      editMenu.clearers.clearCurrent.add({
        id: CommandIDs.clearOutput,
        isEnabled: isEditor
      });
    }

    tracker.currentChanged.connect(() => {
      for (const id of Private.EDITOR_COMMANDS) {
        commands.notifyCommandChanged(id);
      }
    });

    if (launcher) {
      launcher.add({
        command: CommandIDs.createNew,
        category: trans.__('Other'),
        rank: 1,
        args: { isLauncher: true }
      });
    }

    if (palette) {
      const category = trans.__('Blockly Editor');
      palette.addItem({
        command: CommandIDs.createNew,
        category,
        args: { isPalette: true }
      });
      for (const command of Private.EDITOR_COMMANDS) {
        palette.addItem({ command, category });
      }
    }
  }
};

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * The commands that act on the current editor.
   */
  export const EDITOR_COMMANDS = [
    CommandIDs.run,
    CommandIDs.interrupt,
    CommandIDs.restart,
    CommandIDs.shutdown,
    CommandIDs.clearOutput,
    CommandIDs.copyCode,
    CommandIDs.exportNotebook,
    CommandIDs.exportScript,
    CommandIDs.undo,
    CommandIDs.redo
  ];

  /**
   * The browser's languages, best first, for JupyterLab's `default`.
   */
  export function browserLanguages(): string[] {
    if (typeof navigator === 'undefined') {
      return [];
    }
    return [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  }

  /**
   * The editor's own toolbar items, in their default order (the editor's
   * settings schema gives the same order as ranks).
   */
  export const TOOLBAR_ITEMS = [
    'save',
    'run',
    'interrupt',
    'restart',
    'clear',
    'copy',
    'toolbox',
    'kernelName',
    'kernelStatus'
  ];

  export interface IToolbarOptions {
    commands: JupyterFrontEnd['commands'];
    registry: IBlocklyRegistry;
    dialogs: ISessionContextDialogs;
    translator: ITranslator;
    trans: TranslationBundle;
  }

  /**
   * One of the editor's toolbar items.
   */
  export function toolbarItem(
    name: string,
    widget: BlocklyEditor,
    options: IToolbarOptions
  ): Widget {
    const { commands, registry, dialogs, translator } = options;
    const button = (id: string, args: ReadonlyPartialJSONObject = {}) =>
      new CommandToolbarButton({
        commands,
        id,
        args: { toolbar: true, ...args },
        label: ''
      });
    switch (name) {
      case 'save':
        return button('docmanager:save');
      case 'run':
        return button(CommandIDs.run);
      case 'interrupt':
        return button(CommandIDs.interrupt);
      case 'restart':
        return button(CommandIDs.restart);
      case 'clear':
        return button(CommandIDs.clearOutput);
      case 'copy':
        return button(CommandIDs.copyCode);
      case 'toolbox':
        return new ToolboxSelect(widget, registry, options.trans);
      case 'kernelName':
        return Toolbar.createKernelNameItem(
          widget.context.sessionContext,
          dialogs,
          translator
        );
      case 'kernelStatus':
        return Toolbar.createKernelStatusItem(
          widget.context.sessionContext,
          translator
        );
      default:
        throw new Error(`No Blockly editor toolbar item "${name}".`);
    }
  }

  /**
   * Fill an editor's toolbar without the settings registry.
   */
  export function populateToolbar(
    widget: BlocklyEditor,
    options: IToolbarOptions
  ): void {
    for (const name of TOOLBAR_ITEMS) {
      if (name === 'kernelName') {
        widget.toolbar.addItem('spacer', Toolbar.createSpacerItem());
      }
      widget.toolbar.addItem(name, toolbarItem(name, widget, options));
    }
  }

  /**
   * The toolbox picker: the registered toolboxes by label; the choice is
   * saved in the document.
   */
  export class ToolboxSelect extends Widget {
    constructor(
      private readonly _editor: BlocklyEditor,
      private readonly _registry: IBlocklyRegistry,
      trans: TranslationBundle
    ) {
      super({ node: document.createElement('div') });
      this.addClass('jp-LtilabBlockly-toolboxSelect');
      this.addClass('jp-HTMLSelect');
      this.addClass('jp-DefaultStyle');
      this._select = document.createElement('select');
      this._select.setAttribute('aria-label', trans.__('Toolbox'));
      this._select.title = trans.__('Toolbox');
      this.node.appendChild(this._select);
      this._select.addEventListener('change', () => {
        this._editor.content.toolboxId = this._select.value;
      });
      this._registry.changed.connect(this._render, this);
      this._editor.content.loaded.connect(this._render, this);
      this._render();
    }

    dispose(): void {
      this._registry.changed.disconnect(this._render, this);
      super.dispose();
    }

    private _render(): void {
      const selected = this._editor.content.toolboxId;
      this._select.textContent = '';
      const toolboxes = [...this._registry.toolboxes];
      if (!toolboxes.some(toolbox => toolbox.id === selected)) {
        // A toolbox from an add-on that is not installed: keep its id.
        toolboxes.push({
          id: selected,
          label: selected,
          toolbox: { kind: 'categoryToolbox', contents: [] }
        });
      }
      for (const toolbox of toolboxes) {
        const option = document.createElement('option');
        option.value = toolbox.id;
        option.textContent = toolbox.label;
        option.selected = toolbox.id === selected;
        this._select.appendChild(option);
      }
    }

    private _select: HTMLSelectElement;
  }

  /**
   * Run the program: send the generated code to the kernel and render the
   * IOPub messages into the output area.
   */
  export async function run(
    widget: BlocklyEditor,
    dialogs: ISessionContextDialogs,
    trans: TranslationBundle,
    clearOutput: boolean
  ): Promise<void> {
    const content = widget.content;
    const sessionContext = widget.context.sessionContext;
    const result = content.generate();
    if (result.error) {
      Notification.error(result.error, { autoClose: 5000 });
      return;
    }
    const kernel = sessionContext.session?.kernel;
    if (!kernel) {
      if (sessionContext.hasNoKernel) {
        await dialogs.selectKernel(sessionContext);
      }
      return;
    }
    if (kernel.status === 'dead') {
      content.side.currentWidget = content.side.widgets[1];
      Notification.error(
        trans.__('The kernel has died. Restart it to run the program.'),
        {
          autoClose: 8000,
          actions: [
            {
              label: trans.__('Restart Kernel'),
              callback: () => void content.restartKernel()
            }
          ]
        }
      );
      return;
    }
    const outputArea = content.outputArea;
    if (clearOutput) {
      outputArea.model.clear();
    }
    content.side.currentWidget = content.side.widgets[1];
    const future = kernel.requestExecute({
      // The runtimes once, then the program: it runs in a stock kernel.
      code: runnableCode(result),
      stop_on_error: true,
      allow_stdin: true
    });
    outputArea.future = future;
    try {
      await future.done;
    } catch (reason) {
      // A kernel that dies or restarts mid-run ends the future.
      console.warn('ltilab-blockly: the run ended early', reason);
    }
  }

  /**
   * Export the generated code as a notebook with one code cell and the
   * document's kernel.
   */
  export async function exportNotebook(
    widget: BlocklyEditor,
    contents: Contents.IManager,
    trans: TranslationBundle
  ): Promise<string | null> {
    const result = widget.content.generate();
    if (result.error) {
      Notification.error(result.error, { autoClose: 5000 });
      return null;
    }
    const spec = await widget.context.sessionContext.session?.kernel?.spec;
    const language = widget.content.language;
    const metadata: { [key: string]: unknown } = {
      language_info: { name: language }
    };
    if (spec) {
      metadata.kernelspec = {
        name: spec.name,
        display_name: spec.display_name,
        language: spec.language
      };
    }
    const target = await pathBeside(
      contents,
      widget.context.path,
      '',
      '.ipynb'
    );
    await contents.save(target, {
      type: 'notebook',
      format: 'json',
      content: {
        // The runtimes get their own first cell, so the program's cell reads
        // as in the Code tab and the notebook still runs in a stock kernel.
        cells: (result.runtime
          ? [result.runtime, result.program]
          : [result.program]
        ).map(source => ({
          cell_type: 'code',
          execution_count: null,
          metadata: {},
          outputs: [],
          source
        })),
        metadata,
        nbformat: 4,
        nbformat_minor: 5
      }
    });
    Notification.success(trans.__('Exported to %1', target), {
      autoClose: 3000
    });
    return target;
  }

  /**
   * Export the generated code as a script in the kernel's language.
   */
  export async function exportScript(
    widget: BlocklyEditor,
    contents: Contents.IManager,
    trans: TranslationBundle
  ): Promise<string | null> {
    const result = widget.content.generate();
    if (result.error) {
      Notification.error(result.error, { autoClose: 5000 });
      return null;
    }
    const ext = SCRIPT_EXTENSIONS[widget.content.language] ?? '.txt';
    const target = await pathBeside(contents, widget.context.path, '', ext);
    await contents.save(target, {
      type: 'file',
      format: 'text',
      content: runnableCode(result)
    });
    Notification.success(trans.__('Exported to %1', target), {
      autoClose: 3000
    });
    return target;
  }
}

export default [
  registryPlugin,
  editorPlugin
] as JupyterFrontEndPlugin<unknown>[];
