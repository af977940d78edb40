#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need, then builds and tests every module.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/install-deps.sh
mvn -B -ntp verify
