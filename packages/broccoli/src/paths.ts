/*
 * Copyright (c) ltilab developers.
 * Distributed under the terms of the BSD-3-Clause License.
 */

import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

/**
 * A path beside `documentPath` that does not exist yet: the document's name
 * without its extension, then `suffix` and `ext` (`lesson-exercise.jpblockly`),
 * with `-1`, `-2`… before `ext` when that name is taken.
 *
 * #### Notes
 * Exports and exercises are written beside the document they come from, and
 * must never overwrite a file a student or teacher already has there.
 */
export async function pathBeside(
  contents: Contents.IManager,
  documentPath: string,
  suffix: string,
  ext: string
): Promise<string> {
  const directory = PathExt.dirname(documentPath);
  const stem =
    PathExt.basename(documentPath, PathExt.extname(documentPath)) + suffix;
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
