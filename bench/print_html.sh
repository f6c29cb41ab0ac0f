#!/usr/bin/env bash
# Print every .html report of the corpus to PDF with headless Chromium, as an analyst printing a web report
# would, into DIR (default bench/out/printed), then score them: bench/print_html.sh [DIR]
# Compare with `bench/score_corpus.sh txt`: the printed PDFs should score as the text does.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
out=${1:-$here/bench/out/printed}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
mkdir -p "$out"
profile=$(mktemp -d)
for html in "$shared"/reports/*.html; do
  name=$(basename "$html" .html)
  [ -f "$out/$name.pdf" ] && continue
  "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$profile" --no-pdf-header-footer --print-to-pdf="$out/$name.pdf" "file://$html" 2>/dev/null
done
rm -rf "$profile"
REPORTS="$out" "$here/bench/score_corpus.sh" pdf
