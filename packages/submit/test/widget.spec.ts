/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { framePromise } from '@jupyterlab/testutils';
import {
  IBox,
  ISubmission,
  SubmitPanel,
  SubmitPanelModel,
  SubmitService
} from '@ltilab/submit';
import { Widget } from '@lumino/widgets';

import { box, fakeSettings, IReply, submission, whoami } from './fakeserver';

/**
 * Resolve once `find` finds something in the rendered panel.
 */
async function rendered<T>(find: () => T | null): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) {
      return found;
    }
    await framePromise();
  }
  throw new Error('the panel did not render');
}

function panelFor(options: { teacher?: boolean; boxes?: any[] }) {
  const route = (method: string, path: string): IReply => {
    const who = whoami({ is_teacher: !!options.teacher });
    if (path.endsWith('/mine')) {
      return {
        status: 200,
        json: {
          ...who,
          boxes: options.boxes ?? [{ box: box(), submissions: [submission()] }]
        }
      };
    }
    return {
      status: 200,
      json: {
        ...who,
        box: box(),
        rows: [
          {
            user: 'bob',
            submitted: true,
            files: [
              submission({
                user: 'bob',
                stored: 'bob_kadai.ipynb',
                root_path: 'boxes/hw1/bob_kadai.ipynb',
                late: true
              })
            ],
            version_count: 2,
            latest: '',
            latest_timestamp: 1_800_000_000,
            late: true
          }
        ],
        unattributed: [],
        missing: ['carol']
      }
    };
  };
  const service = new SubmitService({ serverSettings: fakeSettings(route) });
  const model = new SubmitPanelModel({ service });
  const calls: Array<[string, unknown]> = [];
  const panel = new SubmitPanel({
    model,
    actions: {
      submitCurrent: async (b: IBox) => calls.push(['submit', b.id]),
      resubmit: async (b: IBox, s: ISubmission) =>
        calls.push(['resubmit', s.stored]),
      open: (path: string) => calls.push(['open', path])
    }
  });
  Widget.attach(panel, document.body);
  return { panel, model, calls };
}

describe('@ltilab/submit', () => {
  describe('SubmitPanel', () => {
    it('should show the deadline, the late policy and my receipt', async () => {
      const { panel, model, calls } = panelFor({});
      await model.refresh();
      const section = await rendered(() =>
        panel.node.querySelector('.jp-LtilabSubmit-box[data-box="hw1"]')
      );
      expect(
        section.querySelector('.jp-LtilabSubmit-deadline')!.textContent
      ).toMatch(/left\)$/);
      expect(
        section.querySelector('.jp-LtilabSubmit-policy')!.textContent
      ).toBe('After the deadline, submissions are refused.');
      const mine = section.querySelector(
        '.jp-LtilabSubmit-submission[data-stored="alice_kadai.ipynb"]'
      )!;
      expect(mine.textContent).toContain('SHA-256 01234567');
      expect(
        mine.querySelector('.jp-LtilabSubmit-versions summary')!.textContent
      ).toBe('1 earlier version kept');
      expect(panel.node.querySelector('.jp-LtilabSubmit-teacher')).toBeNull();

      (
        mine.querySelector('.jp-LtilabSubmit-resubmit') as HTMLButtonElement
      ).click();
      (
        section.querySelector('.jp-LtilabSubmit-submit') as HTMLButtonElement
      ).click();
      expect(calls).toEqual([
        ['resubmit', 'alice_kadai.ipynb'],
        ['submit', 'hw1']
      ]);
      panel.dispose();
      model.dispose();
    });

    it('should disable submitting to a closed box', async () => {
      const { panel, model } = panelFor({
        boxes: [
          {
            box: box({ close: 1_700_000_000, open: false }),
            submissions: []
          }
        ]
      });
      await model.refresh();
      const button = await rendered(
        () =>
          panel.node.querySelector(
            '.jp-LtilabSubmit-submit'
          ) as HTMLButtonElement | null
      );
      expect(button.disabled).toBe(true);
      expect(
        panel.node.querySelector('.jp-LtilabSubmit-policy')!.textContent
      ).toBe('The deadline has passed: this box refuses submissions.');
      expect(panel.node.textContent).toContain('Nothing submitted yet.');
      panel.dispose();
      model.dispose();
    });

    it('should say when no box is open to the user', async () => {
      const { panel, model } = panelFor({ boxes: [] });
      await model.refresh();
      const empty = await rendered(() =>
        panel.node.querySelector('.jp-LtilabSubmit-empty')
      );
      expect(empty.textContent).toBe('No submission box is open to you.');
      panel.dispose();
      model.dispose();
    });

    it('should list students for a teacher and open a submission in one click', async () => {
      const { panel, model, calls } = panelFor({ teacher: true });
      await model.refresh();
      const table = await rendered(() =>
        panel.node.querySelector('.jp-LtilabSubmit-teacher')
      );
      expect(
        table.querySelector('.jp-LtilabSubmit-sectionTitle')!.textContent
      ).toBe('Students: 1 submitted, 1 late, 1 missing');
      const bob = table.querySelector('tr[data-user="bob"]')!;
      expect(bob.classList.contains('jp-mod-late')).toBe(true);
      expect(bob.querySelectorAll('td')[2].textContent).toBe('2');
      expect(
        table.querySelector('tr[data-user="carol"]')!.textContent
      ).toContain('not submitted');
      (bob.querySelector('.jp-LtilabSubmit-open') as HTMLButtonElement).click();
      expect(calls).toEqual([['open', 'boxes/hw1/bob_kadai.ipynb']]);
      panel.dispose();
      model.dispose();
    });
  });
});
