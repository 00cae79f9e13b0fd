/**
 * The jest configuration every package shares: JupyterLab's own (jsdom,
 * shims, ts-jest with tsconfig.test.json), plus transforming the ES-module
 * packages that arrive from npm rather than from a source checkout.
 */
const jupyterlabConfig = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyter/',
  '@jupyterlab/',
  '@lumino/',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

module.exports = function (packageDir) {
  const base = jupyterlabConfig(packageDir);
  return {
    ...base,
    automock: false,
    reporters: ['default'],
    // Jest's 5 s default is too short for jsdom suites when CI's two cores
    // are shared with a build; a real hang still fails, just later.
    testTimeout: 20000,
    testRegex: 'test/.*\\.spec\\.tsx?$',
    transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
  };
};
