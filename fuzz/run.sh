#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (libFuzzer + AddressSanitizer + UBSan) and runs each.
#   fuzz/run.sh [SECONDS [TARGET...]]   SECONDS (default 60) split evenly over the TARGETs
#                                       (default: fuzz_jsonl fuzz_analyzer fuzz_lexicon)
# BUILD_DIR overrides the build directory (default <repo>/build-fuzz). New inputs go to
# $BUILD_DIR/fuzz-corpus/<target>, crashes to $BUILD_DIR/<target>-crash-*. Seeds: tests/data/io
# for the reader, tests/data for the analyzer, tests/data/lexicon and data/lexicon for the
# lexicon loader. Every target runs even if an earlier one fails; the exit status is non-zero if
# any failed.
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(fuzz_jsonl fuzz_analyzer fuzz_lexicon); fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$repo/build-fuzz}"
per_target=$(( seconds / ${#targets[@]} ))
(( per_target >= 1 )) || per_target=1

cmake -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCROSSNEWS_BUILD_FUZZ=ON -DCROSSNEWS_BUILD_TESTS=OFF \
  -DCROSSNEWS_BUILD_CLI=OFF -DCROSSNEWS_BUILD_EXAMPLES=OFF -DCROSSNEWS_BUILD_BENCH=OFF > /dev/null
cmake --build "$build" --target "${targets[@]}" -j2

failed=()
for target in "${targets[@]}"; do
  case "$target" in
    fuzz_jsonl) seeds=("$repo/tests/data/io"); options=(-dict="$repo/fuzz/jsonl.dict" -max_len=16384) ;;
    fuzz_analyzer) seeds=("$repo/tests/data"); options=(-dict="$repo/fuzz/analyzer.dict" -max_len=8192) ;;
    fuzz_lexicon) seeds=("$repo/tests/data/lexicon" "$repo/data/lexicon")
                  options=(-dict="$repo/fuzz/lexicon.dict" -max_len=4096) ;;
    *) echo "fuzz/run.sh: unknown target '$target'" >&2; exit 2 ;;
  esac
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz/run.sh: $target for $per_target s"
  if ! "$build/fuzz/$target" "$corpus" "${seeds[@]}" "${options[@]}" -timeout=30 \
      -max_total_time="$per_target" -artifact_prefix="$build/$target-" -print_final_stats=1; then
    failed+=("$target")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz/run.sh: failed: ${failed[*]} (inputs saved under $build/)" >&2
  exit 1
fi
