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
cargo xtask build --release
cargo build --release -p beerflow-load --bin beerflow-ws-load
# Each client is a socket on both ends of the loopback.
ulimit -n "$(ulimit -Hn)"
case "$BACKEND" in
  sqlite|postgres) ;;
  *) echo "usage: $0 sqlite|postgres [CLIENTS] [ORDERS] [RATE]" >&2; exit 2 ;;
esac
start_bench_server "$BACKEND"
"$CARGO_TARGET_DIR/release/beerflow-ws-load" --base-url "$BENCH_URL" --server-pid "$BENCH_PID" \
  --clients "$CLIENTS" --orders "$ORDERS" --rate "$RATE"
