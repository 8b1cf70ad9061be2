#!/usr/bin/env bash
# The load-balanced deployment tested for real (issue 18): nginx from Debian with deploy/nginx.conf
# in front of two BeerFlow instances on one fresh PostgreSQL database; the story itself is
# end2end/lb/lb.mjs (sign-in, order flows, the kitchen display, a WebSocket and a Socket.IO
# client through nginx, one instance killed with `kill -9` mid-stream and restarted).
#   scripts/test-lb.sh [BEERFLOW_BINARY]    (default: the debug build `cargo test` made)
source "$(dirname "$0")/env.sh"
ensure_nginx
ensure_postgres
BIN=${1:-$CARGO_TARGET_DIR/debug/beerflow}
DB=beerflow_lb_$$
createdb -h 127.0.0.1 -U postgres "$DB"
trap 'dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB" 2>/dev/null || true' EXIT
cd "$BEERFLOW_ROOT/end2end"
BEERFLOW_BIN="$BIN" BEERFLOW_LB_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" node lb/lb.mjs
