/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

/**
 * A path in `directory` that does not exist yet: `<stem><ext>`, or
 * `<stem>-1<ext>`, `<stem>-2<ext>`… when it does.
 *
 * #### Notes
 * Exports and exercises are written beside the document they come from, and
 * must never overwrite a file a student or teacher already has there.
 */
export async function uniquePath(
  contents: Contents.IManager,
  directory: string,
  stem: string,
  ext: string
): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 ? `${stem}${ext}` : `${stem}-${i}${ext}`;
    const path = PathExt.join(directory, name);
    try {
      await contents.get(path, { content: false });
    } catch {
      return path;
    }
  }
  throw new Error(`No free file name for ${stem}${ext}`);
}
