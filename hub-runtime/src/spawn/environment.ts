/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * From a spawn request and a user to what a server gets: the account, the
 * volumes it mounts and the predecessor's `NB_*`/`LTI_*` environment.
 *
 * @module
 */

import { isListed } from '../lti/identity.js';
import type { ISpawnRequest, IVolumeSpec } from '../lti/params.js';

/**
 * The teachers' group, as in the predecessor's images.
 */
export const TEACHER_GROUP = 'TEACHER';
export const TEACHER_GID = 7000;

/**
 * The user a server is for.
 */
export interface ISpawnUser {
  /**
   * The hub user name.
   */
  name: string;
  /**
   * The name the LMS sent (lower-cased), which `lms_users`, `lms_teachers`
   * and per-volume lists are written in.
   */
  lmsUsername: string;
  isTeacher: boolean;
}

/**
 * A user's POSIX account inside a server.
 */
export interface IAccount {
  uid: number;
  gid: number;
  group: string;
  /**
   * `<home root>/<group>/<user>`.
   */
  home: string;
}

/**
 * Options of {@link resolveAccount}.
 */
export interface IAccountOptions {
  /**
   * Default `/home`.
   */
  homeRoot?: string;
  /**
   * The GID of the default group. Default 30000.
   */
  defaultGid?: number;
  /**
   * The default group's name. Default `others`.
   */
  defaultGroup?: string;
  /**
   * UIDs and GIDs sent by the LMS below this are ignored, so a launch can
   * never ask for root or a system account. Default 1000.
   */
  minId?: number;
}

/**
 * Work out the account as the predecessor does, without host accounts: UID
 * `ext_user_userid`, else 30000 + `user_id`; GID `ext_user_groupid`, else the
 * default group's; group `ext_user_groupname`, else the default group.
 */
export function resolveAccount(
  params: Readonly<Record<string, string>>,
  userName: string,
  options: IAccountOptions = {}
): IAccount {
  const minId = options.minId ?? 1000;
  const id = (text: string | undefined): number | null => {
    if (!text || !/^\d{1,9}$/.test(text.trim())) {
      return null;
    }
    const n = Number(text.trim());
    return n >= minId && n < 2 ** 31 ? n : null;
  };
  const uid =
    id(params['ext_user_userid']) ??
    (/^\d{1,9}$/.test(params['user_id'] ?? '')
      ? 30000 + Number(params['user_id'])
      : null) ??
    30000;
  const gid = id(params['ext_user_groupid']) ?? options.defaultGid ?? 30000;
  const sentGroup = (params['ext_user_groupname'] ?? '').trim().toLowerCase();
  const group = /^[a-z_][a-z0-9_-]{0,31}$/.test(sentGroup)
    ? sentGroup
    : (options.defaultGroup ?? 'others');
  const homeRoot = (options.homeRoot ?? '/home').replace(/\/+$/, '');
  return { uid, gid, group, home: `${homeRoot}/${group}/${userName}` };
}

/**
 * How one volume reaches one user.
 */
export interface IVolumeMount {
  spec: IVolumeSpec;
  /**
   * Mounted at `works/.volumes/<volumeName>`.
   */
  path: string;
  /**
   * The link in `works/`, or null when the user gets none (a teacher-only
   * access name seen by a student).
   */
  link: string | null;
  /**
   * `rw`: read and write; `ro`: read only; `dropbox`: add own files, read
   * nobody else's; `private`: the user's own copy.
   */
  access: 'rw' | 'ro' | 'dropbox' | 'private';
}

/**
 * The volumes a user mounts.
 *
 * #### Notes
 * The predecessor's rule, with its defect fixed: a teacher always mounts
 * every volume (the predecessor dropped teachers missing from a volume's own
 * list). A student mounts a volume when its own user list, or `lms_users`
 * when it has none, holds `*` or the student; a submit volume not after its
 * close time.
 *
 * @param now - epoch seconds.
 */
export function planVolumes(
  req: ISpawnRequest,
  user: ISpawnUser,
  now: number
): IVolumeMount[] {
  const mounts: IVolumeMount[] = [];
  for (const spec of req.volumes) {
    if (!user.isTeacher) {
      const list = spec.users ?? req.users;
      if (!(
        list.includes('*') || isListed(list, user.lmsUsername, user.name)
      )) {
        continue;
      }
      if (
        spec.kind === 'submit' &&
        spec.closesAt !== null &&
        now >= spec.closesAt
      ) {
        continue;
      }
    }
    const access =
      spec.kind === 'task'
        ? user.isTeacher
          ? 'rw'
          : 'ro'
        : spec.kind === 'submit'
          ? user.isTeacher
            ? 'rw'
            : 'dropbox'
          : 'private';
    mounts.push({
      spec,
      path: `.volumes/${spec.volumeName}`,
      link: spec.teacherOnly && !user.isTeacher ? null : spec.linkName,
      access
    });
  }
  return mounts;
}

/**
 * The environment the predecessor's spawner set: `NB_*` and `LTI_*`.
 *
 * #### Notes
 * The volume variables hold `.volumes/<volume name>:<access name>` items,
 * with the access name as the activity wrote it (`start.sh` and the submit
 * tools interpret the leading `-`).
 */
export function spawnEnvironment(
  req: ISpawnRequest,
  user: ISpawnUser,
  account: IAccount,
  mounts: readonly IVolumeMount[]
): Record<string, string> {
  const items = (kind: IVolumeSpec['kind']): string =>
    mounts
      .filter(m => m.spec.kind === kind)
      .map(m => `${m.path}:${m.spec.access}`)
      .join(' ');
  return {
    NB_USER: user.name,
    NB_UID: String(account.uid),
    NB_GROUP: account.group,
    NB_GID: String(account.gid),
    NB_DIR: account.home,
    NB_WRKDIR: `${account.home}/jupyter/works`,
    NB_TEACHER: user.isTeacher ? user.name : '',
    NB_UMASK: user.isTeacher ? '0033' : '0037',
    NB_ACTLIMIT: String(req.actLimit),
    NB_OPTION: req.options,
    NB_THRGID: String(TEACHER_GID),
    NB_THRGROUP: TEACHER_GROUP,
    NB_HOSTNAME: req.context.lmsHost,
    NB_VOLUMES: items('task'),
    NB_SUBMITS: items('submit'),
    NB_PRSNALS: items('personal'),
    LTI_CTR_ID: String(req.session.instanceId),
    LTI_ID: String(req.session.ltiId),
    LTI_COURSE: req.course,
    LTI_NAME: req.ltiName
  };
}

/**
 * Whether a user is a teacher for a launch: `roles` says so, or the
 * activity's `lms_teachers` lists them.
 */
export function isTeacherFor(
  req: ISpawnRequest,
  teacherByRole: boolean,
  names: { lmsUsername: string; name: string }
): boolean {
  return teacherByRole || isListed(req.teachers, names.lmsUsername, names.name);
}
