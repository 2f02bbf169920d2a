#!/usr/bin/env bash
# The whole system on one machine with simulated devices: installs what is missing, runs `chot demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/chot demo "$@"
