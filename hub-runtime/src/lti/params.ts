/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The `custom_lms_*` launch parameters, parsed into one typed spawn request.
 *
 * @module
 */

import { createHash } from 'node:crypto';

import { HttpCode, HttpError } from '../errors.js';

/**
 * The kinds of volume an activity can ask for.
 *
 * - `task` (`lms_vol_*`): course material, read-only for students;
 * - `submit` (`lms_sub_*`): a drop box;
 * - `personal` (`lms_prs_*`): the student's own copy, seeded from the task
 *   volume of the same name.
 */
export type VolumeKind = 'task' | 'submit' | 'personal';

/**
 * One volume requested by the activity.
 */
export interface IVolumeSpec {
  kind: VolumeKind;
  /**
   * The parameter key without `custom_`: `lms_vol_materials`.
   */
  key: string;
  /**
   * The volume's name in the key: `materials`.
   */
  id: string;
  /**
   * The access name as sent, with a leading `-` if any: `-Materials`. This is
   * what the `NB_VOLUMES`, `NB_SUBMITS` and `NB_PRSNALS` items carry.
   */
  access: string;
  /**
   * The name of the link in `works/`: the access name without its `-`.
   */
  linkName: string;
  /**
   * Whether the link is for teachers only (a leading `-` on a task or
   * personal volume; on a submit volume the `-` is just dropped).
   */
  teacherOnly: boolean;
  /**
   * The volume's own user list, or null when it has none (then `lms_users`
   * decides). May contain `*`.
   */
  users: string[] | null;
  /**
   * Submit volumes: when students stop getting the volume, in epoch seconds,
   * or null for never.
   */
  closesAt: number | null;
  /**
   * Personal volumes: the `volumeName` of the task volume with the same
   * `id`, which seeds the copy; otherwise null.
   */
  seedFrom: string | null;
  /**
   * The volume's storage name, `<key>_<context_id>_<lms host>`, shared with
   * mod_lticontainer, which creates, lists and deletes volumes by it.
   */
  volumeName: string;
}

/**
 * Everything an activity's custom parameters ask of the user's server.
 * Produced by {@link parseSpawnRequest}; consumed by every backend.
 */
export interface ISpawnRequest {
  /**
   * The image (`repo:tag`, lower-case), checked against the allowlist; the
   * policy's default when the activity names none; null when there is no
   * default either (the local backend needs none).
   */
  image: string | null;
  /**
   * CPU limit in cores; 0 means none.
   */
  cpuLimit: number;
  /**
   * Memory limit in bytes; 0 means none.
   */
  memLimit: number;
  /**
   * `lms_cpugrnt` and `lms_memgrnt`: requested guarantees (cores, bytes), or
   * null. Not enforced by the predecessor; the container backend maps them
   * to a CPU weight and a memory reservation (`guaranteeConfig`), a
   * Kubernetes backend would make them resource requests.
   */
  cpuGuarantee: number | null;
  memGuarantee: number | null;
  /**
   * Activity time limit in seconds; 0 means none.
   */
  actLimit: number;
  /**
   * Where JupyterLab opens.
   */
  defaultUrl: '/lab' | '/tree';
  /**
   * `lms_users`: who mounts volumes without their own user list. `*` means
   * everyone. Not a login ACL.
   */
  users: string[];
  /**
   * `lms_teachers`: user names that are teachers in this activity.
   */
  teachers: string[];
  volumes: IVolumeSpec[];
  /**
   * Whether the activity is embedded in an iframe.
   */
  iframe: boolean;
  /**
   * `lms_sessioninfo`: the mod_lticontainer instance and LTI activity ids
   * (`LTI_CTR_ID`, `LTI_ID`); 0 and 0 when absent.
   */
  session: { instanceId: number; ltiId: number };
  /**
   * `LTI_COURSE` and `LTI_NAME`.
   */
  course: string;
  ltiName: string;
  /**
   * The Moodle web-service token for the cell-execution feed. A secret: it
   * never goes to the browser or a log ({@link describeSpawnRequest}).
   */
  rpcToken: string | null;
  /**
   * Moodle's origin (`https://lms.example.edu`), or null.
   */
  serverUrl: string | null;
  /**
   * Moodle's wwwroot path (`/moodle`), possibly empty.
   */
  serverPath: string;
  /**
   * `lms_options` (`NB_OPTION`).
   */
  options: string;
  /**
   * Where the launch came from.
   */
  context: {
    /**
     * The course id (`context_id`), or empty.
     */
    contextId: string;
    resourceLinkId: string;
    /**
     * The Moodle host: from `lis_outcome_service_url`, else
     * `lms_serverurl`. `NB_HOSTNAME` and the volume-name suffix.
     */
    lmsHost: string;
  };
  /**
   * Parameters that were ignored, for the log.
   */
  warnings: string[];
}

/**
 * What the hub's configuration allows activities to ask for.
 */
export interface ISpawnPolicy {
  /**
   * The image used when the activity names none, or null.
   */
  defaultImage: string | null;
  /**
   * Images an activity may pick. `*` matches any run of characters and `?`
   * one character: `example/*:*`. Empty: the LMS may not pick an image.
   */
  imageAllowlist: readonly string[];
  defaults: {
    cpuLimit: number;
    memLimit: number;
    actLimit: number;
  };
  limits: {
    maxCpu: number;
    minMemory: number;
    maxMemory: number;
    maxActLimit: number;
  };
}

/**
 * The policy used when the configuration says nothing: 1 CPU, 500 MiB and
 * 6000 s by default, at most 10 CPUs and 64 GiB, and no image choice.
 */
export const DEFAULT_SPAWN_POLICY: ISpawnPolicy = Object.freeze({
  defaultImage: null,
  imageAllowlist: [],
  defaults: { cpuLimit: 1, memLimit: 500 * 1024 * 1024, actLimit: 6000 },
  limits: {
    maxCpu: 10,
    minMemory: 64 * 1024 * 1024,
    maxMemory: 64 * 1024 * 1024 * 1024,
    maxActLimit: 2419200
  }
});

/**
 * The error for custom parameters that cannot be honoured. Lists every
 * problem at once, so a teacher can fix the activity in one go.
 */
export class SpawnRequestError extends HttpError {
  constructor(readonly problems: readonly string[]) {
    super(
      HttpCode.BadRequest,
      `This activity's settings are not valid: ${problems.join(' ')}`,
      'bad_custom_param',
      { problems }
    );
    this.name = 'SpawnRequestError';
  }
}

/**
 * Parse the `custom_lms_*` parameters of a verified launch.
 *
 * @param params - every non-OAuth launch parameter.
 * @throws SpawnRequestError listing every invalid value.
 */
export function parseSpawnRequest(
  params: Readonly<Record<string, string>>,
  policy: ISpawnPolicy = DEFAULT_SPAWN_POLICY
): ISpawnRequest {
  const problems: string[] = [];
  const warnings: string[] = [];
  const lms = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    if (name.startsWith('custom_lms_')) {
      lms.set(name.slice('custom_'.length), value.trim());
    }
  }
  const get = (key: string): string | undefined => {
    const v = lms.get(key);
    return v === undefined || v === '' ? undefined : v;
  };
  const fail = (key: string, message: string): void => {
    problems.push(`custom_${key}: ${message}`);
  };

  // Context: the course id and the Moodle host name volume names are built from.
  const contextId = (params['context_id'] ?? '').trim();
  if (contextId && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(contextId)) {
    problems.push('context_id: must be a plain identifier.');
  }
  const serverUrl = parseServerUrl(get('lms_serverurl'), m =>
    fail('lms_serverurl', m)
  );
  const lmsHost = pickLmsHost(params['lis_outcome_service_url'], serverUrl);

  // Image.
  let image = policy.defaultImage;
  const imageText = get('lms_image');
  if (imageText !== undefined) {
    const picked = normalizeImage(imageText);
    if (!picked) {
      fail(
        'lms_image',
        `"${show(imageText)}" is not an image name (repository:tag).`
      );
    } else if (!policy.imageAllowlist.some(p => globMatch(p, picked))) {
      fail(
        'lms_image',
        policy.imageAllowlist.length
          ? `the image "${picked}" is not allowed on this hub.`
          : 'this hub does not let activities choose an image.'
      );
    } else {
      image = picked;
    }
  }

  // Limits.
  const cpuLimit = parseLimit(
    get('lms_cpulimit'),
    policy.defaults.cpuLimit,
    text => {
      const n = parseLmsNumber(text);
      if (n === null) {
        return 'must be a number of CPUs (0 for no limit).';
      }
      if (n !== 0 && (n < 0.1 || n > policy.limits.maxCpu)) {
        return `must be 0 (no limit) or between 0.1 and ${policy.limits.maxCpu} CPUs.`;
      }
      return n;
    },
    m => fail('lms_cpulimit', m)
  );
  const memLimit = parseLimit(
    get('lms_memlimit'),
    policy.defaults.memLimit,
    text => {
      const n = parseLmsNumber(text);
      if (n === null || !Number.isInteger(n)) {
        return 'must be a whole number of bytes, e.g. 1,073,741,824 (0 for no limit).';
      }
      if (
        n !== 0 &&
        (n < policy.limits.minMemory || n > policy.limits.maxMemory)
      ) {
        return `must be 0 (no limit) or between ${policy.limits.minMemory} and ${policy.limits.maxMemory} bytes.`;
      }
      return n;
    },
    m => fail('lms_memlimit', m)
  );
  const actLimit = parseLimit(
    get('lms_actlimit'),
    policy.defaults.actLimit,
    text => {
      const n = parseLmsNumber(text);
      if (n === null || !Number.isInteger(n)) {
        return 'must be a whole number of seconds (0 for no limit).';
      }
      if (n !== 0 && (n < 60 || n > policy.limits.maxActLimit)) {
        return `must be 0 (no limit) or between 60 and ${policy.limits.maxActLimit} seconds.`;
      }
      return n;
    },
    m => fail('lms_actlimit', m)
  );
  // A guarantee above what a limit may be is as absurd as that limit.
  const guarantee = (key: string, max: number): number | null => {
    const text = get(key);
    if (text === undefined) {
      return null;
    }
    const n = parseLmsNumber(text);
    if (n === null) {
      fail(key, 'must be a number.');
      return null;
    }
    if (n > max) {
      fail(key, `must be at most ${max}.`);
      return null;
    }
    return n;
  };
  const cpuGuarantee = guarantee('lms_cpugrnt', policy.limits.maxCpu);
  const memGuarantee = guarantee('lms_memgrnt', policy.limits.maxMemory);

  // Default URL.
  let defaultUrl: '/lab' | '/tree' = '/lab';
  const defurl = get('lms_defurl');
  if (defurl !== undefined) {
    if (defurl === '/lab' || defurl === '/tree') {
      defaultUrl = defurl;
    } else {
      fail('lms_defurl', 'must be /lab or /tree.');
    }
  }

  const users = parseNameList(get('lms_users'), m => fail('lms_users', m));
  const teachers = parseNameList(get('lms_teachers'), m =>
    fail('lms_teachers', m)
  );

  // Volumes and close times.
  const volumes: IVolumeSpec[] = [];
  const closes: { raw: string; key: string; value: string }[] = [];
  const kinds: Record<string, VolumeKind> = {
    vol: 'task',
    sub: 'submit',
    prs: 'personal'
  };
  for (const [key, value] of lms) {
    const close = /^lms_sub_(.+)_close$/.exec(key);
    if (close) {
      closes.push({ raw: close[1]!, key, value });
      continue;
    }
    const vol = /^lms_(vol|sub|prs)_(.*)$/.exec(key);
    if (!vol) {
      continue;
    }
    const kind = kinds[vol[1]!]!;
    const id = vol[2]!;
    if (!/^[a-z0-9_]{1,64}$/.test(id)) {
      fail(
        key,
        /[/\\]|\.\./.test(id)
          ? 'a volume name must not contain slashes or "..".'
          : 'a volume name may only contain a-z, 0-9 and _.'
      );
      continue;
    }
    const spec = parseVolume(kind, key, id, value, m => fail(key, m));
    if (spec === undefined) {
      continue;
    }
    if (spec === null) {
      warnings.push(`custom_${key}: empty access name, volume skipped.`);
      continue;
    }
    if (!contextId) {
      fail(key, 'volumes need the course id (context_id) in the launch.');
      continue;
    }
    if (!lmsHost) {
      fail(
        key,
        'volumes need the Moodle host (lis_outcome_service_url or custom_lms_serverurl).'
      );
      continue;
    }
    spec.volumeName = `${key}_${contextId}_${lmsHost}`;
    if (spec.volumeName.length > 255) {
      fail(key, 'the volume name is too long.');
      continue;
    }
    volumes.push(spec);
  }
  // Personal copies are seeded from the task volume of the same name.
  for (const v of volumes) {
    if (v.kind === 'personal') {
      const task = volumes.find(t => t.kind === 'task' && t.id === v.id);
      v.seedFrom = task ? task.volumeName : null;
    }
  }
  // A close key is built by mod_lticontainer from the submit volume's *raw*
  // name and then normalised by Moodle, so "Home work" closes under
  // "home_work" while the volume is "homework". The predecessor never closed
  // such a volume; matching with the underscores removed fixes that.
  for (const c of closes) {
    const submits = volumes.filter(v => v.kind === 'submit');
    const target =
      submits.find(v => v.id === c.raw) ??
      submits.find(v => v.id === c.raw.replace(/_/g, ''));
    if (!/^\d{1,12}$/.test(c.value)) {
      fail(c.key, 'must be a Unix time in seconds.');
      continue;
    }
    if (!target) {
      warnings.push(`custom_${c.key}: no submit volume of that name, ignored.`);
      continue;
    }
    target.closesAt = Number(c.value);
  }
  volumes.sort((a, b) =>
    a.kind === b.kind
      ? a.key < b.key
        ? -1
        : 1
      : VOLUME_ORDER[a.kind] - VOLUME_ORDER[b.kind]
  );

  // Presentation and the Moodle feed.
  let iframe = false;
  const iframeText = lms.get('lms_iframe');
  if (iframeText !== undefined) {
    if (iframeText === '1' || iframeText === 'true') {
      iframe = true;
    } else if (!(
      iframeText === '0' ||
      iframeText === '' ||
      iframeText === 'false'
    )) {
      fail('lms_iframe', 'must be 1 or 0.');
    }
  }
  let session = { instanceId: 0, ltiId: 0 };
  const sessionText = get('lms_sessioninfo');
  if (sessionText !== undefined) {
    const m = /^(\d{1,12})\s*,\s*(\d{1,12})$/.exec(sessionText);
    if (m) {
      session = { instanceId: Number(m[1]), ltiId: Number(m[2]) };
    } else {
      fail(
        'lms_sessioninfo',
        `must be two numbers, "<instance id>,<activity id>" (got "${show(sessionText)}").`
      );
    }
  }
  const course = cleanLabel(lms.get('lms_course') ?? '');
  const ltiName = cleanLabel(lms.get('lms_ltiname') ?? '');

  let rpcToken: string | null = null;
  const tokenText = get('lms_rpctoken');
  if (tokenText !== undefined) {
    if (/^[0-9a-fA-F]{16,128}$/.test(tokenText)) {
      rpcToken = tokenText.toLowerCase();
    } else {
      // Never echo the value: it is meant to be a secret.
      fail('lms_rpctoken', 'must be a hexadecimal web-service token.');
    }
  }
  let serverPath = '';
  const pathText = get('lms_serverpath');
  if (pathText !== undefined) {
    const trimmed = pathText.replace(/\/+$/, '');
    if (
      trimmed === '' ||
      (/^(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/.test(trimmed) &&
        !trimmed.split('/').some(s => s === '.' || s === '..'))
    ) {
      serverPath = trimmed;
    } else {
      fail('lms_serverpath', 'must be a path such as /moodle.');
    }
  }
  let options = '';
  const optionsText = get('lms_options');
  if (optionsText !== undefined) {
    if (/^[A-Za-z0-9._,=-]{1,64}$/.test(optionsText)) {
      options = optionsText;
    } else {
      fail('lms_options', 'must be a single word.');
    }
  }

  for (const key of lms.keys()) {
    if (OBSOLETE_KEYS.has(key)) {
      warnings.push(`custom_${key}: obsolete, ignored.`);
    } else if (!KNOWN_KEYS.has(key) && !/^lms_(vol|sub|prs)_/.test(key)) {
      warnings.push(`custom_${key}: unknown, ignored.`);
    }
  }

  if (problems.length) {
    throw new SpawnRequestError(problems);
  }
  return {
    image,
    cpuLimit,
    memLimit,
    cpuGuarantee,
    memGuarantee,
    actLimit,
    defaultUrl,
    users,
    teachers,
    volumes,
    iframe,
    session,
    course,
    ltiName,
    rpcToken,
    serverUrl: serverUrl ? serverUrl.origin : null,
    serverPath,
    options,
    context: {
      contextId,
      resourceLinkId: (params['resource_link_id'] ?? '').trim(),
      lmsHost
    },
    warnings
  };
}

/**
 * A stable hash of what the spawn request asks of a server. Two launches
 * with equal hashes can share a running server. The token, the iframe flag
 * and the warnings do not count.
 */
export function spawnSpecHash(req: ISpawnRequest): string {
  const { rpcToken, iframe, warnings, ...rest } = req;
  void rpcToken;
  void iframe;
  void warnings;
  return createHash('sha256')
    .update(canonicalJson(rest))
    .digest('hex')
    .slice(0, 16);
}

/**
 * A copy safe for logs: the token is redacted.
 */
export function describeSpawnRequest(
  req: ISpawnRequest
): Record<string, unknown> {
  return { ...req, rpcToken: req.rpcToken ? '[redacted]' : null };
}

/**
 * Parse the predecessor's number syntax: digits with optional thousands
 * commas and an optional decimal part (`2,147,483,648`, `0.5`). Returns null
 * for anything else.
 */
export function parseLmsNumber(text: string): number | null {
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(compact)) {
    return null;
  }
  const n = Number(compact.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/**
 * Normalise an `lms_image` value: spaces removed (`repo : tag` is how
 * mod_lticontainer writes it), lower-cased, `:latest` added when there is no
 * tag or digest. Returns null when the result is not an image reference.
 */
export function normalizeImage(text: string): string | null {
  let ref = text.replace(/\s+/g, '').toLowerCase();
  if (!ref || ref.length > 255) {
    return null;
  }
  let digest = '';
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at);
    ref = ref.slice(0, at);
    if (!/^@sha256:[a-f0-9]{64}$/.test(digest)) {
      return null;
    }
  }
  let tag = '';
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
    if (!/^[a-z0-9_][a-z0-9_.-]{0,127}$/.test(tag)) {
      return null;
    }
  }
  const parts = ref.split('/');
  const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
  const registry = /^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?$/;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const ok =
      component.test(part) ||
      (i === 0 &&
        parts.length > 1 &&
        registry.test(part) &&
        /[.:]/.test(part)) ||
      (i === 0 && parts.length > 1 && part === 'localhost');
    if (!ok) {
      return null;
    }
  }
  if (!tag && !digest) {
    tag = 'latest';
  }
  return `${ref}${tag ? ':' + tag : ''}${digest}`;
}

/**
 * Match a string against a pattern where `*` is any run and `?` one
 * character.
 */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map(ch =>
          ch === '*'
            ? '.*'
            : ch === '?'
              ? '.'
              : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
        )
        .join('') +
      '$'
  );
  return re.test(text);
}

const VOLUME_ORDER: Record<VolumeKind, number> = {
  task: 0,
  submit: 1,
  personal: 2
};

const KNOWN_KEYS = new Set([
  'lms_users',
  'lms_teachers',
  'lms_image',
  'lms_cpulimit',
  'lms_memlimit',
  'lms_cpugrnt',
  'lms_memgrnt',
  'lms_actlimit',
  'lms_defurl',
  'lms_options',
  'lms_iframe',
  'lms_sessioninfo',
  'lms_course',
  'lms_ltiname',
  'lms_rpctoken',
  'lms_serverurl',
  'lms_serverpath'
]);

const OBSOLETE_KEYS = new Set(['lms_teacher', 'lms_user', 'lms_grname']);

const NAME = /^(\*|[a-z0-9._@-]{1,64})$/;

function parseNameList(
  text: string | undefined,
  fail: (m: string) => void
): string[] {
  if (text === undefined) {
    return [];
  }
  const names = text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
  const bad = names.filter(n => !NAME.test(n));
  if (bad.length) {
    fail(`not user names: ${bad.map(b => `"${show(b)}"`).join(', ')}.`);
    return [];
  }
  return [...new Set(names)];
}

/**
 * Parse `<access name>[:<user>,…]`. Returns null for an empty access name
 * (skipped, as the predecessor does) and undefined after a failure.
 */
function parseVolume(
  kind: VolumeKind,
  key: string,
  id: string,
  value: string,
  fail: (m: string) => void
): IVolumeSpec | null | undefined {
  const colon = value.indexOf(':');
  const access = (colon < 0 ? value : value.slice(0, colon)).trim();
  const listText = colon < 0 ? '' : value.slice(colon + 1).trim();
  if (!access) {
    return null;
  }
  const dash = access.startsWith('-');
  const linkName = dash ? access.slice(1) : access;
  if (/[/\\]/.test(linkName) || linkName === '.' || linkName === '..') {
    fail(
      `the access name "${show(access)}" must not contain slashes or be "." or "..".`
    );
    return undefined;
  }
  if (!/^[\p{L}\p{N}\p{M}_+@=][\p{L}\p{N}\p{M}._+@=-]{0,63}$/u.test(linkName)) {
    fail(
      `the access name "${show(access)}" may only contain letters, digits and . _ + @ = - (at most 64).`
    );
    return undefined;
  }
  let users: string[] | null = null;
  if (listText) {
    let bad = false;
    users = parseNameList(listText, m => {
      bad = true;
      fail(`user list: ${m}`);
    });
    if (bad) {
      return undefined;
    }
  }
  return {
    kind,
    key,
    id,
    access,
    linkName,
    teacherOnly: dash && kind !== 'submit',
    users,
    closesAt: null,
    seedFrom: null,
    volumeName: ''
  };
}

function parseLimit(
  text: string | undefined,
  fallback: number,
  parse: (text: string) => number | string,
  fail: (m: string) => void
): number {
  if (text === undefined) {
    return fallback;
  }
  const result = parse(text);
  if (typeof result === 'string') {
    fail(`"${show(text)}" ${result}`);
    return fallback;
  }
  return result;
}

function parseServerUrl(
  text: string | undefined,
  fail: (m: string) => void
): URL | null {
  if (text === undefined) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail('must be a URL such as https://lms.example.edu:443.');
    return null;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash
  ) {
    fail('must be <scheme>://<host>:<port>, with no path.');
    return null;
  }
  return url;
}

function pickLmsHost(
  outcomeUrl: string | undefined,
  serverUrl: URL | null
): string {
  if (outcomeUrl) {
    try {
      const host = new URL(outcomeUrl).hostname.toLowerCase();
      if (isHostName(host)) {
        return host;
      }
    } catch {
      // fall through to lms_serverurl
    }
  }
  if (serverUrl && isHostName(serverUrl.hostname)) {
    return serverUrl.hostname.toLowerCase();
  }
  return '';
}

function isHostName(host: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(
    host
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL_OR_BACKSLASH = /[\\\u0000-\u001f\u007f]/g;

/**
 * Course and activity names: `\`, CR, LF and other control characters go
 * (as in the predecessor), and the length is bounded.
 */
function cleanLabel(text: string): string {
  return text.replace(CONTROL_OR_BACKSLASH, '').trim().slice(0, 200);
}

function show(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 48 ? clean.slice(0, 45) + '...' : clean;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return '[' + value.map(canonicalJson).join(',') + ']';
  }
  if (value && typeof value === 'object') {
    return (
      '{' +
      Object.keys(value)
        .sort()
        .map(
          k =>
            JSON.stringify(k) +
            ':' +
            canonicalJson((value as Record<string, unknown>)[k])
        )
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(value ?? null);
}
