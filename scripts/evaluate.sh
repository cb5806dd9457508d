#!/usr/bin/env bash
# Reproduces the quality tables of EVALUATION.md: crossnews and the scikit-learn peer on each file of
# shared/eval, both scored by the peer's scorer and by `crossnews eval`; then the agreement with
# people's ratings of the SemEval pairs (build/release/bench/semeval_pairs, when built) and what a
# single threshold on the pair similarity can reach on each gold file (build/release/bench/pair_ceiling).
#   scripts/evaluate.sh [EXTRA crossnews cluster OPTIONS...]
#   scripts/evaluate.sh --mode stream   # stream figures (crossnews-stream) beside batch (crossnews)
#   scripts/evaluate.sh --no-freedict   # the built-in lexicon alone (crossnews loads the FreeDict
#                                       # dictionaries installed in /usr/share/dictd by default)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
cli=${CROSSNEWS:-build/release/examples/crossnews}
[[ -x "$cli" ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
semeval=${SEMEVAL:-build/release/bench/semeval_pairs}
ceiling=${PAIR_CEILING:-build/release/bench/pair_ceiling}
# With --mode stream, batch runs too (the same options without the mode), so the two can be compared.
batch_args=() stream=0 no_freedict=0
while (($#)); do
  case $1 in
    --mode=*) [[ $1 == --mode=stream ]] && stream=1 ;;
    --mode) [[ ${2:-} == stream ]] && stream=1; shift ;;
    --no-freedict) no_freedict=1; batch_args+=("$1") ;;
    *) batch_args+=("$1") ;;
  esac
  shift
done
# semeval_pairs loads no dictionary by itself: it is given those crossnews loads by default.
dictionaries=()
if ((!no_freedict)); then
  for index in /usr/share/dictd/freedict-*.index; do
    [[ -e $index ]] && dictionaries+=(--freedict "$index")
  done
fi
systems=(crossnews)
((stream)) && systems+=(crossnews-stream)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-28s %-16s %9s %9s %9s %9s %8s\n' file system bcubed_f1 pair_f1 xling_p xling_r xling_f1
for gold in "$shared"/eval/*.jsonl; do
  name=$(basename "$gold" .jsonl)
  [[ $name == semeval22_pairs_articles ]] && continue  # rated pairs, no story labels: see below
  for system in "${systems[@]}"; do
    mode=batch
    [[ $system == crossnews-stream ]] && mode=stream
    "$cli" cluster --quiet --mode "$mode" "${batch_args[@]}" \
      -o "$work/$name.$system.tsv" -- "$gold" 2> "$work/$name.$system.log"
  done
  /usr/bin/python3 "$shared/peers/sklearn_cluster.py" "$gold" --out "$work/$name.sklearn.tsv" 2> /dev/null
  for system in "${systems[@]}" sklearn; do
    /usr/bin/python3 "$shared/peers/score.py" "$gold" "$work/$name.$system.tsv" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
print("%-28s %-16s %9.4f %9.4f %9.4f %9.4f %8.4f" % (sys.argv[1], sys.argv[2], s["bcubed_f1"],
      s["pairwise_f1"], s["crosslingual_precision"], s["crosslingual_recall"], s["crosslingual_f1"]))
' "$name" "$system"
  done
  # Our own scorer must agree with the peer's.
  for system in "${systems[@]}"; do
    "$cli" eval --gold "$gold" "$work/$name.$system.tsv" > "$work/$name.ours.json"
    /usr/bin/python3 "$shared/peers/score.py" "$gold" "$work/$name.$system.tsv" > "$work/$name.peer.json"
    /usr/bin/python3 - "$work/$name.ours.json" "$work/$name.peer.json" <<'PY'
import json, sys
ours, peer = (json.load(open(p)) for p in sys.argv[1:3])
bad = [k for k, v in ours.items() if k in peer and isinstance(v, float) and abs(v - peer[k]) > 1e-6]
if bad:
    sys.exit("crossnews eval disagrees with score.py on " + ", ".join(bad))
PY
  done
done
if [[ -x "$semeval" && -f "$shared/eval/semeval22_pairs.tsv" ]]; then
  echo "SemEval-2022 pairs (Pearson with -overall, ROC AUC for overall <= 1.5):"
  "$semeval" "$shared/eval/semeval22_pairs.tsv" "$shared/eval/semeval22_pairs_articles.jsonl" \
    "${dictionaries[@]}"
fi
if [[ -x "$ceiling" ]]; then
  echo "Cross-lingual pairs at the threshold, and at the best single threshold (EVALUATION.md):"
  ceiling_args=()
  ((no_freedict)) && ceiling_args+=(--no-freedict)
  for gold in "$shared"/eval/*.jsonl; do
    name=$(basename "$gold" .jsonl)
    [[ $name == semeval22_pairs_articles ]] && continue
    printf '%-28s %s\n' "$name" "$("$ceiling" "$gold" "${ceiling_args[@]}")"
  done
fi
