#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run all tests.
# Usage: bash tests/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: a virtual screen and CJK font for Qt, poppler for PDF checks, zbar for QR
# decoding, the xcb libraries Qt needs, and the PostgreSQL server for the hub tests.
APT_PACKAGES="xvfb fonts-wqy-zenhei poppler-utils libzbar0 libegl1 libgl1 libfontconfig1 libdbus-1-3
  libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1
  libxcb-shape0 libxcb-cursor0 postgresql"
missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]'

export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check --quiet .
.venv/bin/python -m pytest "$@"
