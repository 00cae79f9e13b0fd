#!/usr/bin/env bash
# Makes Playwright use Debian's Chromium, which is the only browser this
# project may install. Playwright's own browser downloads are not reachable.
#
# It prints a PLAYWRIGHT_BROWSERS_PATH folder in which the chromium,
# chromium-headless-shell and ffmpeg revisions that node_modules' playwright-core
# expects point at /usr/bin/chromium and carry Playwright's
# INSTALLATION_COMPLETE marker. `playwright install chromium` then finds
# everything installed, and `chromium.launch()` with no executablePath (as
# jupyterlab.browser_check does it) starts Debian's Chromium.
#
# Usage: export PLAYWRIGHT_BROWSERS_PATH="$(scripts/playwright-debian-browsers.sh DIR)"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: $0 DIR}"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "playwright-debian-browsers: $chromium not found (apt-get install chromium)" >&2; exit 1; }

revision() {
  node -e '
    const b = require(process.argv[1]).browsers.find(b => b.name === process.argv[2]);
    if (!b) { process.exit(1); }
    console.log(b.revision);' "$root/node_modules/playwright-core/browsers.json" "$1"
}

mkdir -p "$dir"
chromium_rev=$(revision chromium)
shell_rev=$(revision chromium-headless-shell)
ffmpeg_rev=$(revision ffmpeg)

install_fake() {
  local folder="$1" exe="$2"
  mkdir -p "$dir/$folder/$(dirname "$exe")"
  ln -sfn "$chromium" "$dir/$folder/$exe"
  touch "$dir/$folder/INSTALLATION_COMPLETE"
}
install_fake "chromium-$chromium_rev" chrome-linux64/chrome
install_fake "chromium_headless_shell-$shell_rev" chrome-headless-shell-linux64/chrome-headless-shell
# Video recording only; nothing of ltilab's uses it.
mkdir -p "$dir/ffmpeg-$ffmpeg_rev" && touch "$dir/ffmpeg-$ffmpeg_rev/INSTALLATION_COMPLETE"
echo "$dir"
