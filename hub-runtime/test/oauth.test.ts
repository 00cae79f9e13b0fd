/*
 * Copyright (c) ltilab developers
 * Distributed under the terms of the BSD-3-Clause License.
 */

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import {
  baseStringUri,
  constantTimeEqual,
  hmacSha1Sign,
  normalizeParameters,
  parseFormEncoded,
  percentEncode,
  resolveRequestUrl,
  signatureBaseString,
  verifyHmacSha1
} from '../src/index.js';

describe('oauth', () => {
  describe('percentEncode', () => {
    it('keeps only the unreserved characters', () => {
      assert.equal(percentEncode('AZaz09-._~'), 'AZaz09-._~');
      assert.equal(
        percentEncode(" !*'()+/:=&%"),
        '%20%21%2A%27%28%29%2B%2F%3A%3D%26%25'
      );
    });

    it('encodes UTF-8 bytes with upper-case hex', () => {
      assert.equal(percentEncode('ü'), '%C3%BC');
      assert.equal(percentEncode('課題'), '%E8%AA%B2%E9%A1%8C');
      assert.equal(percentEncode('\u00ff\n'), '%C3%BF%0A');
    });

    it('does not throw on a lone surrogate', () => {
      assert.equal(percentEncode('\ud800'), '%EF%BF%BD');
    });
  });

  describe('normalizeParameters', () => {
    it('reproduces the RFC 5849 section 3.4.1.3.2 example', () => {
      // Query b5=%3D%253D&a3=a&c%40=&a2=r%20b, body c2&a3=2+q, plus the
      // Authorization-header parameters of the example.
      const params = [
        ...parseFormEncoded('b5=%3D%253D&a3=a&c%40=&a2=r%20b'),
        ...parseFormEncoded('c2&a3=2+q'),
        ['oauth_consumer_key', '9djdj82h48djs9d2'],
        ['oauth_token', 'kkk9d7dh3k39sjv7'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131201'],
        ['oauth_nonce', '7d8f3e4a'],
        ['oauth_signature', 'ignored']
      ] as const;
      assert.equal(
        normalizeParameters(params),
        'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2' +
          '&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201' +
          '&oauth_token=kkk9d7dh3k39sjv7'
      );
    });

    it('keeps duplicates and sorts them by value', () => {
      assert.equal(
        normalizeParameters([
          ['b', '2'],
          ['a', 'z'],
          ['b', '1'],
          ['a', 'y']
        ]),
        'a=y&a=z&b=1&b=2'
      );
    });

    it('sorts by encoded name', () => {
      // 'a b' encodes to a%20b, which sorts before a-b ('%' < '-').
      assert.equal(
        normalizeParameters([
          ['a-b', '1'],
          ['a b', '2'],
          ['a', '3']
        ]),
        'a=3&a%20b=2&a-b=1'
      );
    });
  });

  describe('baseStringUri', () => {
    it('lower-cases scheme and host and drops default ports', () => {
      assert.equal(
        baseStringUri('HTTPS', 'Hub.Example.EDU:443', '/hub/lti/launch'),
        'https://hub.example.edu/hub/lti/launch'
      );
      assert.equal(
        baseStringUri('http', 'example.com:80', '/r'),
        'http://example.com/r'
      );
    });

    it('keeps other ports, the path case and drops the query', () => {
      assert.equal(
        baseStringUri('http', 'example.com:8080', '/Hub/Launch?x=1'),
        'http://example.com:8080/Hub/Launch'
      );
      assert.equal(
        baseStringUri('https', 'example.com:80', '/'),
        'https://example.com:80/'
      );
    });

    it('handles IPv6 literals', () => {
      assert.equal(
        baseStringUri('http', '[::1]:8000', '/a'),
        'http://[::1]:8000/a'
      );
      assert.equal(baseStringUri('http', '[::1]:80', '/a'), 'http://[::1]/a');
    });
  });

  describe('signing', () => {
    it('signs with enc(secret)& as the key', () => {
      const base = signatureBaseString('post', 'http://example.com/r', [
        ['a', '1']
      ]);
      assert.equal(base, 'POST&http%3A%2F%2Fexample.com%2Fr&a%3D1');
      const sig = hmacSha1Sign(base, 's&cret');
      // Independent: HMAC-SHA1 keyed with "s%26cret&".
      assert.equal(
        sig,
        createHmac('sha1', 's%26cret&').update(base).digest('base64')
      );
      assert.ok(verifyHmacSha1(base, 's&cret', sig));
      assert.ok(!verifyHmacSha1(base, 's&cret2', sig));
      assert.ok(!verifyHmacSha1(base, 's&cret', sig.slice(0, -2)));
    });

    it('compares in constant time, whatever the lengths', () => {
      assert.ok(constantTimeEqual('abc', 'abc'));
      assert.ok(!constantTimeEqual('abc', 'abd'));
      assert.ok(!constantTimeEqual('abc', 'abcd'));
      assert.ok(!constantTimeEqual('', 'a'));
    });
  });

  describe('resolveRequestUrl', () => {
    const headers = {
      host: '127.0.0.1:8000',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'Hub.Example.edu',
      forwarded: 'for=1.2.3.4;proto=https;host="lms-proxy.example.edu"'
    };

    it('ignores forwarded headers unless the proxy is trusted', () => {
      const url = resolveRequestUrl(
        { headers, url: '/hub/lti/launch?a=1', encrypted: false },
        { trustProxy: false, proxyHeader: 'x-forwarded' }
      );
      assert.equal(url.baseUri, 'http://127.0.0.1:8000/hub/lti/launch');
      assert.equal(url.query, 'a=1');
      assert.equal(url.scheme, 'http');
    });

    it('reads X-Forwarded-* from a trusted proxy, last value wins', () => {
      const url = resolveRequestUrl(
        {
          headers: {
            ...headers,
            'x-forwarded-proto': 'http, https',
            'x-forwarded-host': 'evil.example, Hub.Example.edu'
          },
          url: '/hub/lti/launch',
          encrypted: false
        },
        { trustProxy: true, proxyHeader: 'x-forwarded' }
      );
      assert.equal(url.baseUri, 'https://hub.example.edu/hub/lti/launch');
    });

    it('adds X-Forwarded-Port when the host has no port', () => {
      const url = resolveRequestUrl(
        {
          headers: { ...headers, 'x-forwarded-port': '8443' },
          url: '/l',
          encrypted: false
        },
        { trustProxy: true, proxyHeader: 'x-forwarded' }
      );
      assert.equal(url.baseUri, 'https://hub.example.edu:8443/l');
    });

    it('reads only the configured header family', () => {
      const url = resolveRequestUrl(
        { headers, url: '/l', encrypted: false },
        { trustProxy: true, proxyHeader: 'forwarded' }
      );
      assert.equal(url.baseUri, 'https://lms-proxy.example.edu/l');
    });

    it('uses the TLS connection and a fixed public URL', () => {
      assert.equal(
        resolveRequestUrl(
          { headers: { host: 'hub:443' }, url: '/l', encrypted: true },
          { trustProxy: false, proxyHeader: 'x-forwarded' }
        ).baseUri,
        'https://hub/l'
      );
      assert.equal(
        resolveRequestUrl(
          { headers, url: '/l', encrypted: false },
          {
            trustProxy: true,
            proxyHeader: 'x-forwarded',
            publicUrl: 'https://pub.example:9443'
          }
        ).baseUri,
        'https://pub.example:9443/l'
      );
    });
  });
});
