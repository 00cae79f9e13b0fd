/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

/**
 * The texts of the hub's own JupyterLab notices (the jnotice files): the
 * time-limit warning, the memory warning and the sticky "stopping" notice,
 * in Japanese and English, as the predecessor's health check wrote them.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The predecessor's notice templates (`notice_<kind>.txt` and
 * `notice_<kind>_jp.txt`).
 */
export type NoticeKind = 'active' | 'memory' | 'sticky';

/**
 * One notice in both languages.
 */
export interface INoticeText {
  ja: string;
  en: string;
}

/**
 * The built-in texts. The English ones are the predecessor's templates word
 * for word; the Japanese ones say the same.
 */
export const DEFAULT_NOTICES: Readonly<Record<NoticeKind, INoticeText>> =
  Object.freeze({
    active: {
      ja: '利用時間の上限に近づいています。ファイルを保存して、再接続してください。',
      en: 'You are about to reach your usage time limit. Please save your files and reconnect.'
    },
    memory: {
      ja: 'メモリ使用量が多くなっています。このままではコンテナが停止する恐れがあります。通常のプログラムで起きる場合は、管理者に相談してください。',
      en: 'Memory usage is high. If this continues, the container may crash! For normal programs, please consult your administrator.'
    },
    sticky: {
      ja: '利用時間の上限に達したため、コンテナを停止します。続ける場合は、再接続してください。',
      en: 'The time limit has been reached, so the container will be stopped. If you wish to continue, you can reconnect.'
    }
  });

/**
 * The predecessor's cap on a notice, in bytes.
 */
export const MAX_NOTICE_BYTES = 10_000;

/**
 * The text written to a notice file: Japanese first, then English, each
 * cleaned as the predecessor's producer did (CR and trailing spaces gone,
 * at most {@link MAX_NOTICE_BYTES}).
 */
export function noticeText(text: INoticeText): string {
  const joined = [text.ja, text.en].map(cleanNotice).filter(Boolean).join('\n');
  return capBytes(joined, MAX_NOTICE_BYTES);
}

/**
 * Read the predecessor's template directory (`notice_active.txt`,
 * `notice_active_jp.txt`, ...); a missing file keeps the built-in text.
 */
export function loadNoticeTemplates(
  dir: string | null
): Record<NoticeKind, INoticeText> {
  const result = { ...DEFAULT_NOTICES };
  if (!dir) {
    return result;
  }
  const read = (name: string): string | null => {
    try {
      return cleanNotice(readFileSync(join(dir, name), 'utf8')) || null;
    } catch {
      return null;
    }
  };
  for (const kind of Object.keys(result) as NoticeKind[]) {
    result[kind] = {
      ja: read(`notice_${kind}_jp.txt`) ?? result[kind].ja,
      en: read(`notice_${kind}.txt`) ?? result[kind].en
    };
  }
  return result;
}

function cleanNotice(text: string): string {
  return text
    .replace(/\r/g, '')
    .split('\n')
    .map(line => line.replace(/\s+$/, ''))
    .join('\n')
    .trim();
}

function capBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) {
    return text;
  }
  // Cut at a character boundary: drop a trailing partial UTF-8 sequence.
  return buf
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
