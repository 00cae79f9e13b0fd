/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * Who launched: the hub user name and the teacher flag.
 *
 * @module
 */

import { createHash } from 'node:crypto';

import { HttpCode, HttpError } from '../errors.js';

/**
 * The longest hub user name (the Linux user-name limit).
 */
export const MAX_USERNAME_LENGTH = 32;

/**
 * Options of {@link resolveIdentity}.
 */
export interface IIdentityOptions {
  /**
   * The launch field that holds the user name. Default `ext_user_username`.
   */
  usernameKey?: string;
  /**
   * The field used when `usernameKey` is absent or empty, or null for none.
   * Default `user_id`.
   */
  fallbackKey?: string | null;
  /**
   * Longest name. Default {@link MAX_USERNAME_LENGTH}.
   */
  maxLength?: number;
}

/**
 * The launching user, before a store assigns the final name.
 */
export interface IIdentity {
  /**
   * A stable key of the LMS user: `<consumer key>:<user_id>`.
   */
  lmsKey: string;
  /**
   * The LMS `user_id`.
   */
  lmsUserId: string;
  /**
   * The raw name taken from the launch, lower-cased.
   */
  lmsUsername: string;
  /**
   * Hub names to try, best first. The first is the normalised name, with a
   * hash suffix when normalisation changed it; the others carry longer
   * suffixes and are only used when an earlier one belongs to another LMS
   * user.
   */
  candidates: string[];
  /**
   * Whether `roles` names Instructor or Administrator.
   */
  teacherByRole: boolean;
  /**
   * The parsed `roles`.
   */
  roles: string[];
}

/**
 * Read and normalise the launching user's identity.
 *
 * #### Notes
 * A name is lower-cased (as ltiauthenticator does), then every character
 * outside `[a-z0-9._-]` becomes `-`, runs of `-` collapse, and leading or
 * trailing `.`/`-` go, so a name is never hidden, never an option and never
 * `..`. When any of this changed the lower-cased name, a short hash of the
 * LMS identity is appended, so `a b` and `a+b` stay two users.
 */
export function resolveIdentity(
  params: Readonly<Record<string, string>>,
  consumerKey: string,
  options: IIdentityOptions = {}
): IIdentity {
  const usernameKey = options.usernameKey ?? 'ext_user_username';
  const fallbackKey =
    options.fallbackKey === undefined ? 'user_id' : options.fallbackKey;
  const maxLength = options.maxLength ?? MAX_USERNAME_LENGTH;

  const lmsUserId = (params['user_id'] ?? '').trim();
  if (!lmsUserId) {
    throw new HttpError(
      HttpCode.BadRequest,
      'The launch does not say who the user is (user_id is empty).',
      'missing_lti_param'
    );
  }
  let raw = (params[usernameKey] ?? '').trim();
  if (!raw && fallbackKey) {
    raw = (params[fallbackKey] ?? '').trim();
  }
  if (!raw) {
    throw new HttpError(
      HttpCode.BadRequest,
      `The launch has no user name (${usernameKey} is empty).`,
      'missing_username'
    );
  }
  const lmsKey = `${consumerKey}:${lmsUserId}`;
  const lmsUsername = raw.toLowerCase();
  const roles = parseRoles(params['roles'] ?? '');
  return {
    lmsKey,
    lmsUserId,
    lmsUsername,
    candidates: usernameCandidates(lmsUsername, lmsKey, maxLength),
    teacherByRole: rolesIncludeTeacher(roles),
    roles
  };
}

/**
 * Normalise a name to `[a-z0-9._-]`, without leading or trailing `.`/`-`.
 * May return an empty string.
 */
export function normalizeUsername(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+/, '')
    .replace(/[.-]+$/, '');
}

/**
 * The hub names to try for an LMS user, best first. See
 * {@link IIdentity.candidates}.
 */
export function usernameCandidates(
  lmsUsername: string,
  lmsKey: string,
  maxLength = MAX_USERNAME_LENGTH
): string[] {
  const digest = createHash('sha256').update(lmsKey, 'utf8').digest('hex');
  const base = normalizeUsername(lmsUsername);
  const suffixed = (n: number): string => {
    const suffix = digest.slice(0, n);
    const room = maxLength - suffix.length - 1;
    const stem = base.slice(0, room).replace(/[.-]+$/, '') || 'user';
    return `${stem}-${suffix}`;
  };
  const changed =
    base !== lmsUsername.toLowerCase() || base.length > maxLength || !base;
  const candidates = changed ? [] : [base];
  candidates.push(suffixed(6), suffixed(10), suffixed(16));
  return candidates;
}

/**
 * Split an LTI `roles` value (comma-separated names or URNs).
 */
export function parseRoles(roles: string): string[] {
  return roles
    .split(',')
    .map(r => r.trim())
    .filter(Boolean);
}

/**
 * Whether any role is Instructor or Administrator, as a short name
 * (`Instructor`) or an LIS URN (`urn:lti:role:ims/lis/Instructor`,
 * `urn:lti:instrole:ims/lis/Administrator`, and their sub-roles such as
 * `.../Instructor/TeachingAssistant`). `Learner/Instructor` is a learner.
 */
export function rolesIncludeTeacher(roles: readonly string[]): boolean {
  for (const role of roles) {
    let name = role;
    const lis = /^urn:lti:(?:role|instrole|sysrole):ims\/lis\/(.*)$/i.exec(
      role
    );
    if (lis) {
      name = lis[1]!;
    } else if (role.includes(':')) {
      continue;
    }
    const principal = name.split('/')[0]!.toLowerCase();
    if (principal === 'instructor' || principal === 'administrator') {
      return true;
    }
  }
  return false;
}

/**
 * Whether a user is on a `lms_teachers`-style list. Moodle's filter drops
 * `-` from that list, so `jean-luc` also matches `jeanluc`.
 */
export function isListed(list: readonly string[], ...names: string[]): boolean {
  for (const name of names) {
    if (!name) {
      continue;
    }
    const lower = name.toLowerCase();
    if (list.includes(lower) || list.includes(lower.replace(/-/g, ''))) {
      return true;
    }
  }
  return false;
}
