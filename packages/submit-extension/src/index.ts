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
  ISubmitService,
  latePolicyText,
  receiptText,
  serverClock,
  SubmitAPIError,
  SubmitPanel,
  SubmitPanelModel,
  SubmitService,
  stateWhenListed
} from '@ltilab/submit';
import type { IBox, IReceipt } from '@ltilab/submit';
import type { Widget } from '@lumino/widgets';

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
        open: path => commands.execute('docmanager:open', { path })
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
    if (palette) {
      palette.addItem({
        command: CommandIDs.openPanel,
        category: trans.__('Submissions')
      });
    }
  }
};

namespace Private {
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
