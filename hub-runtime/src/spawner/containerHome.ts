/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The container backend's storage on the engine's host: homes, shared
 * volumes, personal copies and display-name links, with the predecessor's
 * layout and permissions (`start.sh`), prepared by the hub before a
 * container starts.
 *
 * #### Safety
 * The hub runs this as root in a tree the user controls (their home), so it
 * never follows a symlink there: every path below the home is checked with
 * `lstat`, links are replaced, copies refuse to overwrite (`COPYFILE_EXCL`)
 * and ownership is set with `lchown`. It runs only while the user has no
 * container (the manager stops one before starting the next), so nothing
 * changes the home meanwhile.
 *
 * @module
 */

import {
  chmodSync,
  chownSync,
  constants,
  copyFileSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
  type Stats
} from 'node:fs';
import { join } from 'node:path';

import { TEACHER_GID, type IVolumeMount } from '../spawn/environment.js';

/**
 * Where volumes live on the host and how they appear in the container.
 */
export interface IContainerLayout {
  /**
   * The home on the host: `<storage>/homes/<group>/<user>`.
   */
  homeHost: string;
  /**
   * Bind mounts, `<host path>:<container path>:<ro|rw>`.
   */
  binds: string[];
}

/**
 * The predecessor's modes of the shared volume directories (owner root,
 * group `TEACHER`): a task volume is set-gid 2775 (teachers write through
 * the group; students get a read-only mount), a submit volume 3777 with the
 * sticky bit (everyone adds files, nobody removes another's; files are
 * stored 0640 with the group `TEACHER`, so only teachers read them).
 */
export const TASK_MODE = 0o2775;
export const SUBMIT_MODE = 0o3777;

/**
 * Prepare a user's home and volumes for a container.
 *
 * @param storage - the backend's storage root on the host.
 * @param account - uid, gid, group and the home as the container sees it.
 */
export function prepareContainerHome(
  storage: string,
  name: string,
  account: { uid: number; gid: number; group: string; home: string },
  mounts: readonly IVolumeMount[],
  warn: (event: string, fields: Record<string, unknown>) => void
): IContainerLayout {
  const { uid, gid } = account;
  const groupDir = join(storage, 'homes', account.group);
  mkdirSync(groupDir, { recursive: true, mode: 0o755 });
  const homeHost = join(groupDir, name);
  // The home itself sits in the hub's own tree; what is below belongs to the
  // user and is checked step by step.
  ownedDir(homeHost, uid, gid, 0o700);
  const works = ownedDir(
    ownedDir(join(homeHost, 'jupyter'), uid, gid, 0o700),
    uid,
    gid,
    0o700,
    'works'
  );
  const volumesDir = ownedDir(works, uid, gid, 0o700, '.volumes');
  const containerWorks = `${account.home}/jupyter/works`;
  const binds = [`${homeHost}:${account.home}:rw`];
  const shared = join(storage, 'volumes');
  mkdirSync(shared, { recursive: true, mode: 0o755 });
  const links = new Set<string>();
  for (const m of mounts) {
    const volName = m.spec.volumeName;
    const at = ownedDir(volumesDir, uid, gid, 0o700, volName);
    if (m.spec.kind === 'personal') {
      if (m.spec.seedFrom) {
        seedCopy(join(shared, m.spec.seedFrom), at, uid, gid);
      }
    } else {
      const dir = sharedDir(
        join(shared, volName),
        m.spec.kind === 'task' ? TASK_MODE : SUBMIT_MODE
      );
      const ro = m.access === 'ro';
      binds.push(
        `${dir}:${containerWorks}/.volumes/${volName}:${ro ? 'ro' : 'rw'}`
      );
    }
    if (m.link) {
      links.add(m.link);
      const link = join(works, m.link);
      const st = lstatOrNull(link);
      if (st?.isSymbolicLink()) {
        unlinkSync(link);
      } else if (st) {
        warn('spawner.container.link.taken', { user: name, link: m.link });
        continue;
      }
      symlinkSync(`.volumes/${volName}`, link);
      lchownSync(link, uid, gid);
    }
  }
  // Links are rebuilt at every start: drop the ones to volumes this launch
  // does not mount (a closed submit box, a changed access name).
  for (const entry of readdirSync(works)) {
    const path = join(works, entry);
    if (
      !links.has(entry) &&
      lstatOrNull(path)?.isSymbolicLink() &&
      readlinkSync(path).startsWith('.volumes/')
    ) {
      unlinkSync(path);
    }
  }
  return { homeHost, binds };
}

/**
 * Make (or check) a directory owned by the user. With `child`, the
 * directory `parent/child` is made; a symlink there is replaced, and
 * anything else that is not a directory is an error.
 */
function ownedDir(
  parent: string,
  uid: number,
  gid: number,
  mode: number,
  child?: string
): string {
  const path = child === undefined ? parent : join(parent, child);
  const st = lstatOrNull(path);
  if (st?.isSymbolicLink()) {
    unlinkSync(path);
  } else if (st && !st.isDirectory()) {
    throw new Error(`${path} is not a directory`);
  }
  if (!st || st.isSymbolicLink()) {
    mkdirSync(path, { mode });
    chmodSync(path, mode);
    lchownSync(path, uid, gid);
  } else if (st.uid !== uid) {
    lchownSync(path, uid, gid);
  }
  return path;
}

/**
 * A shared volume directory in the hub's tree, with its owner and mode set
 * at every start (a teacher's `chmod` does not open a drop box).
 */
function sharedDir(path: string, mode: number): string {
  const st = lstatOrNull(path);
  if (st && !st.isDirectory()) {
    throw new Error(`${path} is not a directory`);
  }
  if (!st) {
    mkdirSync(path, { mode });
  }
  chownSync(path, 0, TEACHER_GID);
  chmodSync(path, mode);
  return path;
}

/**
 * Copy what the task volume has and the personal copy lacks (the
 * predecessor's `cp --no-clobber`), owned by the user. Only directories and
 * regular files are copied; a teacher's symlinks are not.
 */
function seedCopy(from: string, to: string, uid: number, gid: number): void {
  let entries: string[];
  try {
    entries = readdirSync(from);
  } catch {
    return;
  }
  for (const entry of entries) {
    const src = join(from, entry);
    const dst = join(to, entry);
    const st = lstatOrNull(src);
    if (!st) {
      continue;
    }
    if (st.isDirectory()) {
      const existing = lstatOrNull(dst);
      if (!existing) {
        mkdirSync(dst, { mode: 0o700 });
        lchownSync(dst, uid, gid);
      } else if (!existing.isDirectory() || existing.isSymbolicLink()) {
        continue;
      }
      seedCopy(src, dst, uid, gid);
    } else if (st.isFile()) {
      try {
        copyFileSync(src, dst, constants.COPYFILE_EXCL);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
          continue;
        }
        throw e;
      }
      lchownSync(dst, uid, gid);
      chmodSync(dst, 0o600 | (st.mode & 0o100));
    }
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw e;
  }
}
