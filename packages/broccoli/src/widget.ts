/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import * as Blockly from 'blockly';
import { type ISessionContext } from '@jupyterlab/apputils';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import {
  ABCWidgetFactory,
  type DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { Kernel } from '@jupyterlab/services';
import {
  type ITranslator,
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { type ISignal, Signal } from '@lumino/signaling';
import { Panel, SplitPanel, TabPanel, Widget } from '@lumino/widgets';

import {
  contentBlockTypes,
  type IJpblocklyContent,
  type IKernelspecMetadata,
  JpblocklyFormatError,
  loadWorkspace,
  parseJpblockly,
  readLtilabMetadata,
  saveWorkspace,
  serializeJpblockly
} from './format';
import { generateCode, type IGenerateResult } from './generate';
import type { IBlocklyRegistry } from './tokens';
import { createBlocklyTheme } from './theme';
import {
  DEFAULT_TOOLBOX_ID,
  restrictToolbox,
  toolboxForBlocks
} from './toolbox';

/**
 * The name of the editor's widget factory.
 */
export const BLOCKLY_FACTORY = 'Blockly Editor';

/**
 * The name of the `.jpblockly` file type.
 */
export const BLOCKLY_FILE_TYPE = 'blockly';

/**
 * The file extension of the scripts exported for each generator language.
 */
export const SCRIPT_EXTENSIONS: { readonly [language: string]: string } = {
  python: '.py',
  javascript: '.js',
  lua: '.lua'
};

/**
 * The content of a Blockly editor: the workspace on the left, and on the
 * right a side area with the generated code and the kernel's output.
 *
 * #### Notes
 * The document model is JupyterLab's text model. Every non-UI Blockly event
 * writes the serialised workspace into it (debounced), so dirty state, save,
 * autosave, revert and the close prompt are JupyterLab's own. External
 * changes of the model (revert, a reload from disk) reload the workspace.
 * A file that cannot be read is shown as an error and never written.
 */
export class BlocklyPanel extends SplitPanel {
  /**
   * Construct a new Blockly panel.
   */
  constructor(options: BlocklyPanel.IOptions) {
    super({ orientation: 'horizontal', spacing: 4 });
    this.addClass('jp-LtilabBlockly');
    this._context = options.context;
    this._registry = options.registry;
    this._translator = options.translator ?? nullTranslator;
    this._trans = this._translator.load('ltilab');
    this._inject = options.inject ?? Private.inject;
    this._saveDelay = options.saveDelay ?? 300;
    this._generateDelay = options.generateDelay ?? 250;
    this._dark = options.dark ?? false;
    this._media = options.media;
    const trans = this._trans;

    this._host = new Private.WorkspaceHost(() => this._onHostChanged());
    this._host.addClass('jp-LtilabBlockly-workspace');

    this._errorView = new Widget();
    this._errorView.addClass('jp-LtilabBlockly-error');
    this._errorView.node.setAttribute('role', 'alert');
    this._errorView.hide();

    // The code view: a read-only editor from the app, else a <pre>.
    if (options.editorFactory) {
      this._codeModel = new CodeEditor.Model({
        mimeType: Private.mimeType('python')
      });
      this._codeView = new CodeEditorWrapper({
        factory: options.editorFactory,
        model: this._codeModel,
        editorOptions: { config: { readOnly: true, lineNumbers: true } }
      });
    } else {
      this._codeView = new Widget({ node: document.createElement('pre') });
    }
    this._codeView.addClass('jp-LtilabBlockly-code');
    this._codeView.title.label = trans.__('Code');

    this._outputArea = new OutputArea({
      model: new OutputAreaModel({ trusted: true }),
      rendermime: options.rendermime,
      translator: this._translator
    });
    this._outputArea.addClass('jp-LtilabBlockly-outputArea');
    this._kernelNotice = new Private.KernelNotice(trans, () => {
      void this.restartKernel();
    });
    this._output = new Panel();
    this._output.addClass('jp-LtilabBlockly-output');
    this._output.title.label = trans.__('Output');
    this._output.addWidget(this._kernelNotice);
    this._output.addWidget(this._outputArea);

    this._side = new TabPanel();
    this._side.addClass('jp-LtilabBlockly-side');
    this._side.addWidget(this._codeView);
    this._side.addWidget(this._output);

    this.addWidget(this._errorView);
    this.addWidget(this._host);
    this.addWidget(this._side);
    SplitPanel.setStretch(this._host, 3);
    SplitPanel.setStretch(this._side, 2);
    SplitPanel.setStretch(this._errorView, 1);

    const context = this._context;
    this._preferKernel(context.model.toString());
    context.model.contentChanged.connect(this._onModelChanged, this);
    context.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    context.sessionContext.statusChanged.connect(this._onStatusChanged, this);
    this._registry.changed.connect(this._onRegistryChanged, this);
    void context.ready.then(() => {
      if (this.isDisposed) {
        return;
      }
      this._ready = true;
      this._reloadFromModel();
      this._onKernelChanged();
    });
  }

  /**
   * The document context.
   */
  get context(): DocumentRegistry.IContext<DocumentRegistry.ICodeModel> {
    return this._context;
  }

  /**
   * The Blockly workspace, once injected.
   */
  get workspace(): Blockly.Workspace | null {
    return this._workspace;
  }

  /**
   * The output area the program's outputs are rendered into.
   */
  get outputArea(): OutputArea {
    return this._outputArea;
  }

  /**
   * The side area's tabs: the code view, then the output.
   */
  get side(): TabPanel {
    return this._side;
  }

  /**
   * The message shown if the file could not be read, or `null`.
   */
  get loadError(): string | null {
    return this._loadError;
  }

  /**
   * The language the code is generated for, from the kernel.
   */
  get language(): string {
    return this._language;
  }

  /**
   * The last generated code, as shown in the code view: runtimes stand as
   * comments in it (use `runnableCode(panel.generate())` to run it).
   */
  get code(): string {
    return this._lastResult?.code ?? '';
  }

  /**
   * A signal emitted when the code was generated again.
   */
  get codeChanged(): ISignal<this, IGenerateResult> {
    return this._codeChanged;
  }

  /**
   * A signal emitted when the workspace was loaded from the model.
   */
  get loaded(): ISignal<this, void> {
    return this._loaded;
  }

  /**
   * The id of the document's toolbox, saved in `metadata.ltilab.toolbox`.
   */
  get toolboxId(): string {
    return this._toolboxId;
  }
  set toolboxId(id: string) {
    if (id === this._toolboxId) {
      return;
    }
    this._toolboxId = id;
    this._updateToolbox();
    this._writeModel();
  }

  /**
   * Whether JupyterLab's theme is dark; the Blockly theme follows.
   */
  get dark(): boolean {
    return this._dark;
  }
  set dark(value: boolean) {
    this._dark = value;
    this.refreshTheme();
  }

  /**
   * Apply the Blockly theme for the current JupyterLab theme again, e.g.
   * after JupyterLab's theme changed.
   */
  refreshTheme(): void {
    if (this._workspace instanceof Blockly.WorkspaceSvg) {
      this._workspace.setTheme(createBlocklyTheme(this._dark));
    }
  }

  /**
   * Generate the code now, show it and mark the blocks without a generator.
   *
   * @returns The result of `generateCode`; it never throws.
   */
  generate(): IGenerateResult {
    this._clearTimer('generate');
    const workspace = this._workspace;
    const generator = this._registry.getGenerator(this._language);
    let result: IGenerateResult;
    if (!workspace) {
      result = { code: '', program: '', runtime: '', missing: [], error: null };
    } else if (!generator) {
      result = {
        code: '',
        program: '',
        runtime: '',
        missing: [],
        error: this._trans.__(
          'Blocks cannot be turned into %1 code. Choose a Python, JavaScript or Lua kernel.',
          this._language
        )
      };
    } else {
      result = generateCode(workspace, generator, { trans: this._trans });
    }
    this._lastResult = result;
    this._showCode(result);
    this._markMissing(result);
    this._codeChanged.emit(result);
    return result;
  }

  /**
   * Restart the kernel, or start a new one if it is dead or missing.
   */
  async restartKernel(): Promise<void> {
    const sessionContext = this._context.sessionContext;
    const kernel = sessionContext.session?.kernel;
    if (!kernel || kernel.status === 'dead') {
      const name = kernel?.name ?? sessionContext.kernelPreference.name;
      if (kernel) {
        // When its restarts fail, the server forgets the kernel and then its
        // session, which can no longer change kernels: end it (a session
        // already gone is fine) and start a new one.
        await sessionContext.shutdown().catch(reason => {
          console.warn('ltilab-blockly: ending the dead session', reason);
        });
      }
      await sessionContext.changeKernel(name ? { name } : {});
    } else {
      await sessionContext.restartKernel();
    }
  }

  /**
   * Undo or redo the last block edit.
   */
  undo(redo = false): void {
    this._workspace?.undo(redo);
  }

  /**
   * Whether there is a block edit to undo, or to redo.
   */
  canUndo(redo = false): boolean {
    const workspace = this._workspace;
    if (!workspace || this._loadError !== null) {
      return false;
    }
    return (
      (redo ? workspace.getRedoStack() : workspace.getUndoStack()).length > 0
    );
  }

  /**
   * Dispose of the panel and its workspace.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clearTimer('save');
    this._clearTimer('generate');
    this._clearTimer('reload');
    this._workspace?.dispose();
    this._workspace = null;
    this._codeModel?.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  /**
   * Inject the workspace on the first attach, then keep its size in step.
   */
  private _onHostChanged(): void {
    if (this.isDisposed || !this._host.isAttached) {
      return;
    }
    if (!this._workspace) {
      this._createWorkspace();
    }
    if (this._workspace instanceof Blockly.WorkspaceSvg) {
      Blockly.svgResize(this._workspace);
    }
  }

  /**
   * Create the workspace, once.
   */
  private _createWorkspace(): void {
    const workspace = this._inject(this._host.node, {
      toolbox: this._toolboxDefinition(),
      theme: createBlocklyTheme(this._dark),
      ...(this._media ? { media: this._media } : {}),
      trashcan: true,
      zoom: { controls: true, wheel: true, startScale: 1 },
      move: { scrollbars: true, drag: true, wheel: false },
      grid: { spacing: 20, length: 3, colour: '#ccc', snap: true }
    });
    this._workspace = workspace;
    workspace.addChangeListener(this._onWorkspaceEvent);
    if (this._ready) {
      this._reloadFromModel(true);
    }
  }

  /**
   * Handle a Blockly event: only non-UI events change the document.
   */
  private _onWorkspaceEvent = (event: Blockly.Events.Abstract): void => {
    if (event.isUiEvent || this._loadError !== null) {
      return;
    }
    this._schedule('save', this._saveDelay, () => this._writeModel());
    this._scheduleGenerate();
  };

  /**
   * Generate after a pause, and never while a block is dragged.
   */
  private _scheduleGenerate(): void {
    this._schedule('generate', this._generateDelay, () => {
      const workspace = this._workspace;
      if (workspace instanceof Blockly.WorkspaceSvg && workspace.isDragging()) {
        this._scheduleGenerate();
        return;
      }
      this.generate();
    });
  }

  /**
   * Write the workspace into the document model.
   */
  private _writeModel(): void {
    this._clearTimer('save');
    const workspace = this._workspace;
    if (!workspace || this._loadError !== null || !this._ready) {
      return;
    }
    const content = saveWorkspace(workspace, {
      previous: this._content,
      kernelspec: this._kernelspec ?? undefined,
      ltilab: { toolbox: this._toolboxId }
    });
    const text = serializeJpblockly(content);
    this._content = content;
    this._lastText = text;
    const current = this._context.model.toString();
    if (text !== current) {
      // Replace only what changed; `updateSource` also marks the document
      // dirty, as typing in the file editor does.
      const { start, end, insert } = Private.diff(current, text);
      this._context.model.sharedModel.updateSource(start, end, insert);
    }
  }

  /**
   * Handle a change of the document model.
   */
  private _onModelChanged(): void {
    const text = this._context.model.toString();
    if (!this._ready) {
      // The first population: start the kernel the file asks for.
      this._preferKernel(text);
      return;
    }
    if (text === this._lastText) {
      return;
    }
    // Not our own write: revert, a reload from disk or a collaborator.
    this._schedule('reload', 0, () => this._reloadFromModel());
  }

  /**
   * Load the workspace from the document model.
   *
   * @param force - Load even if the text is what the editor last wrote.
   */
  private _reloadFromModel(force = false): void {
    this._clearTimer('reload');
    const text = this._context.model.toString();
    if (!force && text === this._lastText && this._workspace) {
      return;
    }
    let content: IJpblocklyContent;
    try {
      content = parseJpblockly(text, { trans: this._trans });
    } catch (error) {
      this._showError(error);
      return;
    }
    this._content = content;
    this._lastText = text;
    const metadata = readLtilabMetadata(content);
    // A file that stores no toolbox (jupyterlab-broccoli's) gets one that
    // offers its blocks; it is saved with the next edit, not on opening.
    this._toolboxId =
      content.metadata?.ltilab?.toolbox ??
      toolboxForBlocks(this._registry.toolboxes, contentBlockTypes(content));
    this._allowedBlocks = metadata.allowedBlocks ?? null;
    if (content.metadata?.kernelspec?.language && !this._kernelLanguage) {
      this._language = content.metadata.kernelspec.language.toLowerCase();
    }
    const workspace = this._workspace;
    if (!workspace) {
      // Loaded when the workspace is injected on first attach.
      this._hideError();
      return;
    }
    this._clearTimer('save');
    Blockly.Events.disable();
    try {
      workspace.clear();
      loadWorkspace(workspace, content, {
        trans: this._trans,
        isKnown: type => this._registry.hasBlock(type)
      });
    } catch (error) {
      workspace.clear();
      this._showError(error);
      return;
    } finally {
      Blockly.Events.enable();
    }
    workspace.clearUndo();
    this._hideError();
    this._updateToolbox();
    this.generate();
    this._loaded.emit();
  }

  /**
   * Show why the file cannot be opened. The model is never written while
   * the error is shown.
   */
  private _showError(error: unknown): void {
    const message =
      error instanceof JpblocklyFormatError
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
    this._loadError = message;
    this._clearTimer('save');
    const node = this._errorView.node;
    node.textContent = '';
    const title = document.createElement('h2');
    title.textContent = this._trans.__('This block file cannot be opened');
    const detail = document.createElement('p');
    detail.className = 'jp-LtilabBlockly-errorMessage';
    detail.textContent = message;
    const hint = document.createElement('p');
    hint.textContent = this._trans.__(
      'The file is left unchanged. Fix it in a text editor (Open With › Editor), then reopen it.'
    );
    node.append(title, detail, hint);
    this._errorView.show();
    this._host.hide();
    this._side.hide();
  }

  /**
   * Hide the error view again.
   */
  private _hideError(): void {
    this._loadError = null;
    this._errorView.hide();
    this._host.show();
    this._side.show();
  }

  /**
   * The toolbox definition for the document: its registered toolbox (or the
   * default one), restricted to the allowed blocks.
   */
  private _toolboxDefinition(): Blockly.utils.toolbox.ToolboxInfo {
    const entry =
      this._registry.getToolbox(this._toolboxId) ??
      this._registry.getToolbox(DEFAULT_TOOLBOX_ID);
    const toolbox = entry?.toolbox ?? { kind: 'categoryToolbox', contents: [] };
    return this._allowedBlocks
      ? restrictToolbox(toolbox, this._allowedBlocks)
      : toolbox;
  }

  /**
   * Show the document's toolbox in the workspace.
   */
  private _updateToolbox(): void {
    const workspace = this._workspace;
    if (workspace instanceof Blockly.WorkspaceSvg) {
      workspace.updateToolbox(this._toolboxDefinition());
    }
  }

  /**
   * Handle a registry change: refresh the toolbox, re-render after a locale
   * change, and regenerate.
   */
  private _onRegistryChanged(
    _: IBlocklyRegistry,
    change: IBlocklyRegistry.IChange
  ): void {
    const workspace = this._workspace;
    if (!workspace || this._loadError !== null) {
      return;
    }
    if (change.kind === 'locale' || change.kind === 'messages') {
      // Messages are resolved when blocks are created: create them again.
      const state = Blockly.serialization.workspaces.save(workspace);
      Blockly.Events.disable();
      try {
        workspace.clear();
        Blockly.serialization.workspaces.load(state, workspace, {
          recordUndo: false
        });
      } finally {
        Blockly.Events.enable();
      }
    }
    if (change.kind !== 'generators' && change.kind !== 'runtimes') {
      this._updateToolbox();
    }
    this._scheduleGenerate();
  }

  /**
   * Set the kernel preference from the file's kernelspec, before the
   * session starts.
   */
  private _preferKernel(text: string): void {
    const sessionContext = this._context.sessionContext;
    if (sessionContext.session) {
      return;
    }
    let name: string | undefined;
    try {
      name = parseJpblockly(text).metadata?.kernelspec?.name;
    } catch {
      // Shown as an error once the context is ready.
    }
    // Files without a kernelspec (new files, upstream jupyterlab-blockly
    // files) start the default kernel rather than asking.
    sessionContext.kernelPreference = name
      ? { ...sessionContext.kernelPreference, name }
      : { ...sessionContext.kernelPreference, autoStartDefault: true };
  }

  /**
   * Follow the kernel: its language picks the generator, and its spec is
   * saved with the next change.
   */
  private _onKernelChanged(): void {
    const kernel = this._context.sessionContext.session?.kernel ?? null;
    this._kernelNotice.hide();
    if (!kernel) {
      return;
    }
    void kernel.spec.then(spec => {
      if (this.isDisposed || !spec || this._currentKernel() !== kernel) {
        return;
      }
      this._kernelLanguage = spec.language.toLowerCase();
      this._language = this._kernelLanguage;
      this._kernelspec = {
        name: spec.name,
        display_name: spec.display_name,
        language: spec.language
      };
      if (this._codeModel) {
        this._codeModel.mimeType = Private.mimeType(this._language);
      }
      this.generate();
      if (kernel.status === 'unknown') {
        // JupyterLab ignores the status messages of the messages the server
        // lists as untracked (page config `untracked_message_types`, which
        // includes the kernel_info request sent on connect), so a fresh
        // connection shows "Unknown" until something runs. Ask for one
        // history entry, as JupyterLab's console does on connect: its
        // busy/idle pair reports the real status, and unlike an (empty)
        // execute request it runs nothing and adds no execute_reply that
        // activity or learning logs would count.
        void kernel
          .requestHistory({
            output: false,
            raw: true,
            hist_access_type: 'tail',
            n: 1
          })
          .catch(() => {
            // Only the status matters; kernels without history still report it.
          });
      }
    });
  }

  /**
   * Say when the kernel died: restarted by the server (a message in the
   * output), or dead for good (a message and a restart button).
   */
  private _onStatusChanged(
    _: ISessionContext,
    status: Kernel.Status | ''
  ): void {
    if (status === 'dead') {
      this._kernelNotice.show();
      this._side.currentWidget = this._output;
    } else if (status === 'autorestarting' && !this._autorestarting) {
      // The kernel process died (a crash, memory, `os._exit`) and the server
      // restarts it: say so where the program's output is, as a notebook's
      // dialog does, since its variables and imports are gone.
      this._autorestarting = true;
      this._outputArea.model.add({
        output_type: 'stream',
        name: 'stderr',
        text:
          this._trans.__(
            'The kernel died and is being restarted. Its variables are lost: run the program again.'
          ) + '\n'
      });
      this._side.currentWidget = this._output;
    }
    if (status === 'idle' || status === 'busy') {
      // Back (or never gone): the next death gets its own message. Failed
      // restarts go through other states and are one story.
      this._autorestarting = false;
      this._kernelNotice.hide();
    }
  }

  private _currentKernel(): Kernel.IKernelConnection | null {
    return this._context.sessionContext.session?.kernel ?? null;
  }

  /**
   * Show generated code in the code view.
   */
  private _showCode(result: IGenerateResult): void {
    const text = result.error ? `${result.error}\n` : result.code;
    if (this._codeModel) {
      if (this._codeModel.sharedModel.getSource() !== text) {
        this._codeModel.sharedModel.setSource(text);
      }
    } else {
      this._codeView.node.textContent = text;
    }
    this._codeView.toggleClass('jp-mod-error', result.error !== null);
  }

  /**
   * Mark the blocks that have no generator, and unmark the others.
   */
  private _markMissing(result: IGenerateResult): void {
    const workspace = this._workspace;
    if (!(workspace instanceof Blockly.WorkspaceSvg)) {
      return;
    }
    const marked = new Map(result.missing.map(m => [m.blockId, m.message]));
    Blockly.Events.disable();
    try {
      for (const id of this._marked) {
        if (!marked.has(id)) {
          (
            workspace.getBlockById(id) as Blockly.BlockSvg | null
          )?.setWarningText(null, Private.WARNING_ID);
        }
      }
      for (const [id, message] of marked) {
        (workspace.getBlockById(id) as Blockly.BlockSvg | null)?.setWarningText(
          message,
          Private.WARNING_ID
        );
      }
    } finally {
      Blockly.Events.enable();
    }
    this._marked = new Set(marked.keys());
  }

  private _schedule(
    name: 'save' | 'generate' | 'reload',
    delay: number,
    callback: () => void
  ): void {
    this._clearTimer(name);
    this._timers[name] = window.setTimeout(() => {
      delete this._timers[name];
      if (!this.isDisposed) {
        callback();
      }
    }, delay);
  }

  private _clearTimer(name: 'save' | 'generate' | 'reload'): void {
    const timer = this._timers[name];
    if (timer !== undefined) {
      window.clearTimeout(timer);
      delete this._timers[name];
    }
  }

  private _allowedBlocks: ReadonlyArray<string> | null = null;
  private _autorestarting = false;
  private _codeChanged = new Signal<this, IGenerateResult>(this);
  private _codeModel: CodeEditor.IModel | null = null;
  private _codeView: Widget;
  private _content: IJpblocklyContent = {};
  private _context: DocumentRegistry.IContext<DocumentRegistry.ICodeModel>;
  private _dark: boolean;
  private _errorView: Widget;
  private _generateDelay: number;
  private _host: Private.WorkspaceHost;
  private _inject: BlocklyPanel.InjectFunction;
  private _kernelLanguage = '';
  private _kernelNotice: Private.KernelNotice;
  private _kernelspec: IKernelspecMetadata | null = null;
  private _language = 'python';
  private _lastResult: IGenerateResult | null = null;
  private _lastText: string | null = null;
  private _loadError: string | null = null;
  private _loaded = new Signal<this, void>(this);
  private _marked = new Set<string>();
  private _media: string | undefined;
  private _output: Panel;
  private _outputArea: OutputArea;
  private _ready = false;
  private _registry: IBlocklyRegistry;
  private _saveDelay: number;
  private _side: TabPanel;
  private _timers: { [name: string]: number } = {};
  private _toolboxId = DEFAULT_TOOLBOX_ID;
  private _trans: TranslationBundle;
  private _translator: ITranslator;
  private _workspace: Blockly.Workspace | null = null;
}

/**
 * A namespace for `BlocklyPanel` statics.
 */
export namespace BlocklyPanel {
  /**
   * Creates the workspace in its host element.
   */
  export type InjectFunction = (
    host: HTMLElement,
    options: Blockly.BlocklyOptions
  ) => Blockly.Workspace;

  /**
   * The options used to create a Blockly panel.
   */
  export interface IOptions {
    /**
     * The document context, with JupyterLab's text model.
     */
    context: DocumentRegistry.IContext<DocumentRegistry.ICodeModel>;

    /**
     * The block registry.
     */
    registry: IBlocklyRegistry;

    /**
     * The app's rendermime registry, for the outputs.
     */
    rendermime: IRenderMimeRegistry;

    /**
     * The factory of the read-only code view (`IEditorServices`); a plain
     * `<pre>` when absent.
     */
    editorFactory?: CodeEditor.Factory;

    /**
     * The translator.
     */
    translator?: ITranslator;

    /**
     * Whether JupyterLab's theme is dark at creation.
     */
    dark?: boolean;

    /**
     * The URL of Blockly's media directory (sprites, cursors, sounds),
     * ending with `/`. Blockly's default is static.blockly.com, which an
     * offline classroom cannot reach.
     */
    media?: string;

    /**
     * How long to wait after an edit before writing the model (ms).
     */
    saveDelay?: number;

    /**
     * How long to wait after an edit before generating code (ms).
     */
    generateDelay?: number;

    /**
     * Creates the workspace; `Blockly.inject` by default. Tests pass a
     * headless workspace.
     */
    inject?: InjectFunction;
  }
}

/**
 * A Blockly document widget.
 */
export class BlocklyEditor extends DocumentWidget<
  BlocklyPanel,
  DocumentRegistry.ICodeModel
> {
  /**
   * Construct a new Blockly editor.
   */
  constructor(
    options: DocumentWidget.IOptions<BlocklyPanel, DocumentRegistry.ICodeModel>
  ) {
    super(options);
    this.addClass('jp-LtilabBlocklyEditor');
  }
}

/**
 * A widget factory for Blockly editors.
 */
export class BlocklyEditorFactory extends ABCWidgetFactory<
  BlocklyEditor,
  DocumentRegistry.ICodeModel
> {
  /**
   * Construct a new factory.
   */
  constructor(options: BlocklyEditorFactory.IOptions) {
    super(options);
    this._panelOptions = options;
  }

  /**
   * Whether new editors are created with the dark Blockly theme.
   */
  dark = false;

  /**
   * Create a new editor for a context.
   */
  protected createNewWidget(
    context: DocumentRegistry.IContext<DocumentRegistry.ICodeModel>
  ): BlocklyEditor {
    const { registry, rendermime, editorFactory, inject, media } =
      this._panelOptions;
    const content = new BlocklyPanel({
      context,
      registry,
      rendermime,
      editorFactory,
      inject,
      media,
      translator: this.translator,
      dark: this.dark
    });
    return new BlocklyEditor({ context, content });
  }

  private _panelOptions: BlocklyEditorFactory.IOptions;
}

/**
 * A namespace for `BlocklyEditorFactory` statics.
 */
export namespace BlocklyEditorFactory {
  /**
   * The options used to create the factory.
   */
  export interface IOptions
    extends
      DocumentRegistry.IWidgetFactoryOptions<BlocklyEditor>,
      Pick<
        BlocklyPanel.IOptions,
        'registry' | 'rendermime' | 'editorFactory' | 'inject' | 'media'
      > {}
}

/**
 * A namespace for private module helpers.
 */
namespace Private {
  /**
   * The id of the warning that marks blocks without a generator.
   */
  export const WARNING_ID = 'ltilab-missing-generator';

  /**
   * Inject a rendered workspace.
   */
  export function inject(
    host: HTMLElement,
    options: Blockly.BlocklyOptions
  ): Blockly.Workspace {
    return Blockly.inject(host, options);
  }

  /**
   * The smallest single replacement that turns `before` into `after`.
   */
  export function diff(
    before: string,
    after: string
  ): { start: number; end: number; insert: string } {
    let start = 0;
    const max = Math.min(before.length, after.length);
    while (start < max && before[start] === after[start]) {
      start++;
    }
    let tail = 0;
    while (
      tail < max - start &&
      before[before.length - 1 - tail] === after[after.length - 1 - tail]
    ) {
      tail++;
    }
    return {
      start,
      end: before.length - tail,
      insert: after.slice(start, after.length - tail)
    };
  }

  /**
   * The code view's MIME type for a language.
   */
  export function mimeType(language: string): string {
    switch (language) {
      case 'javascript':
        return 'text/javascript';
      case 'lua':
        return 'text/x-lua';
      default:
        return 'text/x-python';
    }
  }

  /**
   * The element Blockly is injected into; it reports attach, show and
   * resize, so the workspace is created once and sized.
   */
  export class WorkspaceHost extends Widget {
    constructor(private readonly _changed: () => void) {
      super();
    }

    protected onAfterAttach(msg: Message): void {
      super.onAfterAttach(msg);
      this._changed();
    }

    protected onAfterShow(msg: Message): void {
      super.onAfterShow(msg);
      this._changed();
    }

    protected onResize(msg: Widget.ResizeMessage): void {
      super.onResize(msg);
      this._changed();
    }
  }

  /**
   * The message shown when the kernel died, with a restart button.
   */
  export class KernelNotice extends Widget {
    constructor(trans: TranslationBundle, restart: () => void) {
      super();
      this.addClass('jp-LtilabBlockly-kernelDead');
      this.node.setAttribute('role', 'alert');
      const text = document.createElement('span');
      text.textContent = trans.__(
        'The kernel has died, so the program cannot run. Restart the kernel to run it again.'
      );
      const button = document.createElement('button');
      button.className = 'jp-Button jp-mod-styled jp-mod-accept';
      button.textContent = trans.__('Restart Kernel');
      button.addEventListener('click', restart);
      this.node.append(text, button);
      this.hide();
    }
  }
}
