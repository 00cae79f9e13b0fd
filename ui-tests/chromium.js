/**
 * How every browser in this repository is launched: Debian's Chromium (no
 * Playwright download is reachable) with the flags this machine needs. Root
 * needs --no-sandbox; the closed network refuses Chromium's background
 * connections, so they are turned off.
 */
module.exports = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run'
  ]
};
