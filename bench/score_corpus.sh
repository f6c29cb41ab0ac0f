#!/usr/bin/env bash
# Score cqcparse on the dev corpus: every report in ../shared/reports in the given formats (default: txt),
# against ../shared/eval/gold with ../shared/eval/score.py. Usage: bench/score_corpus.sh [txt|pdf|html ...] [-v]
# REPORTS=fixtures/heldout GOLD=fixtures/heldout/gold bench/score_corpus.sh txt   scores the held-out set.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
cli=${CQCPARSE:-$here/.venv/bin/cqcparse}
reports=${REPORTS:-$shared/reports}
golddir=${GOLD:-$shared/eval/gold}
verbose=""
formats=()
for a in "$@"; do [ "$a" = "-v" ] && verbose="-v" || formats+=("$a"); done
[ ${#formats[@]} -eq 0 ] && formats=(txt)
for ext in "${formats[@]}"; do
  out=$(mktemp -d); gold=$(mktemp -d)
  for g in "$golddir"/*.json; do
    name=$(basename "$g" .json)
    src="$reports/$name.$ext"
    [ -f "$src" ] || continue
    cp "$g" "$gold/"
    "$cli" extract "$src" --format json -o "$out/$name.json" || echo "extract failed: $src"
  done
  echo "== .$ext"
  python3 "$shared/eval/score.py" "$out" "$gold" $verbose
  rm -rf "$out" "$gold"
done
