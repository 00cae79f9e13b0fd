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
 * The default of `spawner.container.uidBase`: the predecessor's UID of a
 * user without a host account was 30000 + the LMS `user_id`.
 */
export const DEFAULT_UID_BASE = 30000;

/**
 * LMS user ids below this (up to nine digits, no leading zero) map to
 * `uidBase + user_id`; UIDs from `uidBase + UID_SPAN` up are handed out in
 * order to everyone else (see `IHubStore.grantUid`), so the two ranges
 * never meet.
 */
export const UID_SPAN = 1_000_000_000;

/**
 * The highest UID given out: 2^31 - 1 and above overflow signed 32-bit
 * fields in some tools (and 2^32 - 1 is the kernel's "no uid").
 */
export const MAX_UID = 2 ** 31 - 2;

/**
 * The largest `uidBase`, so `uidBase + UID_SPAN` leaves room below
 * {@link MAX_UID} for the UIDs handed out in order.
 */
export const MAX_UID_BASE = 1_000_000_000;

/**
 * Whether a UID may be given to a user: not root, not a system account
 * (below `minId`), not `nobody` (65534) or the 16-bit "no uid" (65535), and
 * at most {@link MAX_UID}.
 */
export function isUsableUid(uid: number, minId = 1000): boolean {
  return (
    Number.isSafeInteger(uid) &&
    uid >= Math.max(1, minId) &&
    uid <= MAX_UID &&
    uid !== 65534 &&
    uid !== 65535
  );
}

/**
 * The UID the predecessor would give, when the launch allows one:
 * `ext_user_userid` (a patched Moodle), else `uidBase + user_id` for a
 * `user_id` of up to nine digits. Null for anything else (`abc`, an
 * eleven-digit id, `007`): such users get a UID handed out in order.
 *
 * #### Notes
 * This is a wish, not the answer: two LMS users may wish for the same UID
 * (two consumers both have a user 5), so the store decides
 * (`IHubStore.grantUid`) and keeps the answer.
 */
export function preferredUid(
  params: Readonly<Record<string, string>>,
  uidBase = DEFAULT_UID_BASE,
  minId = 1000
): number | null {
  const ext = (params['ext_user_userid'] ?? '').trim();
  if (/^[1-9]\d{0,9}$/.test(ext) && isUsableUid(Number(ext), minId)) {
    return Number(ext);
  }
  const lmsId = (params['user_id'] ?? '').trim();
  if (/^(0|[1-9]\d{0,8})$/.test(lmsId)) {
    const uid = uidBase + Number(lmsId);
    return isUsableUid(uid, minId) ? uid : null;
  }
  return null;
}

/**
 * The first UID handed out in order for a `uidBase`.
 */
export function firstOrderedUid(uidBase = DEFAULT_UID_BASE): number {
  return uidBase + UID_SPAN;
}

/**
 * Options of {@link resolveAccount}.
 */
export interface IAccountOptions {
  /**
   * The user's UID as the store granted it (`IHubStore.grantUid`);
   * default {@link preferredUid}.
   */
  uid?: number;
  /**
   * See {@link preferredUid}. Default {@link DEFAULT_UID_BASE}.
   */
  uidBase?: number;
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
 * as granted (else {@link preferredUid}); GID `ext_user_groupid`, else the
 * default group's; group `ext_user_groupname`, else the default group.
 *
 * @throws when no UID is granted and the launch allows none: a shared
 *   fallback UID would let users read each other's files.
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
  const uid = options.uid ?? preferredUid(params, options.uidBase, minId);
  if (uid === null || !isUsableUid(uid, minId)) {
    throw new Error(`no usable uid for ${userName} (${uid})`);
  }
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
