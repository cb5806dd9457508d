#!/usr/bin/env bash
# Builds the JSONL fuzzer with clang (libFuzzer + AddressSanitizer + UBSan) and runs it.
#   fuzz/run.sh [SECONDS]        run for SECONDS (default 60)
# BUILD_DIR overrides the build directory (default <repo>/build-fuzz). New inputs go to
# $BUILD_DIR/fuzz-corpus, crashes to $BUILD_DIR/crash-*; tests/data/io seeds the corpus.
set -euo pipefail

seconds="${1:-60}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build-fuzz}"

cmake -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCROSSNEWS_BUILD_FUZZ=ON -DCROSSNEWS_BUILD_TESTS=OFF \
  -DCROSSNEWS_BUILD_EXAMPLES=OFF -DCROSSNEWS_BUILD_BENCH=OFF
cmake --build "$build" --target fuzz_jsonl -j2

mkdir -p "$build/fuzz-corpus"
"$build/fuzz/fuzz_jsonl" "$build/fuzz-corpus" "$repo/tests/data/io" \
  -dict="$repo/fuzz/jsonl.dict" -max_len=16384 -max_total_time="$seconds" \
  -artifact_prefix="$build/" -print_final_stats=1
