/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { nullTranslator } from '@jupyterlab/translation';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  fileUploadIcon,
  ReactWidget,
  refreshIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  boxState,
  deadlineText,
  formatTime,
  latePolicyText,
  receiptText,
  teacherView
} from './logic';
import type { IServerClock } from './logic';
import type { IPanelBox, SubmitPanelModel } from './model';
import type { IBox, ISubmission } from './tokens';

/**
 * The CSS class of the panel.
 */
const PANEL_CLASS = 'jp-LtilabSubmit';

/**
 * The "Submissions" side panel: the boxes open to this user with their
 * deadlines, time left and late policy, the user's receipts with
 * resubmission and, for a teacher, each box's submissions.
 */
export class SubmitPanel extends ReactWidget {
  constructor(options: SubmitPanel.IOptions) {
    super();
    this.model = options.model;
    this._translator = options.translator ?? nullTranslator;
    this._actions = options.actions;
    this.addClass(PANEL_CLASS);
    this.model.changed.connect(this.update, this);
  }

  /**
   * The panel's model.
   */
  readonly model: SubmitPanelModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this.update, this);
    super.dispose();
  }

  protected render(): React.ReactElement {
    return (
      <Private.Panel
        model={this.model}
        actions={this._actions}
        translator={this._translator}
      />
    );
  }

  private _actions: SubmitPanel.IActions;
  private _translator: ITranslator;
}

/**
 * The namespace for `SubmitPanel` statics.
 */
export namespace SubmitPanel {
  /**
   * What the panel's buttons do; the extension implements them with the
   * document manager and the shell.
   */
  export interface IActions {
    /**
     * Submit the current document to a box. Omit it to hide the button.
     */
    submitCurrent?: (box: IBox) => Promise<unknown>;

    /**
     * Submit a submission's source file again.
     */
    resubmit: (box: IBox, submission: ISubmission) => Promise<unknown>;

    /**
     * Open a file by its path relative to the server root.
     */
    open: (path: string) => unknown;

    /**
     * Teachers: build a grading notebook from a box's submissions. Omit it
     * to hide the button.
     */
    extract?: (box: IBox) => Promise<unknown>;

    /**
     * Teachers: collect the scores of a box's grading notebooks into a CSV.
     * Omit it to hide the button.
     */
    tocsv?: (box: IBox) => Promise<unknown>;
  }

  /**
   * The options of the panel.
   */
  export interface IOptions {
    model: SubmitPanelModel;
    actions: IActions;
    translator?: ITranslator;
  }
}

namespace Private {
  interface IPanelProps {
    model: SubmitPanelModel;
    actions: SubmitPanel.IActions;
    translator: ITranslator;
  }

  /**
   * Re-render every second so the time left counts down.
   */
  function useNow(): number {
    const [now, setNow] = React.useState(Date.now());
    React.useEffect(() => {
      const timer = setInterval(() => setNow(Date.now()), 1000);
      return () => clearInterval(timer);
    }, []);
    return now;
  }

  export function Panel(props: IPanelProps): React.ReactElement {
    const { model, actions, translator } = props;
    const trans = translator.load('ltilab');
    const locale = translator.languageCode ?? 'en';
    const now = useNow();
    const [busy, setBusy] = React.useState(false);
    const run = (work: () => Promise<unknown>) => {
      setBusy(true);
      void work().finally(() => setBusy(false));
    };

    let body: React.ReactNode;
    if (!model.loaded) {
      body = <p className="jp-LtilabSubmit-empty">{trans.__('Loading…')}</p>;
    } else if (model.error && model.boxes.length === 0) {
      body = (
        <p className="jp-LtilabSubmit-error" role="alert">
          {trans.__(
            'Cannot read the submission boxes: %1',
            model.error.message
          )}
        </p>
      );
    } else if (model.boxes.length === 0) {
      body = (
        <p className="jp-LtilabSubmit-empty">
          {trans.__('No submission box is open to you.')}
        </p>
      );
    } else {
      const clock = model.clock!;
      body = model.boxes.map(entry => (
        <Box
          key={entry.box.id}
          entry={entry}
          clock={clock}
          now={now}
          busy={busy}
          isTeacher={model.isTeacher}
          trans={trans}
          locale={locale}
          onSubmit={
            actions.submitCurrent
              ? () => run(() => actions.submitCurrent!(entry.box))
              : undefined
          }
          onResubmit={submission =>
            run(() => actions.resubmit(entry.box, submission))
          }
          onOpen={actions.open}
          onExtract={
            actions.extract
              ? () => run(() => actions.extract!(entry.box))
              : undefined
          }
          onToCsv={
            actions.tocsv
              ? () => run(() => actions.tocsv!(entry.box))
              : undefined
          }
        />
      ));
    }

    const receipt = model.lastReceipt;
    return (
      <>
        <div className="jp-LtilabSubmit-header">
          <h2 className="jp-LtilabSubmit-title">{trans.__('Submissions')}</h2>
          {model.user !== null && (
            <span className="jp-LtilabSubmit-user">
              {model.isTeacher
                ? trans.__('%1 (teacher)', model.user)
                : model.user}
            </span>
          )}
          <ToolbarButtonComponent
            icon={refreshIcon}
            tooltip={trans.__('Refresh the submissions')}
            onClick={() => void model.refresh()}
          />
        </div>
        {receipt && (
          <div
            className={
              'jp-LtilabSubmit-receipt' + (receipt.late ? ' jp-mod-late' : '')
            }
            role="status"
          >
            <span className="jp-LtilabSubmit-receiptTitle">
              {receipt.unchanged
                ? trans.__('Unchanged: %1 was already submitted', receipt.file)
                : trans.__('Submitted %1 as %2', receipt.file, receipt.stored)}
            </span>
            <span className="jp-LtilabSubmit-receiptLine">
              {receiptText(receipt, trans, locale)}
            </span>
          </div>
        )}
        {model.error && model.boxes.length > 0 && (
          <p className="jp-LtilabSubmit-error" role="alert">
            {trans.__('Cannot refresh: %1', model.error.message)}
          </p>
        )}
        <div className="jp-LtilabSubmit-boxes">{body}</div>
      </>
    );
  }

  interface IBoxProps {
    entry: IPanelBox;
    clock: IServerClock;
    now: number;
    busy: boolean;
    isTeacher: boolean;
    trans: TranslationBundle;
    locale: string;
    onSubmit?: () => void;
    onResubmit: (submission: ISubmission) => void;
    onOpen: (path: string) => unknown;
    onExtract?: () => void;
    onToCsv?: () => void;
  }

  function Box(props: IBoxProps): React.ReactElement {
    const { entry, clock, now, busy, trans, locale } = props;
    const { box } = entry;
    const state = boxState(box, clock, now);
    const accepts = state !== 'closed' && box.available;
    return (
      <section
        className={`jp-LtilabSubmit-box jp-mod-${state}`}
        data-box={box.id}
      >
        <h3 className="jp-LtilabSubmit-boxTitle">{box.label}</h3>
        <div className="jp-LtilabSubmit-deadline">
          {deadlineText(box, clock, now, trans, locale)}
        </div>
        <div className="jp-LtilabSubmit-policy">
          {latePolicyText(box, state, trans)}
        </div>
        {!box.available && (
          <div className="jp-LtilabSubmit-error">
            {trans.__('The box folder does not exist on the server.')}
          </div>
        )}
        {props.onSubmit && (
          <button
            className="jp-mod-styled jp-mod-accept jp-LtilabSubmit-submit"
            disabled={busy || !accepts}
            onClick={props.onSubmit}
          >
            <fileUploadIcon.react tag="span" className="jp-LtilabSubmit-icon" />
            {trans.__('Submit the current document')}
          </button>
        )}
        <h4 className="jp-LtilabSubmit-sectionTitle">
          {trans.__('Your submissions')}
        </h4>
        {entry.submissions.length === 0 ? (
          <p className="jp-LtilabSubmit-empty">
            {trans.__('Nothing submitted yet.')}
          </p>
        ) : (
          <ul className="jp-LtilabSubmit-mine">
            {entry.submissions.map(submission => (
              <li
                key={submission.stored}
                className="jp-LtilabSubmit-submission"
                data-stored={submission.stored}
              >
                <div className="jp-LtilabSubmit-fileLine">
                  <span className="jp-LtilabSubmit-file">
                    {submission.file}
                  </span>
                  {submission.late && (
                    <span className="jp-LtilabSubmit-late">
                      {trans.__('late')}
                    </span>
                  )}
                  <button
                    className="jp-mod-styled jp-LtilabSubmit-resubmit"
                    disabled={busy || !accepts}
                    title={trans.__('Submit this file again')}
                    onClick={() => props.onResubmit(submission)}
                  >
                    {trans.__('Resubmit')}
                  </button>
                </div>
                <div className="jp-LtilabSubmit-receiptLine">
                  {receiptText(submission, trans, locale)}
                </div>
                {submission.versions.length > 0 && (
                  <details className="jp-LtilabSubmit-versions">
                    <summary>
                      {trans._n(
                        '%1 earlier version kept',
                        '%1 earlier versions kept',
                        submission.versions.length
                      )}
                    </summary>
                    <ul>
                      {submission.versions.map(version => (
                        <li
                          key={version.name}
                          className="jp-LtilabSubmit-version"
                        >
                          {receiptText(version, trans, locale)}
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
        {entry.table && (
          <Teacher
            entry={entry}
            trans={trans}
            locale={locale}
            busy={busy}
            onOpen={props.onOpen}
            onExtract={props.onExtract}
            onToCsv={props.onToCsv}
          />
        )}
      </section>
    );
  }

  interface ITeacherProps {
    entry: IPanelBox;
    trans: TranslationBundle;
    locale: string;
    busy: boolean;
    onOpen: (path: string) => unknown;
    onExtract?: () => void;
    onToCsv?: () => void;
  }

  function Teacher(props: ITeacherProps): React.ReactElement {
    const { entry, trans, locale } = props;
    const view = teacherView(entry.table!);
    return (
      <div className="jp-LtilabSubmit-teacher">
        <h4 className="jp-LtilabSubmit-sectionTitle">
          {trans.__(
            'Students: %1 submitted, %2 late, %3 missing',
            view.submitted.length,
            view.lateCount,
            view.missing.length
          )}
        </h4>
        <table className="jp-LtilabSubmit-table">
          <thead>
            <tr>
              <th>{trans.__('Student')}</th>
              <th>{trans.__('Latest')}</th>
              <th>{trans.__('Versions')}</th>
              <th>{trans.__('Late')}</th>
            </tr>
          </thead>
          <tbody>
            {view.submitted.map(row => {
              const path = row.latestFile?.root_path ?? null;
              return (
                <tr
                  key={row.user}
                  className={
                    'jp-LtilabSubmit-row' + (row.late ? ' jp-mod-late' : '')
                  }
                  data-user={row.user}
                >
                  <td>
                    {path ? (
                      <button
                        className="jp-LtilabSubmit-open"
                        title={trans.__('Open %1', row.latestFile!.stored)}
                        onClick={() => props.onOpen(path)}
                      >
                        {row.user}
                      </button>
                    ) : (
                      row.user
                    )}
                  </td>
                  <td>
                    {row.latest === null ? '' : formatTime(row.latest, locale)}
                  </td>
                  <td>{row.versionCount}</td>
                  <td>{row.late ? trans.__('late') : ''}</td>
                </tr>
              );
            })}
            {view.missing.map(user => (
              <tr
                key={user}
                className="jp-LtilabSubmit-row jp-mod-missing"
                data-user={user}
              >
                <td>{user}</td>
                <td colSpan={3}>{trans.__('not submitted')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {(props.onExtract || props.onToCsv) && (
          <div className="jp-LtilabSubmit-grading">
            {props.onExtract && (
              <button
                className="jp-mod-styled jp-LtilabSubmit-extract"
                disabled={props.busy}
                title={trans.__(
                  'Build a grading notebook from chosen code cells of every submission'
                )}
                onClick={props.onExtract}
              >
                {trans.__('Extract for grading…')}
              </button>
            )}
            {props.onToCsv && (
              <button
                className="jp-mod-styled jp-LtilabSubmit-tocsv"
                disabled={props.busy}
                title={trans.__(
                  'Collect the scores of the grading notebooks into a CSV file'
                )}
                onClick={props.onToCsv}
              >
                {trans.__('Scores to CSV…')}
              </button>
            )}
          </div>
        )}
      </div>
    );
  }
}
