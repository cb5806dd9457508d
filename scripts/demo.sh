#!/usr/bin/env bash
# Installs what is missing, builds crossnews, clusters the bundled example corpus and prints the
# stories it found, then how they score against the corpus's gold labels.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
# The preset as it is (options left to their defaults, so that scripts/test.sh afterwards finds
# the tests in the same build); only the CLI is built.
cmake --preset release > /dev/null
cmake --build --preset release --target crossnews_cli -j "$(nproc)" > /dev/null
mkdir -p build/demo
build/release/examples/crossnews cluster examples/data/articles.jsonl --quiet \
  -o build/demo/assignments.tsv --stories - --stories-format text
echo "Assignments: build/demo/assignments.tsv"
echo -n "Score against the gold labels: "
build/release/examples/crossnews eval --gold examples/data/articles.jsonl build/demo/assignments.tsv
