#!/usr/bin/env bash
# Installs the Debian 12 packages crossnews needs to build, test and benchmark.
# Idempotent: asks apt only for what is missing, runs `apt-get update` only then,
# and never removes anything (Debian's default Boost 1.74, not the conflicting 1.81).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libicu-dev libeigen3-dev libboost-dev libboost-container-dev libabsl-dev
  libsimdjson-dev libstemmer-dev libcld2-dev zlib1g-dev libcli11-dev
  doctest-dev libbenchmark-dev libopenmpi-dev openmpi-bin
)
# Optional extras: `--extras` adds the FreeDict dictionaries, clang for the fuzzer, Chromium for
# the HTML report's browser test, and the scikit-learn peer used by the benchmarks and the
# evaluation table.
if [[ "${1:-}" == "--extras" ]]; then
  packages+=(
    clang libclang-rt-14-dev chromium python3-sklearn python3-numpy python3-scipy
    dict-freedict-deu-ita dict-freedict-ita-deu dict-freedict-deu-eng dict-freedict-eng-deu
    dict-freedict-ita-eng dict-freedict-eng-ita dict-freedict-fra-eng dict-freedict-eng-fra
    dict-freedict-spa-eng dict-freedict-eng-spa dict-freedict-deu-fra dict-freedict-fra-deu
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
echo "install_deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-remove "${missing[@]}" >&2
