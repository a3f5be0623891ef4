#!/usr/bin/env bash
# The test suite: installs what is missing, then runs every test (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/install.sh
exec .venv/bin/python -m pytest "$@"
