#!/usr/bin/env bash
# Install, fill a demo database (first time only) and open Engagement Desk on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
home=${ENGAGEMENT_DESK_HOME:-$PWD/demo-data}
if [ ! -f "$home/engagement-desk.sqlite3" ]; then
  .venv/bin/engagement-desk --data-dir "$home" demo
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No screen found: starting on a virtual screen (xvfb-run). Close it with Ctrl+C."
  exec xvfb-run -a .venv/bin/engagement-desk --data-dir "$home" "$@"
fi
exec .venv/bin/engagement-desk --data-dir "$home" "$@"
