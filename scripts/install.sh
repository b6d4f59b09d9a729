#!/usr/bin/env bash
# Install everything Engagement Desk needs into .venv (system packages first, when missing).
# Re-running is quick: nothing is reinstalled unless pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PYTHON=${PYTHON:-python3}
stamp=.venv/.installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/engagement-desk ]; then
  exit 0
fi
echo "Installing Engagement Desk and its Python packages into .venv …"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
echo "$wanted" > "$stamp"
