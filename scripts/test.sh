#!/usr/bin/env bash
# Install everything, then lint, type-check and run the whole test suite (GUI tests offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m pytest "$@"
