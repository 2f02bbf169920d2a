#!/usr/bin/env bash
# Installs what chot needs on a fresh Debian/Ubuntu machine: system packages through apt
# (only those missing) and the Python packages into ./.venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libzbar0 mosquitto mosquitto-clients tmux postgresql; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "chot setup: installing system packages: ${need[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
    # The Debian package enables a system-wide broker; chot starts its own on free ports.
    # Likewise PostgreSQL: the tests start throwaway clusters of their own.
    if command -v systemctl >/dev/null 2>&1; then
        $sudo systemctl disable --now mosquitto postgresql >/dev/null 2>&1 || true
    fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.chot-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # compat mode puts the checkout on sys.path, so new packages need no reinstall
    .venv/bin/python -m pip install -q -e ".[dev]" --config-settings editable_mode=compat
    touch "$stamp"
fi
