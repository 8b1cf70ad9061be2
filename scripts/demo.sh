#!/usr/bin/env bash
# Builds BeerFlow (release: server + WASM) and runs it with the demo data on the embedded SQLite
# database (./beerflow.db). Extra arguments go to `beerflow serve`, e.g. --addr 0.0.0.0:3000.
source "$(dirname "$0")/env.sh"
ensure_build_tools
cd "$BEERFLOW_ROOT"
log "building (release)"
cargo xtask build --release
log "starting with demo data (address below); sign in as admin@beerflow.demo / admin123!"
exec "$CARGO_TARGET_DIR/release/beerflow" serve --demo "$@"
