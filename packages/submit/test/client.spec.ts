/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import {
  IReceipt,
  ISubmitService,
  requestAPI,
  SubmitAPIError,
  SubmitService
} from '@ltilab/submit';

import { box, fakeSettings, IRecorded, receipt, whoami } from './fakeserver';

describe('@ltilab/submit', () => {
  describe('SubmitService', () => {
    it('should list boxes under the base URL, never from the page location', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 200, json: { ...whoami(), boxes: [box()] } }),
          recorded
        )
      });
      const reply = await service.boxes();
      expect(reply.user).toBe('alice');
      expect(reply.boxes[0].label).toBe('Homework 1');
      expect(recorded).toHaveLength(1);
      expect(recorded[0].method).toBe('GET');
      expect(new URL(recorded[0].url).pathname).toBe(
        '/user/s1234567/ltilab/submit/boxes'
      );
    });

    it('should POST the path and report a stored submission (201)', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 201, json: { receipt: receipt() } }),
          recorded
        )
      });
      const events: ISubmitService.ISubmitted[] = [];
      service.submitted.connect((_, event) => events.push(event));
      const result = await service.submit('hw1', 'work/kadai.ipynb');
      expect(result.stored).toBe(true);
      expect(result.receipt.sha256_short).toBe('01234567');
      expect(recorded[0].method).toBe('POST');
      expect(new URL(recorded[0].url).pathname).toBe(
        '/user/s1234567/ltilab/submit/boxes/hw1/submissions'
      );
      expect(JSON.parse(recorded[0].body!)).toEqual({
        path: 'work/kadai.ipynb'
      });
      expect(events).toEqual([
        { receipt: result.receipt, path: 'work/kadai.ipynb' }
      ]);
    });

    it('should report an unchanged submission (200) as not stored', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 200,
          json: { receipt: receipt({ unchanged: true }) }
        }))
      });
      const result = await service.submit('hw1', 'kadai.ipynb');
      expect(result.stored).toBe(false);
      expect(result.receipt.unchanged).toBe(true);
    });

    it('should encode box ids and stored names in URLs', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({ status: 200, text: 'data', contentType: 'text/plain' }),
          recorded
        )
      });
      const blob = await service.read(
        'hw 1',
        'alice_a b.ipynb',
        '20270115T070000.000000Z-89abcdef'
      );
      expect(await blob.text()).toBe('data');
      const url = new URL(recorded[0].url);
      expect(url.pathname).toBe(
        '/user/s1234567/ltilab/submit/boxes/hw%201/files/alice_a%20b.ipynb'
      );
      expect(url.searchParams.get('version')).toBe(
        '20270115T070000.000000Z-89abcdef'
      );
    });

    it('should ask for the teacher table and for one box of mine', async () => {
      const recorded: IRecorded[] = [];
      const service = new SubmitService({
        serverSettings: fakeSettings(
          () => ({
            status: 200,
            json: { ...whoami(), box: box(), rows: [], boxes: [] }
          }),
          recorded
        )
      });
      await service.table('hw1');
      await service.mine('hw1');
      await service.mine();
      expect(recorded.map(r => new URL(r.url).pathname)).toEqual([
        '/user/s1234567/ltilab/submit/boxes/hw1/submissions',
        '/user/s1234567/ltilab/submit/boxes/hw1/mine',
        '/user/s1234567/ltilab/submit/mine'
      ]);
    });

    it('should turn the server error body into a typed error', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 403,
          json: {
            error: 'deadline_passed',
            message: 'The deadline has passed.'
          }
        }))
      });
      const events: IReceipt[] = [];
      service.submitted.connect((_, e) => events.push(e.receipt));
      const error = await service.submit('hw1', 'kadai.ipynb').catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.status).toBe(403);
      expect(error.code).toBe('deadline_passed');
      expect(error.message).toBe('The deadline has passed.');
      expect(events).toEqual([]);
    });

    it('should refuse a hub login page instead of parsing it', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 200,
          text: '<html><body>Sign in</body></html>',
          contentType: 'text/html'
        }))
      });
      const error = await service.boxes().catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.code).toBe('bad_response');
    });

    it('should give an error status without a JSON body a generic code', async () => {
      const service = new SubmitService({
        serverSettings: fakeSettings(() => ({
          status: 502,
          text: 'Bad Gateway',
          contentType: 'text/plain'
        }))
      });
      const error = await service.boxes().catch(e => e);
      expect(error.status).toBe(502);
      expect(error.code).toBe('http_error');
    });
  });

  describe('requestAPI', () => {
    it('should report a failed request as a network error', async () => {
      const settings = fakeSettings(() => ({ status: 200, json: {} }));
      const broken = {
        ...settings,
        fetch: (() =>
          Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch
      };
      const error = await requestAPI(broken, 'boxes').catch(e => e);
      expect(error).toBeInstanceOf(SubmitAPIError);
      expect(error.status).toBe(0);
      expect(error.code).toBe('network');
    });
  });
});
