#!/usr/bin/env bash
# Real-time fan-out benchmark (docs/BENCHMARKS.md): builds the release server and the WebSocket
# load tool, starts the server with the demo data on a fresh database, and joins CLIENTS
# WebSocket clients to the demo venue while orders are created at RATE per second. Prints the
# delivery latency (event timestamp to client receipt) and the server's memory without clients,
# with the idle clients, and after the run.
#   scripts/bench-ws.sh sqlite|postgres [CLIENTS] [ORDERS] [RATE]
source "$(dirname "$0")/env.sh"
ensure_build_tools
cd "$BEERFLOW_ROOT"
BACKEND=${1:-sqlite}
CLIENTS=${2:-1000}
ORDERS=${3:-300}
RATE=${4:-10}
cargo leptos build --release
cargo build --release -p beerflow-load --bin beerflow-ws-load
# Each client is a socket on both ends of the loopback.
ulimit -n "$(ulimit -Hn)"
WORK=$(mktemp -d)
case "$BACKEND" in
  sqlite) DB="sqlite://$WORK/bench.db" ;;
  postgres)
    ensure_postgres
    NAME="beerflow_wsbench_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $NAME"
    DB="postgres://postgres@127.0.0.1:5432/$NAME" ;;
  *) echo "usage: $0 sqlite|postgres [CLIENTS] [ORDERS] [RATE]" >&2; exit 2 ;;
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
echo "== $BACKEND, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$CARGO_TARGET_DIR/release/beerflow-ws-load" --base-url "$URL" --server-pid "$PID" \
  --clients "$CLIENTS" --orders "$ORDERS" --rate "$RATE"
