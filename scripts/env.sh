# Sourced by the other scripts: installs, once, what a fresh machine lacks to build BeerFlow (the
# wasm target, the npm packages incl. binaryen's wasm-opt), and sets PATH and the shared build
# cache. The site is built by the workspace's own driver (`cargo xtask`, over the wasm-bindgen
# library), so no tool is compiled separately. Everything comes from crates.io, npm or Debian;
# nothing from GitHub. Compiled dependencies live under ~/.cache/beerflow so later runs reuse them.

set -euo pipefail
BEERFLOW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BEERFLOW_CACHE=${BEERFLOW_CACHE:-$HOME/.cache/beerflow}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$BEERFLOW_CACHE/target}
export PATH="$BEERFLOW_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# `cargo xtask` writes the site (WASM, JS, CSS, assets) here; the server reads it from here.
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-$BEERFLOW_ROOT/target/site}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_rust() {
  cd "$BEERFLOW_ROOT"
  # rust-toolchain.toml pins the toolchain; this makes sure its wasm target is there.
  rustup show active-toolchain >/dev/null
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    log "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  # The release bundle compiles the standard library for size (xtask's RELEASE_WASM_ARGS).
  if ! rustup component list --installed | grep -q '^rust-src'; then
    log "adding the rust-src component"
    rustup component add rust-src
  fi
}

ensure_npm() {
  cd "$BEERFLOW_ROOT/end2end"
  if [ ! -x node_modules/.bin/playwright ] || [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (Playwright, binaryen's wasm-opt)"
    npm ci --no-audit --no-fund
  fi
  cd "$BEERFLOW_ROOT"
}

ensure_chromium() {
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return; fi
  log "installing Chromium from Debian"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && apt-get install -y -q chromium
  else
    sudo apt-get update -q && sudo apt-get install -y -q chromium
  fi
}

# nginx from Debian, for the load-balanced deployment's test (scripts/test-lb.sh).
ensure_nginx() {
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then export PATH="$PATH:/usr/sbin"; return; fi
  log "installing nginx from Debian"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && apt-get install -y -q nginx
  else
    sudo apt-get update -q && sudo apt-get install -y -q nginx
  fi
  export PATH="$PATH:/usr/sbin"
}

# promtool (Debian's prometheus package), to check deploy/prometheus.yml.
ensure_promtool() {
  if command -v promtool >/dev/null; then return; fi
  log "installing prometheus (for promtool) from Debian"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && apt-get install -y -q --no-install-recommends prometheus
  else
    sudo apt-get update -q && sudo apt-get install -y -q --no-install-recommends prometheus
  fi
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return; fi
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  echo "PostgreSQL is not answering on 127.0.0.1:5432; the PostgreSQL half of the tests needs it" >&2
  exit 1
}

# Prints the address a server started with `--addr 127.0.0.1:0` (process $2, logging to $1)
# announces once it listens; fails showing its log if it exits or does not start in a minute.
server_address() {
  local addr=
  for _ in $(seq 1 120); do
    addr=$(grep -o 'listening on http://[0-9.:]*' "$1" | head -n1 | sed 's/listening on //') || true
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    kill -0 "$2" 2>/dev/null || break
    sleep 0.5
  done
  echo "the server did not start:" >&2; cat "$1" >&2; return 1
}

# For the benchmarks: starts the release server with the demo data on a fresh database of
# backend $1 (sqlite or postgres), stopped and dropped on exit. Sets BENCH_URL, BENCH_PID and,
# for PostgreSQL, BENCH_DB (the database's name).
start_bench_server() {
  BENCH_WORK=$(mktemp -d)
  BENCH_DB=
  local url
  case "$1" in
    sqlite) url="sqlite://$BENCH_WORK/bench.db" ;;
    postgres)
      ensure_postgres
      BENCH_DB="beerflow_bench_$$"
      psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $BENCH_DB"
      url="postgres://postgres@127.0.0.1:5432/$BENCH_DB" ;;
  esac
  "$CARGO_TARGET_DIR/release/beerflow" serve --demo --addr 127.0.0.1:0 --database-url "$url" >"$BENCH_WORK/server.log" 2>&1 &
  BENCH_PID=$!
  trap stop_bench_server EXIT
  BENCH_URL=$(server_address "$BENCH_WORK/server.log" "$BENCH_PID")
  echo "== $1, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
}

stop_bench_server() {
  kill "$BENCH_PID" 2>/dev/null || true; wait "$BENCH_PID" 2>/dev/null || true
  if [ -n "$BENCH_DB" ]; then psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"; fi
  rm -rf "$BENCH_WORK"
}

# Cargo names the artifacts of workspace crates the same in every checkout, and a checkout whose
# files did not change since *its* last build looks fresh even when another checkout built into
# the shared target directory meanwhile. So when the target directory was last used by another
# checkout, forget the workspace crates' own artifacts (the dependencies stay cached).
claim_target_dir() {
  local mark="$CARGO_TARGET_DIR/.beerflow-checkout"
  if [ "$(cat "$mark" 2>/dev/null)" != "$BEERFLOW_ROOT" ]; then
    if [ -d "$CARGO_TARGET_DIR" ]; then
      log "target directory last used by another checkout: rebuilding the workspace crates"
      for profile in dev release wasm-release; do
        for pkg in beerflow-core app frontend beerflow beerflow-load xtask; do
          cargo clean -q -p "$pkg" --profile "$profile" 2>/dev/null || true
          cargo clean -q -p "$pkg" --profile "$profile" --target wasm32-unknown-unknown 2>/dev/null || true
        done
      done
    fi
    mkdir -p "$CARGO_TARGET_DIR" && echo "$BEERFLOW_ROOT" >"$mark"
  fi
}

ensure_build_tools() {
  ensure_rust
  ensure_npm
  claim_target_dir
}

# The Python tools of the test command (schemathesis, an OpenAPI validator), from PyPI, in a
# virtual environment under the cache; pinned in scripts/requirements-fuzz.txt.
ensure_fuzz_tools() {
  local venv=$BEERFLOW_CACHE/venv
  local req=$BEERFLOW_ROOT/scripts/requirements-fuzz.txt
  if [ ! -x "$venv/bin/schemathesis" ] || [ "$req" -nt "$venv/.installed" ]; then
    log "installing schemathesis and openapi-spec-validator (PyPI) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    touch "$venv/.installed"
  fi
  export PATH="$venv/bin:$PATH"
}
