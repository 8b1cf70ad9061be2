#!/usr/bin/env bash
# Load benchmark of the order workflow (docs/BENCHMARKS.md): builds the release server and the
# load tool, starts the server with the demo data on a fresh database and drives it with 1, 16
# and 64 clients, then fills the history to HISTORY completed orders and measures again (the
# kitchen display with a long history).
#   scripts/bench-load.sh sqlite|postgres [HISTORY]
source "$(dirname "$0")/env.sh"
ensure_build_tools
cd "$BEERFLOW_ROOT"
BACKEND=${1:-sqlite}
HISTORY=${2:-100000}
cargo xtask build --release
cargo build --release -p beerflow-load
case "$BACKEND" in
  sqlite|postgres) ;;
  *) echo "usage: $0 sqlite|postgres [HISTORY]" >&2; exit 2 ;;
esac
start_bench_server "$BACKEND"
LOAD="$CARGO_TARGET_DIR/release/beerflow-load"
run() { echo "== $*"; "$LOAD" --base-url "$BENCH_URL" "$@"; }
# Saturation: every client starts its next flow as soon as the last ends.
run --clients 1 --orders 1000
run --clients 16 --orders 3000
run --clients 64 --orders 3000
# A steady offered load (100 flows/s = 600 writes/s, far above a busy restaurant's peak).
run --clients 16 --orders 2000 --rate 100
run --clients 64 --orders 2000 --rate 100
DONE=$(( 1000 + 3000 + 3000 + 2000 + 2000 ))
# Long history: completed orders up to HISTORY, 30 tickets open, then measure again.
run --clients 16 --history $(( HISTORY > DONE ? HISTORY - DONE : 0 )) --active 30 --orders 2000 --rate 100
run --clients 16 --orders 3000
if [ "$BACKEND" = postgres ] && [ "$(psql -h 127.0.0.1 -U postgres -Atc 'SHOW autovacuum')" = off ]; then
  # This machine's PostgreSQL runs without autovacuum: no statistics, no dead-row cleanup. Do by
  # hand what autovacuum would have done, and measure again.
  echo "== autovacuum is off on this server: VACUUM ANALYZE, then again"
  psql -h 127.0.0.1 -U postgres -d "$BENCH_DB" -qc "VACUUM ANALYZE"
  run --clients 16 --orders 2000 --rate 100
  run --clients 16 --orders 3000
fi
