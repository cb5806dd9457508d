#!/usr/bin/env bash
# Installs what is missing, builds crossnews with its tests, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
# Tests on explicitly: a build directory configured earlier without them would otherwise run none.
cmake --preset release -DCROSSNEWS_BUILD_TESTS=ON > /dev/null
cmake --build --preset release -j "$(nproc)"
ctest --preset release -j "$(nproc)" --no-tests=error
