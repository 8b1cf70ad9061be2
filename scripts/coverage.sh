#!/usr/bin/env bash
# Line coverage (cargo-llvm-cov) of the Rust tests, which run on SQLite and on PostgreSQL: per
# crate, and for the critical business logic (core/src/domain, core/src/services). The figures
# are recorded in docs/COVERAGE.md.
#   scripts/coverage.sh            the Rust tests
#   scripts/coverage.sh --browser  and the Playwright suite against the instrumented server too
source "$(dirname "$0")/env.sh"
ensure_rust
ensure_postgres
cd "$BEERFLOW_ROOT"
LLVM_COV_VERSION=0.9.1
TOOLS=$BEERFLOW_CACHE/tools
export PATH="$TOOLS/bin:$PATH"
if ! rustup component list --installed | grep -q '^llvm-tools'; then
  log "adding rustup's llvm-tools-preview component"
  rustup component add llvm-tools-preview
fi
if ! cargo llvm-cov --version 2>/dev/null | grep -q "$LLVM_COV_VERSION"; then
  log "installing cargo-llvm-cov $LLVM_COV_VERSION (once)"
  cargo install cargo-llvm-cov --version "$LLVM_COV_VERSION" --locked --root "$TOOLS"
fi
BROWSER=${1:-}
# Instrumented crates get a target directory of their own, never mixed with the normal build.
export CARGO_LLVM_COV_TARGET_DIR=$BEERFLOW_CACHE/llvm-cov-target
# Both directories may hold another checkout's workspace crates (see claim_target_dir).
claim_target_dir
CARGO_TARGET_DIR=$CARGO_LLVM_COV_TARGET_DIR claim_target_dir
IGNORE='(/tests/|/loadtest/|/xtask/|/benches/|/frontend/|\.cargo/registry)'
cargo llvm-cov clean --workspace
log "Rust tests, instrumented (SQLite and PostgreSQL)"
cargo llvm-cov --no-report -p beerflow-core -p app -p beerflow --tests

if [ "$BROWSER" = "--browser" ]; then
  ensure_npm
  ensure_chromium
  log "building the site"
  cargo xtask site
  log "browser tests against the instrumented server"
  (
    # In a subshell: the instrumented build goes to the coverage target directory, and its
    # environment does not reach the report below.
    export CARGO_TARGET_DIR=$CARGO_LLVM_COV_TARGET_DIR
    # shellcheck disable=SC1090
    source <(cargo llvm-cov show-env --sh 2>/dev/null)
    cargo build -p beerflow --bin beerflow
    BIN=$CARGO_TARGET_DIR/debug/beerflow
    WORK=$(mktemp -d)
    DB=beerflow_cov_$$
    createdb -h 127.0.0.1 -U postgres "$DB"
    "$BIN" serve --demo --addr 127.0.0.1:0 --database-url "sqlite://$WORK/cov.db" >"$WORK/sqlite.log" 2>&1 &
    PIDS=($!)
    "$BIN" serve --demo --addr 127.0.0.1:0 --database-url "postgres://postgres@127.0.0.1:5432/$DB" >"$WORK/pg.log" 2>&1 &
    PIDS+=($!)
    URL=$(server_address "$WORK/sqlite.log" "${PIDS[0]}")
    PG_URL=$(server_address "$WORK/pg.log" "${PIDS[1]}")
    (cd end2end && BEERFLOW_E2E_URL_SQLITE="$URL" BEERFLOW_E2E_URL_POSTGRES="$PG_URL" npx playwright test) || true
    # A clean exit (SIGTERM shuts the server down gracefully) writes the profile.
    for pid in "${PIDS[@]}"; do kill -TERM "$pid"; wait "$pid" || true; done
    dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
    rm -rf "$WORK"
  )
fi

log "report"
cargo llvm-cov report --ignore-filename-regex "$IGNORE" --summary-only
cargo llvm-cov report --ignore-filename-regex "$IGNORE" --json --summary-only --output-path "$BEERFLOW_CACHE/coverage.json"
python3 - "$BEERFLOW_CACHE/coverage.json" "$BEERFLOW_ROOT" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["data"][0]["files"]
root = sys.argv[2].rstrip("/") + "/"
groups = {
    "core (beerflow-core)": "core/src/",
    "  core/src/domain": "core/src/domain/",
    "  core/src/services": "core/src/services/",
    "  core/src/store": "core/src/store/",
    "app": "app/src/",
    "server (beerflow)": "server/src/",
}
total = [0, 0]
sums = {name: [0, 0] for name in groups}
for f in data:
    path = f["filename"].replace(root, "")
    lines = f["summary"]["lines"]
    total[0] += lines["covered"]; total[1] += lines["count"]
    for name, prefix in groups.items():
        if path.startswith(prefix):
            sums[name][0] += lines["covered"]; sums[name][1] += lines["count"]
print("\n| part | lines | covered | line coverage |\n|---|---|---|---|")
for name, (covered, count) in sums.items():
    print(f"| {name.strip()} | {count} | {covered} | {100 * covered / max(count, 1):.1f}% |")
print(f"| **all** | {total[1]} | {total[0]} | **{100 * total[0] / max(total[1], 1):.1f}%** |")
PY
