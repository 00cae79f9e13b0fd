/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ChunkedDecoder,
  parseRequestHead,
  parseResponseHead,
  type IRequestHead,
  type IResponseHead
} from '../src/index.js';

const MAX = 16 * 1024;

function req(text: string): ReturnType<typeof parseRequestHead> {
  return parseRequestHead(Buffer.from(text, 'latin1'), MAX);
}

function res(text: string): ReturnType<typeof parseResponseHead> {
  return parseResponseHead(Buffer.from(text, 'latin1'), MAX);
}

describe('parseRequestHead', () => {
  it('parses a plain request with its headers and body length', () => {
    const text =
      'POST /user/a/api?x=1 HTTP/1.1\r\nHost: h:1\r\nCookie: a=1\r\n' +
      'cookie: b=2\r\nContent-Length: 5\r\nConnection: keep-alive, close\r\n\r\nhello';
    const head = req(text) as IRequestHead;
    assert.equal(head.method, 'POST');
    assert.equal(head.target, '/user/a/api?x=1');
    assert.equal(head.headers.cookie, 'a=1; b=2');
    assert.equal(head.contentLength, 5);
    assert.equal(head.close, true);
    assert.equal(head.length, text.length - 5);
    assert.deepEqual(head.lines.slice(0, 3), ['Host', 'host', 'h:1']);
  });

  it('waits for the rest of a head', () => {
    assert.equal(req('GET /user/a/ HTTP/1.1\r\nHost: h\r\n'), 'incomplete');
  });

  // Each of these must leave the fast path for Node's own parser.
  const others: [string, string][] = [
    [
      'both Content-Length and Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n'
    ],
    [
      'Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
    ],
    [
      'two Content-Lengths',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n'
    ],
    [
      'a list in Content-Length',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\n'
    ],
    [
      'a signed Content-Length',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n'
    ],
    [
      'a hex Content-Length',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\n'
    ],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n'],
    ['a bare LF', 'GET / HTTP/1.1\r\nHost: h\nX-A: 1\r\n\r\n'],
    ['a bare CR in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r2\r\n\r\n'],
    [
      'a space before the colon',
      'GET / HTTP/1.1\r\nHost: h\r\nX-A : 1\r\n\r\n'
    ],
    ['no Host', 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n'],
    ['two Hosts', 'GET / HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n'],
    ['HTTP/1.0', 'GET / HTTP/1.0\r\nHost: h\r\n\r\n'],
    ['an absolute-form target', 'GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a leading empty line', '\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['Expect', 'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n'],
    [
      'a WebSocket upgrade',
      'GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'
    ],
    [
      'an oversized head',
      `GET / HTTP/1.1\r\nHost: h\r\nX-A: ${'a'.repeat(MAX)}\r\n\r\n`
    ],
    [
      'an unterminated oversized head',
      `GET / HTTP/1.1\r\nX-A: ${'a'.repeat(MAX)}`
    ]
  ];
  for (const [what, text] of others) {
    it(`hands over ${what}`, () => {
      assert.equal(req(text), 'other');
    });
  }
});

describe('parseResponseHead', () => {
  it('frames by length, chunks or the close', () => {
    const a = res(
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n'
    ) as IResponseHead;
    assert.equal(a.contentLength, 4);
    assert.equal(a.close, false);
    const b = res(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Type: Text/HTML\r\n\r\n'
    ) as IResponseHead;
    assert.equal(b.chunked, true);
    assert.equal(b.contentType, 'text/html');
    const c = res(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'
    ) as IResponseHead;
    assert.equal(c.chunked, false);
    assert.equal(c.close, true, 'a body that only the close ends');
    const d = res(
      'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n'
    ) as IResponseHead;
    assert.equal(d.close, true);
    const e = res(
      'HTTP/1.1 204 \r\nConnection: close\r\n\r\n'
    ) as IResponseHead;
    assert.equal(e.status, 204);
    assert.equal(e.close, true);
  });

  it('refuses framings that cannot be trusted', () => {
    for (const text of [
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\n\r\n',
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n'
    ]) {
      assert.equal(res(text), 'invalid', text);
    }
  });
});

describe('ChunkedDecoder', () => {
  const body = '4\r\nWiki\r\n6;ext=1\r\npedia \r\n0\r\nX-Trailer: 1\r\n\r\n';

  it('finds the end and decodes, fed in one piece or byte by byte', () => {
    for (const step of [body.length + 5, 1, 3]) {
      const d = new ChunkedDecoder();
      const input = Buffer.from(body + 'NEXT');
      const out: Buffer[] = [];
      let used = 0;
      for (let i = 0; i < input.length && !d.done; i += step) {
        const piece = input.subarray(i, Math.min(i + step, input.length));
        const n = d.feed(piece, data => out.push(Buffer.from(data)));
        assert.ok(n >= 0);
        used += n;
      }
      assert.ok(d.done);
      assert.equal(used, body.length, `step ${step}`);
      assert.equal(Buffer.concat(out).toString(), 'Wikipedia ');
    }
  });

  it('refuses malformed chunks', () => {
    for (const bad of [
      'x\r\n',
      '4\r\nWikiXX\r\n',
      '-1\r\n',
      '4\nWiki\r\n',
      `${'1'.repeat(13)}\r\n`,
      '0\r\n bad\r\n\r\n'
    ]) {
      assert.equal(new ChunkedDecoder().feed(Buffer.from(bad)), -1, bad);
    }
  });
});
