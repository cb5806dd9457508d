#!/usr/bin/env bash
# Runs crossnews and the scikit-learn peer on the same generated corpus, in one run, and prints
# both timings and the ratio of their throughputs.
#   bench/compare_peers.sh [DOCS=100000] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
threads=${2:-2}
peers=${PEERS_DIR:-../shared/peers}
bench=${CORPUS_BENCH:-build/release/bench/corpus_bench}
[[ -x "$bench" ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
[[ -f "$peers/gen_corpus.py" ]] || { echo "no peer at $peers (set PEERS_DIR)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$peers/gen_corpus.py" --docs "$docs" --seed 1 > "$work/corpus.jsonl"
echo "corpus: $docs articles, $(du -m "$work/corpus.jsonl" | cut -f1) MB" >&2

ours=$("$bench" --input "$work/corpus.jsonl" --threads "$threads" --score)
echo "crossnews: $ours"
peer_err=$( { /usr/bin/python3 "$peers/sklearn_cluster.py" "$work/corpus.jsonl" --out "$work/peer.tsv" >/dev/null; } 2>&1 | tail -n 1)
echo "sklearn:   $peer_err"
peer_score=$(/usr/bin/python3 "$peers/score.py" "$work/corpus.jsonl" "$work/peer.tsv")
echo "sklearn score: $peer_score"
/usr/bin/python3 - "$ours" "$peer_err" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = ours["articles_per_s"] / peer["docs_per_s"]
print(json.dumps({"docs": ours["articles"], "crossnews_articles_per_s": ours["articles_per_s"],
                  "sklearn_docs_per_s": peer["docs_per_s"], "throughput_ratio": round(ratio, 2)}))
PY
