#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv (the Dockerfile's install path) and run
# the console script from an empty temporary folder. Needs the package index for the
# dependencies; tests/test_packaging.py checks the same without network.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/factquiz-wheel.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
"$PYTHON" -m pip wheel . --no-deps -q -w "$TMP/dist"
"$PYTHON" -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q "$TMP"/dist/factquiz-*.whl
mkdir "$TMP/anywhere"
cd "$TMP/anywhere"
env -u DISCORD_TOKEN -u DATABASE_URL -u DATA_DIR -u VAR_DIR "$TMP/venv/bin/factquiz" ask "/about"
"$TMP/venv/bin/factquiz" --version
