#!/usr/bin/env bash
# pair_ceiling on broken input (missing, empty, malformed, a bad line, a line over the record limit, a
# bad option): a clear error naming the file or line, exit 1, no figures; invalid
# UTF-8 repaired with a warning naming the line; on a good file, one JSON line of figures.
#   pair_ceiling_input.sh PAIR_CEILING GOOD.jsonl
set -u
tool=$1 good=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
expect_error() {  # NAME FILE PATTERN [OPTIONS...]
  local name=$1 file=$2 pattern=$3
  shift 3
  "$tool" "$file" "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  if [[ $rc != 1 || -s $work/out ]] || ! grep -q -- "$pattern" "$work/err"; then
    echo "FAIL $name: rc $rc, stdout '$(cat "$work/out")', stderr '$(cat "$work/err")'"
    failed=1
  fi
}
printf '' > "$work/empty.jsonl"
printf '{"id": "a", "text": "x"\n' > "$work/malformed.jsonl"
printf '{"id": "a", "lang": "en", "text": "caf\xe9"}\n' > "$work/latin1.jsonl"
{ cat "$good"; printf '{"id": "late", "text": \n'; } > "$work/partial.jsonl"
expect_error missing "$work/absent.jsonl" "absent.jsonl" --no-freedict
expect_error empty "$work/empty.jsonl" "no articles in" --no-freedict
expect_error malformed "$work/malformed.jsonl" "malformed.jsonl:1" --no-freedict
expect_error one-bad-line "$work/partial.jsonl" "1 line(s) of" --no-freedict
# A line over the reader's 128 MB record limit is rejected by name, never read whole.
{ cat "$good"; printf '{"id": "huge", "text": "'; head -c $((129 << 20)) /dev/zero | tr '\0' a
  printf '"}\n'; } > "$work/huge.jsonl"
expect_error huge-line "$work/huge.jsonl" "exceeds max_record_bytes" --no-freedict
expect_error bad-show "$good" "pair_ceiling:" --no-freedict --show many
# Invalid UTF-8 is repaired, not dropped: the article is kept and the repair is reported.
if ! "$tool" "$work/latin1.jsonl" --no-freedict > "$work/out" 2> "$work/err" ||
   ! grep -q '"best_f1":' "$work/out" || ! grep -q "warning: .*latin1.jsonl:1" "$work/err"; then
  echo "FAIL invalid-utf8: $(cat "$work/out" "$work/err")"
  failed=1
fi
if ! "$tool" "$good" --no-freedict > "$work/out" 2> "$work/err" ||
   ! grep -q '"best_f1":' "$work/out"; then
  echo "FAIL good file: $(cat "$work/out" "$work/err")"
  failed=1
fi
exit $failed
