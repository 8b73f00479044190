#!/usr/bin/env bash
# Install everything and run the demo (pass --headless to run the scenarios and exit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/procureflow demo "$@"
