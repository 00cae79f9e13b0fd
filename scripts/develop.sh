#!/usr/bin/env bash
# Development mode: the .venv's JupyterLab runs the source tree.
#   - the ltilab Python package is installed editable (server extensions,
#     CLIs and translations come from python/);
#   - every built labextension under python/ltilab/labextensions is linked
#     into the venv, so a rebuild of one extension
#     (`node scripts/build-labextension.mjs --development packages/X-extension`)
#     is live after a page reload. Run this again after building a new one.
# `make install` (and so `make test`) replaces all of it with the wheel.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
HATCH_JUPYTER_BUILDER_SKIP_NPM=1 "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$root" 2>&1 \
  | grep -v "^WARNING: Location" || true
target="$venv/share/jupyter/labextensions"
for dir in "$root"/python/ltilab/labextensions/@ltilab/*/; do
  name="@ltilab/$(basename "$dir")"
  mkdir -p "$target/@ltilab"
  rm -rf "${target:?}/$name"
  ln -s "${dir%/}" "$target/$name"
  echo "develop: $name -> ${dir%/}"
done
