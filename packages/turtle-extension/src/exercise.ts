/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { IOutputAreaModel } from '@jupyterlab/outputarea';
import type { Contents } from '@jupyterlab/services';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { IDisposable } from '@lumino/disposable';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import {
  BLOCKLY_FACTORY,
  type BlocklyEditor,
  contentBlockTypes,
  JPBLOCKLY_EXTENSION,
  parseJpblockly,
  saveWorkspace,
  serializeJpblockly,
  pathBeside
} from '@ltilab/broccoli';
import {
  createTurtleExercise,
  drawingToSvg,
  type ExerciseStart,
  instructionsFor,
  type ITurtleDrawing,
  type ITurtleExercise,
  parseDrawing,
  readTurtleExercise,
  TURTLE_MIME_TYPE,
  TurtleView
} from '@ltilab/turtle';

const CLASS = 'jp-LtilabTurtleExercise';

/**
 * Adds the exercise view to every Blockly editor: a widget extension, so it
 * needs no change to the editor and follows its life.
 */
export class TurtleExerciseExtension implements DocumentRegistry.IWidgetExtension<
  BlocklyEditor,
  DocumentRegistry.ICodeModel
> {
  constructor(private readonly _options: { translator: ITranslator }) {}

  createNew(editor: BlocklyEditor): IDisposable {
    return new ExerciseController(editor, this._options.translator);
  }
}

/**
 * Shows an exercise's instructions above the editor and its goal under each
 * turtle drawing of the editor's output, which then says whether it matches.
 */
export class ExerciseController implements IDisposable {
  constructor(editor: BlocklyEditor, translator: ITranslator) {
    this._editor = editor;
    this._trans = translator.load('ltilab');
    this._languageCode = translator.languageCode ?? 'en';
    this._banner = new ExerciseBanner(this._trans);
    this._banner.hide();
    editor.contentHeader.addWidget(this._banner);
    const panel = editor.content;
    panel.loaded.connect(this._update, this);
    panel.outputArea.model.changed.connect(this._applyGoal, this);
    editor.disposed.connect(() => this.dispose());
  }

  /**
   * The exercise of the document, once loaded; `null` if it poses none.
   */
  get exercise(): ITurtleExercise | null {
    return this._exercise;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    const panel = this._editor.content;
    panel.loaded.disconnect(this._update, this);
    panel.outputArea.model.changed.disconnect(this._applyGoal, this);
    this._banner.dispose();
  }

  /**
   * Read the exercise after each load of the document (open, revert).
   */
  private _update(): void {
    this._exercise = null;
    try {
      const content = parseJpblockly(this._editor.context.model.toString(), {
        trans: this._trans
      });
      this._exercise = readTurtleExercise(content);
      if (this._exercise) {
        this._banner.showExercise(
          instructionsFor(this._exercise.instructions, this._languageCode),
          this._exercise.goal
        );
      } else {
        this._banner.hide();
      }
    } catch (reason) {
      // The editor shows a file it cannot read; a bad goal is ours to say.
      this._banner.showError(
        this._trans.__(
          'This exercise cannot be checked: %1',
          (reason as Error).message
        )
      );
    }
    this._applyGoal();
  }

  /**
   * Give the goal to every turtle drawing in the output.
   */
  private _applyGoal(): void {
    const exercise = this._exercise;
    for (const view of Private.turtleViews(this._editor.content.outputArea)) {
      const goal = exercise?.goal ?? null;
      if (view.goal !== goal) {
        view.setGoal(goal, exercise?.tolerance);
      }
    }
  }

  private _banner: ExerciseBanner;
  private _editor: BlocklyEditor;
  private _exercise: ITurtleExercise | null = null;
  private _isDisposed = false;
  private _languageCode: string;
  private _trans: TranslationBundle;
}

/**
 * The banner above an exercise: its instructions and a small goal.
 */
class ExerciseBanner extends Widget {
  constructor(private readonly _trans: TranslationBundle) {
    super();
    this.addClass(CLASS);
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', _trans.__('Exercise'));
  }

  showExercise(instructions: string, goal: ITurtleDrawing): void {
    const trans = this._trans;
    this.removeClass('jp-mod-error');
    this.node.textContent = '';
    const text = document.createElement('div');
    text.className = `${CLASS}-text`;
    const title = document.createElement('h2');
    title.className = `${CLASS}-title`;
    title.textContent = trans.__('Exercise');
    const body = document.createElement('p');
    body.className = `${CLASS}-instructions`;
    // Plain text from the file: never parsed as markup.
    body.textContent =
      instructions ||
      trans.__('Draw the goal with blocks, then run your program.');
    const hint = document.createElement('p');
    hint.className = `${CLASS}-hint`;
    hint.textContent = trans.__(
      'After each run, the goal appears faintly under your drawing, with whether it matches.'
    );
    text.append(title, body, hint);
    const figure = document.createElement('figure');
    figure.className = `${CLASS}-goal`;
    const image = document.createElement('img');
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(drawingToSvg(goal))}`;
    image.alt = trans.__('Goal');
    const caption = document.createElement('figcaption');
    caption.textContent = trans.__('Goal');
    figure.append(image, caption);
    image.addEventListener('load', () => this._fitHeight());
    this.node.append(text, figure);
    this.show();
    this._fitHeight();
  }

  showError(message: string): void {
    this.addClass('jp-mod-error');
    this.node.textContent = message;
    this.show();
    this._fitHeight();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._fitHeight();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    if (msg.width >= 0 && msg.width !== this._width) {
      this._width = msg.width;
      this._fitHeight();
    }
  }

  /**
   * Ask for the height of the content. The document's header is a Lumino
   * box layout, which gives a widget its CSS minimum height and no more.
   */
  private _fitHeight(): void {
    if (!this.isAttached || this.isHidden) {
      return;
    }
    // The children's heights, not the node's: the layout sets the node's.
    const style = getComputedStyle(this.node);
    const frame = [
      'paddingTop',
      'paddingBottom',
      'borderTopWidth',
      'borderBottomWidth'
    ]
      .map(key => parseFloat(style[key as 'paddingTop']) || 0)
      .reduce((a, b) => a + b, 0);
    const content = Math.max(
      0,
      ...Array.from(this.node.children).map(
        child => (child as HTMLElement).offsetHeight
      )
    );
    const limit = Math.round(window.innerHeight * 0.3);
    this.node.style.minHeight = `${Math.ceil(Math.min(content + frame, limit))}px`;
    this.parent?.fit();
  }

  private _width = -1;
}

/**
 * What the "Save as Turtle Exercise" dialog asks.
 */
interface IExerciseForm {
  instructions: { [language: string]: string };
  allowedBlocks: string[];
  start: ExerciseStart;
}

/**
 * The body of the "Save as Turtle Exercise" dialog.
 */
class ExerciseForm extends Widget implements Dialog.IBodyWidget<IExerciseForm> {
  constructor(trans: TranslationBundle, allowed: ReadonlyArray<string>) {
    super();
    this.addClass(`${CLASS}-form`);
    const field = (label: string, control: HTMLElement) => {
      const wrapper = document.createElement('label');
      wrapper.className = `${CLASS}-field`;
      const span = document.createElement('span');
      span.textContent = label;
      wrapper.append(span, control);
      this.node.appendChild(wrapper);
    };
    const textarea = (name: string) => {
      const area = document.createElement('textarea');
      area.name = name;
      area.rows = 3;
      area.className = 'jp-mod-styled';
      return area;
    };
    this._ja = textarea('ja');
    this._en = textarea('en');
    field(trans.__('Instructions in Japanese'), this._ja);
    field(trans.__('Instructions in English'), this._en);
    this._allowed = document.createElement('input');
    this._allowed.name = 'allowedBlocks';
    this._allowed.className = 'jp-mod-styled';
    this._allowed.value = allowed.join(', ');
    field(
      trans.__(
        'Allowed blocks (block types, separated by commas; empty allows every block)'
      ),
      this._allowed
    );
    this._start = document.createElement('select');
    this._start.name = 'start';
    this._start.className = 'jp-mod-styled';
    const options: Array<[ExerciseStart, string]> = [
      ['first', trans.__('The first block only (e.g. the canvas size)')],
      ['empty', trans.__('An empty workspace')],
      ['all', trans.__('The workspace as it is now')]
    ];
    for (const [value, label] of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      this._start.appendChild(option);
    }
    field(trans.__('Students start with'), this._start);
  }

  getValue(): IExerciseForm {
    return {
      instructions: { ja: this._ja.value, en: this._en.value },
      allowedBlocks: this._allowed.value
        .split(/[\s,]+/)
        .map(type => type.trim())
        .filter(Boolean),
      start: this._start.value as ExerciseStart
    };
  }

  private _allowed: HTMLInputElement;
  private _en: HTMLTextAreaElement;
  private _ja: HTMLTextAreaElement;
  private _start: HTMLSelectElement;
}

/**
 * Save the editor's solution as a new exercise file next to it, and open it.
 *
 * @returns The exercise's path, or `null` if nothing was saved.
 */
export async function saveAsExercise(
  editor: BlocklyEditor,
  options: {
    contents: Contents.IManager;
    commands: CommandRegistry;
    trans: TranslationBundle;
  }
): Promise<string | null> {
  const { contents, commands, trans } = options;
  const panel = editor.content;
  const workspace = panel.workspace;
  if (!workspace || panel.loadError !== null) {
    return null;
  }
  let goal: ITurtleDrawing | null = null;
  try {
    goal = Private.lastDrawing(panel.outputArea.model);
  } catch (reason) {
    Notification.error(
      trans.__(
        'The last drawing cannot be a goal: %1',
        (reason as Error).message
      ),
      { autoClose: 8000 }
    );
    return null;
  }
  if (!goal) {
    Notification.warning(
      trans.__(
        'Run the solution first: its drawing becomes the goal of the exercise.'
      ),
      { autoClose: 8000 }
    );
    return null;
  }
  const solution = saveWorkspace(workspace, {
    previous: parseJpblockly(editor.context.model.toString()),
    ltilab: { toolbox: panel.toolboxId }
  });
  const result = await showDialog({
    title: trans.__('Save as Turtle Exercise'),
    body: new ExerciseForm(trans, contentBlockTypes(solution)),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Save Exercise') })
    ],
    focusNodeSelector: 'textarea'
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const content = createTurtleExercise(solution, { ...result.value, goal });
  const target = await pathBeside(
    contents,
    editor.context.path,
    '-exercise',
    JPBLOCKLY_EXTENSION
  );
  await contents.save(target, {
    type: 'file',
    format: 'text',
    content: serializeJpblockly(content)
  });
  Notification.success(trans.__('Saved the exercise as %1', target), {
    autoClose: 4000
  });
  await commands.execute('docmanager:open', {
    path: target,
    factory: BLOCKLY_FACTORY
  });
  return target;
}

namespace Private {
  /**
   * The turtle drawings inside a widget, at any depth.
   */
  export function* turtleViews(widget: Widget): IterableIterator<TurtleView> {
    if (widget instanceof TurtleView) {
      yield widget;
    }
    for (const child of widget.children()) {
      yield* turtleViews(child);
    }
  }

  /**
   * The last turtle drawing of an output area, checked.
   */
  export function lastDrawing(model: IOutputAreaModel): ITurtleDrawing | null {
    for (let i = model.length - 1; i >= 0; i--) {
      const data = model.get(i).data[TURTLE_MIME_TYPE];
      if (data !== undefined) {
        return parseDrawing(data);
      }
    }
    return null;
  }
}
