/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { SubmitPanelModel, SubmitService } from '@ltilab/submit';

import {
  box,
  fakeSettings,
  IRecorded,
  IReply,
  NOW,
  receipt,
  submission,
  whoami
} from './fakeserver';

/**
 * A fake server holding one box; `teacher` switches who it acts for.
 */
function fakeServer(options: { teacher?: boolean; fail?: boolean } = {}) {
  const recorded: IRecorded[] = [];
  const state = { mine: [] as any[], fail: options.fail ?? false };
  const route = (method: string, path: string): IReply => {
    if (state.fail) {
      return { status: 500, json: { error: 'io_error', message: 'Disk gone' } };
    }
    const who = whoami({ is_teacher: !!options.teacher });
    if (path.endsWith('/ltilab/submit/mine')) {
      return {
        status: 200,
        json: { ...who, boxes: [{ box: box(), submissions: state.mine }] }
      };
    }
    if (path.endsWith('/boxes/hw1/submissions') && method === 'POST') {
      state.mine = [submission()];
      return { status: 201, json: { receipt: receipt() } };
    }
    if (path.endsWith('/boxes/hw1/submissions')) {
      return {
        status: 200,
        json: { ...who, box: box(), rows: [], unattributed: [], missing: [] }
      };
    }
    return { status: 404, json: { error: 'not_found', message: 'No' } };
  };
  const service = new SubmitService({
    serverSettings: fakeSettings(route, recorded)
  });
  return { service, recorded, state };
}

describe('@ltilab/submit', () => {
  describe('SubmitPanelModel', () => {
    it('should load the boxes and my submissions', async () => {
      const { service } = fakeServer();
      const model = new SubmitPanelModel({ service, now: () => NOW * 1000 });
      let changes = 0;
      model.changed.connect(() => changes++);
      expect(model.loaded).toBe(false);
      await model.refresh();
      expect(model.loaded).toBe(true);
      expect(changes).toBe(1);
      expect(model.user).toBe('alice');
      expect(model.isTeacher).toBe(false);
      expect(model.boxes.map(b => b.box.id)).toEqual(['hw1']);
      expect(model.boxes[0].table).toBeNull();
      expect(model.clock).toEqual({
        serverTime: NOW,
        receivedAt: NOW * 1000
      });
      model.dispose();
    });

    it('should read the teacher table for a teacher only', async () => {
      const student = fakeServer();
      const teacher = fakeServer({ teacher: true });
      const a = new SubmitPanelModel({ service: student.service });
      const b = new SubmitPanelModel({ service: teacher.service });
      await a.refresh();
      await b.refresh();
      expect(student.recorded.some(r => r.url.includes('/submissions'))).toBe(
        false
      );
      expect(b.boxes[0].table).not.toBeNull();
      a.dispose();
      b.dispose();
    });

    it('should refresh after a submission and remember its source', async () => {
      const { service } = fakeServer();
      const model = new SubmitPanelModel({ service });
      await model.refresh();
      expect(model.boxes[0].submissions).toEqual([]);
      const refreshed = new Promise<void>(resolve => {
        model.changed.connect(() => resolve());
      });
      await service.submit('hw1', 'work/kadai.ipynb');
      await refreshed;
      expect(model.lastReceipt!.stored).toBe('alice_kadai.ipynb');
      expect(model.boxes[0].submissions[0].stored).toBe('alice_kadai.ipynb');
      expect(model.sourceOf(model.boxes[0].submissions[0])).toBe(
        'work/kadai.ipynb'
      );
      model.dispose();
    });

    it('should fall back to the file name at the root as the source', () => {
      const { service } = fakeServer();
      const model = new SubmitPanelModel({ service });
      expect(model.sourceOf(submission())).toBe('kadai.ipynb');
      model.dispose();
    });

    it('should keep what it showed when a refresh fails', async () => {
      const server = fakeServer();
      const model = new SubmitPanelModel({ service: server.service });
      await model.refresh();
      server.state.fail = true;
      await model.refresh();
      expect(model.error!.code).toBe('io_error');
      expect(model.boxes).toHaveLength(1);
      server.state.fail = false;
      await model.refresh();
      expect(model.error).toBeNull();
      model.dispose();
    });

    it('should stop listening once disposed', async () => {
      const { service, recorded } = fakeServer();
      const model = new SubmitPanelModel({ service });
      model.dispose();
      expect(model.isDisposed).toBe(true);
      model.dispose();
      await service.submit('hw1', 'kadai.ipynb');
      expect(recorded.map(r => r.method)).toEqual(['POST']);
    });
  });
});
