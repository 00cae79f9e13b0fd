/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Within the calling `describe`: jsdom has no canvas; it returns null like a
 * browser that refuses one, but reports each call as an error. Answer null
 * quietly.
 */
export function quietCanvas(): void {
  beforeAll(() => {
    jest
      .spyOn(HTMLCanvasElement.prototype, 'getContext')
      .mockImplementation(() => null);
  });
  afterAll(() => {
    jest.restoreAllMocks();
  });
}
