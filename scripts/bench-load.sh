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
cargo leptos build --release
cargo build --release -p beerflow-load
WORK=$(mktemp -d)
case "$BACKEND" in
  sqlite) DB="sqlite://$WORK/bench.db" ;;
  postgres)
    ensure_postgres
    NAME="beerflow_bench_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $NAME"
    DB="postgres://postgres@127.0.0.1:5432/$NAME" ;;
  *) echo "usage: $0 sqlite|postgres [HISTORY]" >&2; exit 2 ;;
esac
"$CARGO_TARGET_DIR/release/beerflow" serve --demo --addr 127.0.0.1:0 --database-url "$DB" >"$WORK/server.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true
  [ "$BACKEND" = postgres ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $NAME WITH (FORCE)"
  rm -rf "$WORK"
}
trap cleanup EXIT
URL=
for _ in $(seq 1 120); do
  URL=$(grep -o 'listening on http://[0-9.:]*' "$WORK/server.log" | head -n1 | sed 's/listening on //') || true
  [ -n "$URL" ] && break
  sleep 0.5
done
[ -n "$URL" ] || { cat "$WORK/server.log"; exit 1; }
LOAD="$CARGO_TARGET_DIR/release/beerflow-load"
echo "== $BACKEND, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
run() { echo "== $*"; "$LOAD" --base-url "$URL" "$@"; }
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
  psql -h 127.0.0.1 -U postgres -d "$NAME" -qc "VACUUM ANALYZE"
  run --clients 16 --orders 2000 --rate 100
  run --clients 16 --orders 3000
fi
