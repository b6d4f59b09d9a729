#!/usr/bin/env bash
# Install Engagement Desk into .venv (system packages first, when missing).
#
#   install.sh          the app and what it needs to run
#   install.sh --test   also the test, lint and build tools, PostgreSQL's driver and the
#                       system packages the tests use
#
# Re-running is quick: nothing is reinstalled unless pyproject.toml (or the choice) changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
extras=""
if [ "$mode" = "--test" ]; then
  extras="[dev,postgres]"
  bash scripts/install-system-deps.sh --test
else
  bash scripts/install-system-deps.sh
fi
PYTHON=${PYTHON:-python3}
stamp=.venv/.installed
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
if [ -f "$stamp" ] && [ -x .venv/bin/engagement-desk ]; then
  have=$(cat "$stamp")
  # A test install also serves the app; an app install does not serve the tests.
  if [ "$have" = "$wanted" ] || { [ -z "$extras" ] && [ "${have%% *}" = "${wanted%% *}" ]; }; then
    exit 0
  fi
fi
echo "Installing Engagement Desk${extras:+ with its test tools} into .venv …"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras"
echo "$wanted" > "$stamp"
