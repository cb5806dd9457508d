#!/usr/bin/env bash
# Rebuilds data/background/df.tsv, the background document frequencies compiled into crossnews
# (include/crossnews/model.hpp), from translated Debian documentation:
#   the Linux man-pages and their translations (packages manpages, manpages-de, -es, -fr, -it)
#   and the Debian Reference (debian-reference-de, -en, -es, -fr, -it).
# Why this text: it is installed from Debian in all five languages, its licences allow deriving
# counts from it, and it is general prose that is not news, so it teaches which words are common
# in a language (days, verbs of saying, "year") without knowing any story. Not ../shared/eval:
# that is evaluation data. Not examples/data: it is the demo's input.
# Only frequencies are shipped (terms in at least 2 documents), never the text.
# Usage: scripts/build_background.sh [path/to/crossnews]   (default build/release/examples/crossnews)
set -euo pipefail
cd "$(dirname "$0")/.."
crossnews=${1:-build/release/examples/crossnews}
packages=(manpages manpages-de manpages-es manpages-fr manpages-it
          debian-reference-de debian-reference-en debian-reference-es debian-reference-fr
          debian-reference-it)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { echo "build_background: install $p first (apt-get install ${packages[*]})" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/background.jsonl" "${packages[@]}" <<'PY'
import gzip, json, re, subprocess, sys

out_path, packages = sys.argv[1], sys.argv[2:]
PER_LANGUAGE = 700  # documents per language, so that no language dominates the totals

def files_of(package):
    listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout
    return sorted(f for f in listed.splitlines() if f.endswith(".gz"))

def man_text(raw):
    lines = []
    for line in raw.splitlines():
        if line.startswith((".", "'")):
            line = re.sub(r'^\.(SH|SS|TP|IP|B|I|BR|IR|RB|RI|BI|IB)\b\s*', "", line)
            if line.startswith((".", "'")):
                continue
        line = re.sub(r'\\f[BIRP]|\\f\(..|\\\(..|\\[&|^%e]|\\s[-+]?\d', "", line)
        lines.append(line.replace("\\-", "-").replace('"', ""))
    return "\n".join(lines)

docs = {}
for package in packages:
    lang = package.split("-")[-1] if "-" in package else "en"
    for path in files_of(package):
        raw = gzip.open(path, "rt", encoding="utf-8", errors="replace").read()
        if package.startswith("manpages"):
            if "/man/" not in path:
                continue
            docs.setdefault(lang, []).append(man_text(raw))
        else:
            if not path.endswith(".txt.gz"):
                continue
            lines = raw.splitlines()
            for start in range(0, len(lines), 40):
                docs.setdefault(lang, []).append("\n".join(lines[start:start + 40]))
with open(out_path, "w", encoding="utf-8") as out:
    for lang, texts in sorted(docs.items()):
        step = max(1, len(texts) // PER_LANGUAGE)
        for i, text in enumerate(texts[::step][:PER_LANGUAGE]):
            out.write(json.dumps({"id": f"{lang}-{i}", "lang": lang, "text": text},
                                 ensure_ascii=False) + "\n")
PY
"$crossnews" model background --min-df 2 -o data/background/df.tsv "$work/background.jsonl"
