/**
 * Browser tests against a real JupyterLab, in Debian's Chromium.
 *
 * The server root is a fixed folder so that tests can write notice files on
 * disk, as the hub's health check does.
 */
const fs = require('fs');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');
const chromium = require('./chromium');

const serverRoot =
  process.env.JUPYTERLAB_GALATA_ROOT_DIR ??
  path.join(__dirname, '.cache', 'server-root');
fs.mkdirSync(serverRoot, { recursive: true });
process.env.JUPYTERLAB_GALATA_ROOT_DIR = serverRoot;

module.exports = {
  ...baseConfig,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    // Video needs Playwright's own ffmpeg download, which is not reachable;
    // traces on retry carry screenshots and DOM snapshots instead.
    video: 'off',
    launchOptions: chromium
  },
  expect: {
    ...baseConfig.expect,
    toMatchSnapshot: { maxDiffPixelRatio: 0.01 }
  },
  webServer: {
    command: 'jupyter lab --config jupyter_server_test_config.py',
    url: 'http://localhost:8888/lab',
    timeout: 120000,
    reuseExistingServer: !process.env.CI,
    env: { ...process.env, JUPYTERLAB_GALATA_ROOT_DIR: serverRoot }
  }
};
