/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */
/**
 * @packageDocumentation
 * @module submit-extension
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { TranslationBundle } from '@jupyterlab/translation';
import { fileUploadIcon } from '@jupyterlab/ui-components';
import {
  acceptingBoxes,
  checkBaseName,
  commonNotebook,
  ISubmitService,
  latePolicyText,
  MAX_CODENUM,
  parseCodenums,
  receiptText,
  serverClock,
  SubmitAPIError,
  SubmitPanel,
  SubmitPanelModel,
  SubmitService,
  stateWhenListed
} from '@ltilab/submit';
import type { IBox, IGradingReply, IPanelBox, IReceipt } from '@ltilab/submit';
import { Widget } from '@lumino/widgets';

/**
 * The command ids of the submit extension.
 */
export namespace CommandIDs {
  /**
   * Submit the files selected in the file browser (or `args.path`).
   */
  export const submitFile = 'ltilab-submit:submit-file';

  /**
   * Save and submit the current document (the notebook or block editor
   * toolbar button).
   */
  export const submitNotebook = 'ltilab-submit:submit-notebook';

  /**
   * Show the Submissions side panel.
   */
  export const openPanel = 'ltilab-submit:open-panel';

  /**
   * Teachers: build the grading notebook `%03d-<base>` from chosen code
   * cells of a box's submissions (`ltilab-extract`). Args: `boxId`, and
   * optionally `base`, `codenums` (skip the dialog) and `dest`.
   */
  export const extract = 'ltilab-submit:extract';

  /**
   * Teachers: collect the scores of the `NNN-<base>` grading notebooks into
   * `<base>.csv` (`ltilab-tocsv`). Args: `boxId`, and optionally `base`
   * (skip the dialog) and `dest`.
   */
  export const tocsv = 'ltilab-submit:tocsv';
}

/**
 * The submission service.
 */
const servicePlugin: JupyterFrontEndPlugin<ISubmitService> = {
  id: '@ltilab/submit-extension:service',
  description:
    'Provides the submission service: a client of the ltilab submission API of the Jupyter server.',
  autoStart: true,
  provides: ISubmitService,
  activate: (app: JupyterFrontEnd): ISubmitService =>
    new SubmitService({ serverSettings: app.serviceManager.serverSettings })
};

/**
 * The Submit commands: the notebook and block editor toolbar button, and the
 * file browser's context menu entry.
 */
const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/submit-extension:commands',
  description:
    'Adds the Submit commands to the notebook toolbar, the block editor toolbar and the file browser context menu.',
  autoStart: true,
  requires: [ISubmitService],
  optional: [
    ITranslator,
    IDocumentManager,
    IDefaultFileBrowser,
    ISettingRegistry,
    ICommandPalette
  ],
  activate: (
    app: JupyterFrontEnd,
    service: ISubmitService,
    translator: ITranslator | null,
    docManager: IDocumentManager | null,
    browser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ltilab');
    const locale = translator.languageCode ?? 'en';
    let confirm = false;
    if (settingRegistry) {
      void settingRegistry
        .load(commandsPlugin.id)
        .then(settings => {
          const update = () => {
            confirm = settings.get('confirm').composite === true;
          };
          update();
          settings.changed.connect(update);
        })
        .catch(reason => {
          console.error('ltilab-submit: cannot load settings', reason);
        });
    }

    const submitPaths = async (
      paths: string[],
      boxId?: string
    ): Promise<IReceipt[]> => {
      const box = await Private.chooseBox(service, trans, boxId);
      if (!box) {
        return [];
      }
      if (confirm) {
        const answer = await showDialog({
          title: trans.__('Submit to %1?', box.label),
          body: [
            paths.join(', '),
            latePolicyText(box, stateWhenListed(box), trans)
          ].join('\n'),
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.okButton({ label: trans.__('Submit') })
          ]
        });
        if (!answer.button.accept) {
          return [];
        }
      }
      const receipts: IReceipt[] = [];
      for (const path of paths) {
        if (docManager) {
          await Private.saveOpen(docManager, path);
        }
        try {
          const { receipt, stored } = await service.submit(box.id, path);
          receipts.push(receipt);
          const line = receiptText(receipt, trans, locale);
          if (stored) {
            Notification.success(
              trans.__('Submitted %1 to %2: %3', receipt.file, box.label, line),
              { autoClose: 8000 }
            );
          } else {
            Notification.info(
              trans.__(
                'No changes: %1 is already submitted to %2.',
                receipt.file,
                box.label
              ),
              { autoClose: 8000 }
            );
          }
        } catch (reason) {
          Notification.error(
            trans.__(
              'Could not submit %1: %2',
              path,
              reason instanceof SubmitAPIError ? reason.message : String(reason)
            ),
            { autoClose: false }
          );
        }
      }
      return receipts;
    };

    const currentDocument = (): DocumentRegistry.Context | null => {
      const widget = app.shell.currentWidget as
        (Widget & { context?: DocumentRegistry.Context }) | null;
      return widget?.context ?? null;
    };

    const { commands } = app;
    commands.addCommand(CommandIDs.submitNotebook, {
      label: args =>
        args.isPalette
          ? trans.__('Submit the Current Document')
          : trans.__('Submit'),
      caption: trans.__('Save this document and submit it'),
      icon: args => (args.isPalette ? undefined : fileUploadIcon),
      isEnabled: () => currentDocument() !== null,
      execute: async args => {
        const context = currentDocument();
        if (!context) {
          Notification.warning(trans.__('Open a document to submit it.'), {
            autoClose: 5000
          });
          return [];
        }
        await context.ready;
        await context.save();
        return submitPaths(
          [context.path],
          typeof args.boxId === 'string' ? args.boxId : undefined
        );
      }
    });

    commands.addCommand(CommandIDs.submitFile, {
      label: trans.__('Submit'),
      caption: trans.__('Submit the selected files'),
      icon: args => (args.isPalette ? undefined : fileUploadIcon),
      execute: async args => {
        let paths: string[];
        if (typeof args.path === 'string') {
          paths = [args.path];
        } else {
          paths = browser
            ? Array.from(browser.selectedItems())
                .filter(item => item.type !== 'directory')
                .map(item => item.path)
            : [];
        }
        if (paths.length === 0) {
          Notification.warning(trans.__('Select a file to submit.'), {
            autoClose: 5000
          });
          return [];
        }
        return submitPaths(
          paths,
          typeof args.boxId === 'string' ? args.boxId : undefined
        );
      }
    });

    if (palette) {
      const category = trans.__('Submissions');
      for (const command of [
        CommandIDs.submitNotebook,
        CommandIDs.submitFile
      ]) {
        palette.addItem({ command, category, args: { isPalette: true } });
      }
    }
  }
};

/**
 * The Submissions side panel.
 */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: '@ltilab/submit-extension:panel',
  description:
    'Shows the Submissions side panel: submission boxes, deadlines, receipts and, for teachers, the submissions of each box.',
  autoStart: true,
  requires: [ISubmitService],
  optional: [ITranslator, ILayoutRestorer, ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    service: ISubmitService,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('ltilab');
    const { commands, shell } = app;
    const model = new SubmitPanelModel({ service });
    const panel = new SubmitPanel({
      model,
      translator,
      actions: {
        submitCurrent: box =>
          commands.execute(CommandIDs.submitNotebook, { boxId: box.id }),
        resubmit: (box, submission) =>
          commands.execute(CommandIDs.submitFile, {
            boxId: box.id,
            path: model.sourceOf(submission)
          }),
        open: path => commands.execute('docmanager:open', { path }),
        extract: box => commands.execute(CommandIDs.extract, { boxId: box.id }),
        tocsv: box => commands.execute(CommandIDs.tocsv, { boxId: box.id })
      }
    });
    panel.id = 'jp-ltilab-submit-panel';
    panel.title.icon = fileUploadIcon;
    panel.title.caption = trans.__('Submissions');
    shell.add(panel, 'left', { rank: 600 });
    if (restorer) {
      restorer.add(panel, 'ltilab-submit-panel');
    }

    const start = () => void app.restored.then(() => model.start());
    if (settingRegistry) {
      settingRegistry
        .load(panelPlugin.id)
        .then(settings => {
          const update = () => {
            model.refreshInterval = settings.get('refreshInterval')
              .composite as number;
          };
          update();
          settings.changed.connect(update);
        })
        .catch(reason => {
          console.error('ltilab-submit: cannot load settings', reason);
        })
        .then(start);
    } else {
      start();
    }

    commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Show Submissions'),
      caption: trans.__('Show the Submissions panel'),
      execute: () => {
        shell.activateById(panel.id);
        return model.refresh();
      }
    });

    const grade = async (
      args: Record<string, unknown>,
      withCodenums: boolean
    ): Promise<IGradingReply | null> => {
      if (!model.isTeacher) {
        Notification.error(trans.__('Only teachers can do this.'));
        return null;
      }
      const entry = await Private.chooseTeacherBox(
        model.boxes,
        trans,
        typeof args.boxId === 'string' ? args.boxId : undefined
      );
      if (!entry) {
        return null;
      }
      let input: Private.IGradingInput | null;
      if (typeof args.base === 'string') {
        input = Private.inputFromArgs(args, withCodenums);
        if (!input) {
          Notification.error(
            trans.__('Invalid notebook name or code cell numbers.')
          );
          return null;
        }
      } else {
        input = await Private.askGradingInput(
          trans,
          withCodenums,
          commonNotebook(entry.table)
        );
        if (!input) {
          return null;
        }
      }
      const dest = typeof args.dest === 'string' ? args.dest : undefined;
      let reply: IGradingReply;
      try {
        reply = withCodenums
          ? await service.extract(entry.box.id, {
              base: input.base,
              codenums: input.codenums,
              dest
            })
          : await service.tocsv(entry.box.id, { base: input.base, dest });
      } catch (reason) {
        Notification.error(
          withCodenums
            ? trans.__(
                'Could not extract %1: %2',
                input.base,
                reason instanceof Error ? reason.message : String(reason)
              )
            : trans.__(
                'Could not write the scores CSV of %1: %2',
                input.base,
                reason instanceof Error ? reason.message : String(reason)
              ),
          { autoClose: false }
        );
        return null;
      }
      const files = reply.files;
      if (files.length > 0) {
        Notification.success(trans.__('Wrote %1', files.join(', ')), {
          autoClose: 10000,
          actions: [
            {
              label: trans.__('Open'),
              caption: trans.__('Open %1', files[0]),
              callback: () =>
                void commands.execute('docmanager:open', { path: files[0] })
            }
          ]
        });
      }
      return reply;
    };

    commands.addCommand(CommandIDs.extract, {
      label: trans.__('Extract Submissions for Grading…'),
      caption: trans.__(
        'Build a grading notebook from chosen code cells of every submission'
      ),
      isVisible: () => model.isTeacher,
      isEnabled: () => model.isTeacher,
      execute: args => grade(args, true)
    });

    commands.addCommand(CommandIDs.tocsv, {
      label: trans.__('Collect Scores into a CSV…'),
      caption: trans.__(
        'Collect the scores of the grading notebooks into a CSV file'
      ),
      isVisible: () => model.isTeacher,
      isEnabled: () => model.isTeacher,
      execute: args => grade(args, false)
    });

    if (palette) {
      const category = trans.__('Submissions');
      for (const command of [
        CommandIDs.openPanel,
        CommandIDs.extract,
        CommandIDs.tocsv
      ]) {
        palette.addItem({ command, category });
      }
    }
  }
};

namespace Private {
  /**
   * What the grading dialogs ask for.
   */
  export interface IGradingInput {
    base: string;
    codenums: number[];
  }

  /**
   * The grading input passed as command args, validated; null if invalid.
   */
  export function inputFromArgs(
    args: Record<string, unknown>,
    withCodenums: boolean
  ): IGradingInput | null {
    const base = checkBaseName(String(args.base));
    if (!base) {
      return null;
    }
    if (!withCodenums) {
      return { base, codenums: [] };
    }
    const raw = args.codenums;
    const codenums = parseCodenums(
      Array.isArray(raw) ? raw.join(' ') : typeof raw === 'string' ? raw : ''
    );
    return codenums ? { base, codenums } : null;
  }

  /**
   * The box a grading command works on: the one asked for, the only box
   * with a teacher table, or the user's choice.
   */
  export async function chooseTeacherBox(
    boxes: ReadonlyArray<IPanelBox>,
    trans: TranslationBundle,
    boxId?: string
  ): Promise<IPanelBox | null> {
    if (boxId !== undefined) {
      const entry = boxes.find(b => b.box.id === boxId);
      if (!entry) {
        Notification.error(trans.__('No submission box %1.', boxId));
      }
      return entry ?? null;
    }
    const candidates = boxes.filter(b => b.box.available);
    if (candidates.length === 0) {
      Notification.error(trans.__('No submission box is open to you.'));
      return null;
    }
    if (candidates.length === 1) {
      return candidates[0];
    }
    const labels = candidates.map(b => b.box.label);
    const answer = await InputDialog.getItem({
      title: trans.__('Which submission box?'),
      items: labels,
      okLabel: trans.__('Select'),
      cancelLabel: trans.__('Cancel')
    });
    if (!answer.button.accept || answer.value === null) {
      return null;
    }
    return candidates[labels.indexOf(answer.value)] ?? null;
  }

  /**
   * Ask for the notebook name (and the code cell numbers) until they are
   * valid or the dialog is cancelled.
   */
  export async function askGradingInput(
    trans: TranslationBundle,
    withCodenums: boolean,
    proposed: string
  ): Promise<IGradingInput | null> {
    let base = proposed;
    let codenums = '';
    let error = '';
    for (;;) {
      const body = new GradingBody({
        trans,
        base,
        codenums: withCodenums ? codenums : null,
        error
      });
      const result = await showDialog({
        title: withCodenums
          ? trans.__('Extract Submissions for Grading')
          : trans.__('Collect Scores into a CSV'),
        body,
        focusNodeSelector: 'input',
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({
            label: withCodenums ? trans.__('Extract') : trans.__('Write CSV')
          })
        ]
      });
      if (!result.button.accept || !result.value) {
        return null;
      }
      base = result.value.base;
      codenums = result.value.codenums;
      const name = checkBaseName(base);
      if (!name) {
        error = trans.__('Enter a notebook file name such as kadai.ipynb.');
        continue;
      }
      if (!withCodenums) {
        return { base: name, codenums: [] };
      }
      const numbers = parseCodenums(codenums);
      if (!numbers) {
        error = trans.__(
          'Enter code cell numbers from 0 to %1, separated by spaces or commas.',
          MAX_CODENUM
        );
        continue;
      }
      return { base: name, codenums: numbers };
    }
  }

  /**
   * The body of the grading dialogs.
   */
  class GradingBody
    extends Widget
    implements Dialog.IBodyWidget<{ base: string; codenums: string }>
  {
    constructor(options: {
      trans: TranslationBundle;
      base: string;
      codenums: string | null;
      error: string;
    }) {
      super();
      const { trans } = options;
      this.addClass('jp-LtilabSubmit-gradingDialog');
      this._base = this._field(
        trans.__('Assignment notebook'),
        'jp-LtilabSubmit-baseInput',
        options.base,
        'kadai.ipynb'
      );
      if (options.codenums !== null) {
        this._codenums = this._field(
          trans.__('Code cell numbers'),
          'jp-LtilabSubmit-codenumsInput',
          options.codenums,
          '1 2'
        );
        const hint = document.createElement('div');
        hint.className = 'jp-LtilabSubmit-gradingHint';
        hint.textContent = trans.__(
          'One grading notebook with the cells tagged codenum:<n> for these numbers, named after the first one.'
        );
        this.node.appendChild(hint);
      }
      if (options.error) {
        const error = document.createElement('div');
        error.className = 'jp-LtilabSubmit-error';
        error.setAttribute('role', 'alert');
        error.textContent = options.error;
        this.node.appendChild(error);
      }
    }

    getValue(): { base: string; codenums: string } {
      return {
        base: this._base.value,
        codenums: this._codenums?.value ?? ''
      };
    }

    private _field(
      label: string,
      className: string,
      value: string,
      placeholder: string
    ): HTMLInputElement {
      const labelNode = document.createElement('label');
      labelNode.textContent = label;
      const input = document.createElement('input');
      input.className = `jp-mod-styled ${className}`;
      input.value = value;
      input.placeholder = placeholder;
      labelNode.appendChild(input);
      this.node.appendChild(labelNode);
      return input;
    }

    private _base: HTMLInputElement;
    private _codenums: HTMLInputElement | null = null;
  }

  /**
   * The box to submit to: the one asked for, the only one accepting
   * submissions now, or the user's choice among several.
   */
  export async function chooseBox(
    service: ISubmitService,
    trans: TranslationBundle,
    boxId?: string
  ): Promise<IBox | null> {
    let boxes: ReadonlyArray<IBox>;
    let candidates: IBox[];
    try {
      const reply = await service.boxes();
      boxes = reply.boxes;
      candidates = acceptingBoxes(
        boxes,
        serverClock(reply, Date.now()),
        Date.now()
      );
    } catch (reason) {
      Notification.error(
        trans.__(
          'Cannot read the submission boxes: %1',
          reason instanceof Error ? reason.message : String(reason)
        ),
        { autoClose: false }
      );
      return null;
    }
    if (boxId !== undefined) {
      const box = boxes.find(b => b.id === boxId);
      if (!box) {
        Notification.error(trans.__('No submission box %1.', boxId));
        return null;
      }
      // The server decides about the deadline; it answers with a clear error.
      return box;
    }
    if (candidates.length === 0) {
      Notification.error(
        boxes.length === 0
          ? trans.__('No submission box is open to you.')
          : trans.__('No submission box accepts submissions now.'),
        { autoClose: false }
      );
      return null;
    }
    if (candidates.length === 1) {
      return candidates[0];
    }
    const labels = candidates.map(box => box.label);
    const answer = await InputDialog.getItem({
      title: trans.__('Submit to which box?'),
      items: labels,
      okLabel: trans.__('Submit'),
      cancelLabel: trans.__('Cancel')
    });
    if (!answer.button.accept || answer.value === null) {
      return null;
    }
    return candidates[labels.indexOf(answer.value)] ?? null;
  }

  /**
   * Save the open document of a path, if it has unsaved changes, so what is
   * submitted is what the user sees.
   */
  export async function saveOpen(
    docManager: IDocumentManager,
    path: string
  ): Promise<void> {
    const widget = docManager.findWidget(path);
    const context = widget ? docManager.contextForWidget(widget) : undefined;
    if (context && context.model.dirty) {
      await context.save();
    }
  }
}

export default [
  servicePlugin,
  commandsPlugin,
  panelPlugin
] as JupyterFrontEndPlugin<unknown>[];
