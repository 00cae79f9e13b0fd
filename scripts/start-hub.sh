#!/usr/bin/env bash
# The main job: the ltilab hub in demo mode, with its LTI test-consumer page,
# starting each user's JupyterLab (every ltilab extension) behind its proxy.
# State lives in .ltilab/hub-demo, so a restart adopts running servers.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${LTILAB_PORT:-8000}"
echo "ltilab: hub in demo mode on http://127.0.0.1:${port}/ (the LTI test-consumer page)"
echo "ltilab: demo mode lets anyone who reaches this port sign in as anyone; Ctrl+C stops the hub."
exec node hub-runtime/lib/src/cli.js --demo \
  --jupyter .venv/bin/jupyter \
  --data-dir .ltilab/hub-demo \
  --host 127.0.0.1 --port "$port" "$@"
