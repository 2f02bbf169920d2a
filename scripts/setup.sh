#!/usr/bin/env bash
# Installs what chot needs on a fresh Debian/Ubuntu machine: system packages through apt
# (only those missing) and chot itself, editable, with its dev tools into ./.venv. Safe to
# run again. Says one line per step; apt's and pip's own output go to the log, whose path
# and last lines are printed if a step fails.
#
# `setup.sh --kiosk` sets up a kiosk box instead: only what the kiosk runs (the decoder's
# library, the display path, the font), chot without the dev tools, and `chot` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
role=dev
if [ "${1:-}" = "--kiosk" ]; then
    role=kiosk
elif [ $# -gt 0 ]; then
    echo "usage: scripts/setup.sh [--kiosk]" >&2
    exit 2
fi

LOG=.venv/setup.log
PY=${PYTHON:-python3}

# Why each system package is needed, said when it is installed.
declare -A WHY=(
    [libzbar0]="QR decoding by pyzbar"
    [mosquitto]="MQTT broker for the tests and demo"
    [mosquitto-clients]="mosquitto_sub/pub to watch the broker"
    [tmux]="the demo's kiosk and center windows"
    [postgresql]="the center's multi-instance store, started per test"
    [python3-venv]="to create .venv"
    [cage]="the kiosk's display path (deploy/systemd/chot-kiosk.service), run by its tests"
    [foot]="the terminal cage shows on the kiosk"
    [fonts-jetbrains-mono]="the kiosk's font: all of Vietnamese and the borders"
    [fonts-dejavu-core]="the kiosk's fallback font for its symbols"
    [xwayland]="cage starts it"
    [grim]="screenshots of the kiosk's display in the tests"
    [chromium]="the browser views (--serve) tested in a real browser"
    [nodejs]="runs the thermometer firmware on MicroPython's WebAssembly port in the tests"
    [npm]="fetches that MicroPython port"
)

logging=0
start_log() {
    # A fresh log per run that installs something; .venv/ is ignored by git.
    [ "$logging" -eq 1 ] && return
    mkdir -p .venv
    echo "chot setup log, $(date -Is)" >"$LOG"
    logging=1
}

run() {
    # Runs a command with its output in the log; on failure names the log and shows its end.
    start_log
    echo "+ $*" >>"$LOG"
    if ! "$@" >>"$LOG" 2>&1; then
        echo
        echo "chot setup: FAILED: $*" >&2
        echo "chot setup: full output in $PWD/$LOG; its last lines:" >&2
        tail -n 15 "$LOG" | sed 's/^/    /' >&2
        exit 1
    fi
}

kiosk_packages=(libzbar0 cage foot fonts-jetbrains-mono fonts-dejavu-core xwayland)
if [ "$role" = kiosk ]; then
    packages=("${kiosk_packages[@]}")
else
    packages=("${kiosk_packages[@]}" mosquitto mosquitto-clients tmux postgresql grim chromium)
fi
need=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Debian's python3 creates venvs only with python3-venv (ensurepip) installed.
"$PY" -c "import ensurepip" 2>/dev/null || need+=(python3-venv)
if [ "$role" = dev ]; then
    command -v node >/dev/null 2>&1 || need+=(nodejs)
    command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ ${#need[@]} -gt 0 ]; then
    for pkg in "${need[@]}"; do
        echo "chot setup: apt: $pkg (${WHY[$pkg]})"
    done
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "chot setup: apt needs root: run this as root, or install sudo" >&2
            exit 1
        fi
        sudo=(sudo)
        sudo -v  # asks for the password here, not inside the log
    fi
    printf 'chot setup: apt: installing %s … ' "${#need[@]}"
    run "${sudo[@]}" apt-get update -q
    run "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${need[@]}"
    # The Debian packages enable a system-wide broker and database; chot starts its own on
    # free ports, and the tests start throwaway PostgreSQL clusters.
    if command -v systemctl >/dev/null 2>&1; then
        "${sudo[@]}" systemctl disable --now mosquitto postgresql >>"$LOG" 2>&1 || true
    fi
    echo "done"
else
    echo "chot setup: apt: nothing to install (${packages[*]} present)"
fi

if [ "$role" = kiosk ]; then
    # A kiosk runs chot, not its tests: no dev tools, no npm; `chot` on PATH for the guide's
    # commands and for staff support over SSH.
    if [ ! -x .venv/bin/python ]; then
        echo "chot setup: python: creating .venv with $("$PY" --version 2>&1)"
        run "$PY" -m venv .venv
    fi
    printf 'chot setup: pip: chot and its dependencies into .venv … '
    run .venv/bin/python -m pip install -e .
    echo "done"
    if [ "$(id -u)" -eq 0 ]; then
        ln -sf "$PWD/.venv/bin/chot" /usr/local/bin/chot
        echo "chot setup: /usr/local/bin/chot -> $PWD/.venv/bin/chot"
    fi
    exit 0
fi

# MicroPython 1.27's WebAssembly port, pinned in sim/micropython_node/package.json: the tests
# run the thermometer firmware on it.
mpy=sim/micropython_node
mpy_stamp=$mpy/node_modules/.chot-installed
mpy_want=$(sha256sum "$mpy/package.json" | cut -c1-16)
if [ "$(cat "$mpy_stamp" 2>/dev/null)" = "$mpy_want" ]; then
    echo "chot setup: npm: MicroPython port is up to date with $mpy/package.json"
else
    printf 'chot setup: npm: MicroPython 1.27 WebAssembly port into %s … ' "$mpy/node_modules"
    run npm install --prefix "$mpy" --no-package-lock --no-audit --no-fund
    echo "$mpy_want" >"$mpy_stamp"
    echo "done"
fi

# Reinstall when pyproject.toml's content changes (its dependencies or packages), not on a
# mere touch: a checkout or a rebase gives every file a new time.
stamp=.venv/.chot-installed
want="editable $(sha256sum pyproject.toml | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "chot setup: python: .venv is up to date with pyproject.toml"
    exit 0
fi
if [ ! -x .venv/bin/python ]; then
    echo "chot setup: python: creating .venv with $("$PY" --version 2>&1)"
    run "$PY" -m venv .venv
fi
started=$SECONDS
printf 'chot setup: pip: chot (editable) and its dependencies and dev tools into .venv … '
run .venv/bin/python -m pip install --upgrade pip
# The default editable mode: the packages found by [tool.setuptools.packages.find] are served
# from this checkout, so new modules and subpackages need no reinstall.
run .venv/bin/python -m pip install -e ".[dev]"
echo "$want" >"$stamp"
echo "done in $((SECONDS - started)) s (log: $LOG)"
