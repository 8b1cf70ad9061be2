#!/usr/bin/env bash
# The UI's weight and speed (docs/BENCHMARKS.md): builds the release site, prints the WASM and JS
# sizes (raw and gzip -9), starts the release server with the demo data on a fresh SQLite
# database, and measures the kitchen display's first paint, hydration and joining the live feed
# in Chromium (end2end/bench/first-paint.mjs).
#   scripts/bench-ui.sh [RUNS]
source "$(dirname "$0")/env.sh"
ensure_build_tools
ensure_chromium
cd "$BEERFLOW_ROOT"
RUNS=${1:-10}
cargo xtask build --release
for f in target/site/pkg/beerflow.wasm target/site/pkg/beerflow.js target/site/pkg/beerflow.css; do
  printf '%-32s %9d bytes, %9d gzip -9\n' "$f" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done
start_bench_server sqlite
cd end2end && node bench/first-paint.mjs "$BENCH_URL" "$RUNS"
