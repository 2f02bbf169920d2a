#!/usr/bin/env bash
# The whole test suite: installs what is missing, then lint, types, firmware type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"
ruff check .
echo "== imports point one way (import-linter)"
lint-imports --no-cache
echo "== mypy"
mypy chot screening hardware infra gateway center kiosk_ui sim
if chot firmware --help >/dev/null 2>&1; then
    echo "== firmware type-check against the MicroPython stubs"
    chot firmware check
fi
echo "== pytest"
pytest -q -p no:cacheprovider "$@"
