#!/usr/bin/env bash
# Build the ltilab user image from this repository (see docs/containers.md):
#
#   hub-runtime/image/build.sh [TAG]      default TAG: localhost/ltilab-lab:<version>
#
# Makes the wheel (make wheel), then builds hub-runtime/image/Containerfile
# with podman (or docker when podman is absent). The base image comes from a
# registry; set PYTHON_IMAGE to use a mirror or a local image.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
version="$(python3 -c 'import re;print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open("python/ltilab/_version.py").read()).group(1))')"
tag="${1:-localhost/ltilab-lab:$version}"
engine="$(command -v podman || command -v docker || true)"
[ -n "$engine" ] || { echo "build.sh: needs podman or docker" >&2; exit 1; }
make wheel
# A small build context: the wheel only, not the whole repository.
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/dist"
cp dist/ltilab-*.whl "$context/dist/"
args=(build -f hub-runtime/image/Containerfile -t "$tag")
[ -n "${PYTHON_IMAGE:-}" ] && args+=(--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE")
"$engine" "${args[@]}" "$context"
echo "built $tag; allow it in the hub's config: spawn.imageAllowlist: [\"${tag%:*}:*\"]"
