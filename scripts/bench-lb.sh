#!/usr/bin/env bash
# The order workflow and the real-time fan-out through nginx (deploy/nginx.conf) in front of two
# release instances on one PostgreSQL database, beside one instance answering directly
# (docs/BENCHMARKS.md). On one machine this is a correctness check more than a speed-up: the
# instances, nginx, PostgreSQL and the load tools share its cores.
#   scripts/bench-lb.sh [ORDERS] [WS_CLIENTS]      (SKIP_BUILD=1: the release binaries as built)
source "$(dirname "$0")/env.sh"
ensure_build_tools
ensure_nginx
ensure_postgres
cd "$BEERFLOW_ROOT"
ORDERS=${1:-3000}
CLIENTS=${2:-1000}
if [ "${SKIP_BUILD:-}" != 1 ]; then
  cargo xtask build --release
  cargo build --release -p beerflow-load --bins
fi
BIN=$CARGO_TARGET_DIR/release/beerflow
LOAD=$CARGO_TARGET_DIR/release/beerflow-load
WS_LOAD=$CARGO_TARGET_DIR/release/beerflow-ws-load
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
DBS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${DBS[@]}"; do dropdb -h 127.0.0.1 -U postgres --if-exists --force "$db" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Starts an instance on a fresh or shared database; prints its address.
instance() { # name port database-url [--demo]
  "$BIN" serve --addr "127.0.0.1:$2" --database-url "$3" --alert-scan-secs 0 --trusted-proxies 127.0.0.1 ${4:-} \
    >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  server_address "$WORK/$1.log" $! >/dev/null
}
# Creates a database (dropped on exit) named after $1; sets DB_URL (not in a subshell, so the
# list of databases to drop is this shell's).
new_db() { local db=beerflow_bench_lb_$$_$1; createdb -h 127.0.0.1 -U postgres "$db"; DBS+=("$db"); DB_URL="postgres://postgres@127.0.0.1:5432/$db"; }

echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== one instance, direct"
new_db direct; DB1=$DB_URL
P=$(free_port); instance direct "$P" "$DB1" --demo
"$LOAD" --base-url "http://127.0.0.1:$P" --clients 16 --orders "$ORDERS"
"$LOAD" --base-url "http://127.0.0.1:$P" --clients 16 --orders 2000 --rate 100
"$WS_LOAD" --base-url "http://127.0.0.1:$P" --clients "$CLIENTS" --orders 300 --rate 10

echo "== two instances through nginx"
new_db lb; DB2=$DB_URL
PA=$(free_port); PB=$(free_port); PL=$(free_port)
instance a "$PA" "$DB2" --demo
instance b "$PB" "$DB2"
mkdir -p "$WORK/nginx/cache" && chmod 777 "$WORK/nginx/cache" && chmod 755 "$WORK/nginx"
sed -e "s/server beerflow1:3000/server 127.0.0.1:$PA/" -e "s/server beerflow2:3000/server 127.0.0.1:$PB/" \
  -e "s/listen 80;  # listen/listen 127.0.0.1:$PL;/" -e "s/worker_connections 4096/worker_connections 8192/" \
  deploy/nginx.conf >"$WORK/nginx/nginx.conf"
cp /etc/nginx/mime.types "$WORK/nginx/"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e stderr -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$PL/health/live" >/dev/null 2>&1 && break; sleep 0.1; done
"$LOAD" --base-url "http://127.0.0.1:$PL" --clients 16 --orders "$ORDERS"
"$LOAD" --base-url "http://127.0.0.1:$PL" --clients 16 --orders 2000 --rate 100
"$WS_LOAD" --base-url "http://127.0.0.1:$PL" --clients "$CLIENTS" --orders 300 --rate 10
