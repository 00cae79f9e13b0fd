#!/usr/bin/env bash
# Installs the built wheel into a brand-new virtualenv with no Node.js on
# PATH, then checks what a school's admin would see:
#   - `jupyter labextension list` shows every ltilab extension enabled and OK,
#     installed by the ltilab Python package;
#   - `python -m jupyterlab.browser_check` passes: JupyterLab starts in a real
#     Chromium with every plugin activated and no error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
wheel=$(ls dist/ltilab-*.whl | head -1)
venv="$root/build/check-venv"

rm -rf "$venv"
python3 -m venv "$venv"
# A PATH with the new venv only: no node, no npm, no jlpm.
nonode_path="$venv/bin"
if env PATH="$nonode_path" sh -c 'command -v node' >/dev/null 2>&1; then
  echo "check-wheel: node is still reachable" >&2; exit 1
fi
echo "check-wheel: pip install $(basename "$wheel") (no Node on PATH)"
env PATH="$nonode_path" "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" 2>&1 \
  | grep -v "^WARNING: Location" || true
env PATH="$nonode_path" "$venv/bin/python" -c "import ltilab" \
  || { echo "check-wheel: the wheel did not install" >&2; exit 1; }

listing=$(env PATH="$nonode_path" "$venv/bin/jupyter" labextension list 2>&1)
echo "$listing"
names=$("$venv/bin/python" -c 'import ltilab; print(" ".join(ltilab.LABEXTENSIONS))')
for name in $names; do
  if ! grep -E "^\s*${name} v[0-9.]+ .*enabled.*OK.*\(python, ltilab\)" <<<"$listing" >/dev/null; then
    echo "check-wheel: $name is not listed as enabled and OK from the ltilab package" >&2
    exit 1
  fi
  echo "check-wheel: $name enabled OK"
done

# browser_check drives the browser through the playwright npm package in
# <app dir>/browser_test; give it ours, pointed at Debian's Chromium.
app_dir=$("$venv/bin/python" -c 'from jupyterlab.commands import get_app_dir; print(get_app_dir())')
bt="$app_dir/browser_test"
mkdir -p "$bt/node_modules/.bin"
echo '{"name": "browser_test", "version": "1.0.0", "private": true}' > "$bt/package.json"
ln -sfn "$root/node_modules/playwright" "$bt/node_modules/playwright"
ln -sfn "$root/node_modules/playwright-core" "$bt/node_modules/playwright-core"
ln -sfn ../playwright/cli.js "$bt/node_modules/.bin/playwright"
PLAYWRIGHT_BROWSERS_PATH="$("$root/scripts/playwright-debian-browsers.sh" "$root/build/playwright-browsers")"
export PLAYWRIGHT_BROWSERS_PATH
allow_root=""
[ "$(id -u)" -eq 0 ] && allow_root="--ServerApp.allow_root=True"
echo "check-wheel: python -m jupyterlab.browser_check"
(cd "$root/build" && "$venv/bin/python" -m jupyterlab.browser_check $allow_root) > build/browser_check.log 2>&1 || {
  tail -40 build/browser_check.log; echo "check-wheel: browser_check failed" >&2; exit 1;
}
grep -E "Browser test complete|Exiting normally" build/browser_check.log
echo "check-wheel: passed"
