#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite and PostgreSQL, then the Playwright
# browser tests in Chromium against the real server with the demo data.
source "$(dirname "$0")/env.sh"
ensure_build_tools
ensure_chromium
ensure_postgres
cd "$BEERFLOW_ROOT"

log "building server and WASM (debug)"
cargo leptos build
# Keep the binary cargo-leptos built for the browser tests: `cargo test` builds its own.
E2E_BIN=$BEERFLOW_CACHE/e2e-beerflow
cp "$CARGO_TARGET_DIR/debug/beerflow" "$E2E_BIN"

log "Rust tests (SQLite and PostgreSQL)"
cargo test -p beerflow-core -p beerflow

log "browser tests (Playwright, Chromium)"
E2E_DIR=$(mktemp -d)
# Port 0: the server picks a free port and prints it; nothing stale can answer in its place.
"$E2E_BIN" serve --demo --addr 127.0.0.1:0 --database-url "sqlite://$E2E_DIR/e2e.db" >"$E2E_DIR/server.log" 2>&1 &
SERVER_PID=$!
cleanup() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$E2E_DIR"; }
trap cleanup EXIT
URL=
for _ in $(seq 1 120); do
  URL=$(grep -o 'listening on http://[0-9.:]*' "$E2E_DIR/server.log" | head -n1 | sed 's/listening on //') || true
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$E2E_DIR/server.log"; exit 1; }
  sleep 0.5
done
[ -n "$URL" ] || { echo "the server did not start"; cat "$E2E_DIR/server.log"; exit 1; }
cd end2end
BEERFLOW_E2E_URL="$URL" npx playwright test || { echo "--- server log"; tail -50 "$E2E_DIR/server.log"; exit 1; }
