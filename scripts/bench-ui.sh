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
cargo leptos build --release
for f in target/site/pkg/beerflow.wasm target/site/pkg/beerflow.js target/site/pkg/beerflow.css; do
  printf '%-32s %9d bytes, %9d gzip -9\n' "$f" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done
WORK=$(mktemp -d)
"$CARGO_TARGET_DIR/release/beerflow" serve --demo --addr 127.0.0.1:0 --database-url "sqlite://$WORK/ui.db" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
URL=
for _ in $(seq 1 120); do
  URL=$(grep -o 'listening on http://[0-9.:]*' "$WORK/server.log" | head -n1 | sed 's/listening on //') || true
  [ -n "$URL" ] && break
  sleep 0.5
done
[ -n "$URL" ] || { cat "$WORK/server.log"; exit 1; }
echo "== kitchen display, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cd end2end && node bench/first-paint.mjs "$URL" "$RUNS"
