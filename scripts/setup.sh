#!/usr/bin/env bash
# Installs what is missing for ltilab's main job and its tests, and nothing
# that is already there. Safe to run again and again.
#
#   scripts/setup.sh          Python venv + npm packages (the main job)
#   scripts/setup.sh --test   also Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

apt_install() {
  # apt-get update once per machine, then install only what is missing.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  if [ ! -f /var/lib/apt/periodic/ltilab-updated ]; then
    apt-get update -qq
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/ltilab-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node.js 20.19+ and Python 3.9+ come with the machine; say so plainly if not.
command -v node >/dev/null || { echo "setup: Node.js >= 20.19 is required" >&2; exit 1; }
command -v python3 >/dev/null || { echo "setup: Python >= 3.9 is required" >&2; exit 1; }

if [ $want_test -eq 1 ]; then
  # Chromium for the UI tests; CJK fonts so the Japanese UI is legible in
  # screenshots.
  apt_install chromium fonts-noto-cjk
  # Podman (with runc) for the hub's container backend tests; they start
  # `podman system service` themselves with hub-runtime/image/containers.conf.
  apt_install podman runc
fi

# The project-local virtualenv with the pinned JupyterLab.
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
req_stamp=.venv/.requirements.sha
req_sum=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ "$(cat "$req_stamp" 2>/dev/null)" != "$req_sum" ]; then
  log "pip install -r requirements-dev.txt"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import jupyterlab, build, hatch_jupyter_builder" \
    || { echo "setup: pip install failed" >&2; exit 1; }
  echo "$req_sum" > "$req_stamp"
fi

# npm packages at the versions the lockfile pins. Browsers come from Debian.
# `npm install` rather than `npm ci`: the registry lacks some platforms'
# optional binaries (rspack's darwin and windows builds), which npm leaves out
# of the lockfile and `npm ci` then refuses as "out of sync".
lock_stamp=node_modules/.package-lock.sha
lock_sum=$(sha256sum package-lock.json package.json */package.json packages/*/package.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$lock_stamp" 2>/dev/null)" != "$lock_sum" ]; then
  log "npm install (lockfile versions)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --prefer-offline --loglevel=error
  lock_sum=$(sha256sum package-lock.json package.json */package.json packages/*/package.json | sha256sum | cut -d' ' -f1)
  echo "$lock_sum" > "$lock_stamp"
fi
log "ready"
