#!/usr/bin/env bash
# Installs what is missing, builds crossnews with its tests, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)"
ctest --preset release -j "$(nproc)"
