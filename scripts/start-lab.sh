#!/usr/bin/env bash
# The main job: JupyterLab with every ltilab extension, serving a copy of the
# sample course. The copy lives in .ltilab/course, so the repository stays
# clean and a student's edits survive a restart.
set -euo pipefail
cd "$(dirname "$0")/.."

course=.ltilab/course
if [ ! -d "$course" ]; then
  mkdir -p .ltilab
  cp -a examples/sample-course "$course"
fi

port="${LTILAB_PORT:-8888}"
echo "ltilab: JupyterLab on http://127.0.0.1:${port}/lab (course folder: ${course})"
echo "ltilab: write ${course}/.jnotice.txt to post a notice; Ctrl+C stops the server."
exec .venv/bin/jupyter lab \
  --no-browser \
  --ServerApp.ip=127.0.0.1 \
  --ServerApp.port="$port" \
  --ServerApp.root_dir="$course" \
  --ContentsManager.allow_hidden=True \
  $([ "$(id -u)" -eq 0 ] && echo --allow-root) \
  "$@"
