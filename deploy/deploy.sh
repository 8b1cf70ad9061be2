#!/usr/bin/env bash
# Deploys this checkout of BeerFlow on a single host the way the original design's script did:
# build, back up, stop, install, migrate, start, verify. It stops at the first broken step and
# says which, and how to roll back.
#
#   sudo deploy/deploy.sh            (from a checkout of the version to deploy; systemd install:
#                                     deploy/beerflow.service)
#
# Settings (environment):
#   BEERFLOW_DATABASE_URL    the database (default sqlite:///var/lib/beerflow/beerflow.db)
#   BEERFLOW_URL             where the service answers (default http://127.0.0.1:3000)
#   BEERFLOW_ADMIN_EMAIL, BEERFLOW_ADMIN_PASSWORD
#                            an admin account the verification signs in with (required)
#   BEERFLOW_BACKUP_DIR      where backups go (default /var/backups/beerflow)
#   BEERFLOW_INSTALL_BIN     where the binary goes (default /usr/local/bin/beerflow; the one it
#                            replaces is kept as beerflow.previous for a rollback)
#   BEERFLOW_INSTALL_SITE    where the compiled site goes (default /usr/share/beerflow/site)
#   DEPLOY_SKIP_BUILD=1      install target/release/beerflow (or DEPLOY_BIN) and target/site as
#                            they are
#   DEPLOY_STOP, DEPLOY_START
#                            how to stop and start the service (default systemctl stop/start
#                            beerflow); the test command runs this script with its own.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

DB=${BEERFLOW_DATABASE_URL:-sqlite:///var/lib/beerflow/beerflow.db}
URL=${BEERFLOW_URL:-http://127.0.0.1:3000}
BACKUP_DIR=${BEERFLOW_BACKUP_DIR:-/var/backups/beerflow}
INSTALL_BIN=${BEERFLOW_INSTALL_BIN:-/usr/local/bin/beerflow}
INSTALL_SITE=${BEERFLOW_INSTALL_SITE:-/usr/share/beerflow/site}
STOP=${DEPLOY_STOP:-systemctl stop beerflow}
START=${DEPLOY_START:-systemctl start beerflow}
: "${BEERFLOW_ADMIN_EMAIL:?set BEERFLOW_ADMIN_EMAIL (an admin account to verify the deploy with)}"
: "${BEERFLOW_ADMIN_PASSWORD:?set BEERFLOW_ADMIN_PASSWORD}"
TARGET=${CARGO_TARGET_DIR:-target}

STEP=starting
BACKUP=
STOPPED=
# The database URL as printed: without its password.
SHOWN_DB=$(printf '%s' "$DB" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')
fail() {
  echo "deploy: FAILED at step '$STEP'" >&2
  if [ -n "$STOPPED" ] && [ -n "$BACKUP" ]; then
    echo "deploy: to roll back: stop the service; cp $INSTALL_BIN.previous $INSTALL_BIN;" \
      "rm -rf $INSTALL_SITE && mv $INSTALL_SITE.old $INSTALL_SITE (if it is there);" \
      "beerflow restore --replace --from $BACKUP --database-url '$SHOWN_DB'; start the service" >&2
  elif [ -z "$STOPPED" ]; then
    echo "deploy: the running service was not touched" >&2
  fi
  exit 1
}
trap fail ERR
step() { STEP=$1; printf '\033[1m==> deploy: %s\033[0m\n' "$1"; }

step "build"
if [ "${DEPLOY_SKIP_BUILD:-}" != 1 ]; then
  cargo xtask build --release
fi
NEW_BIN=${DEPLOY_BIN:-$TARGET/release/beerflow}
NEW_SITE=${LEPTOS_SITE_ROOT:-target/site}
[ -x "$NEW_BIN" ] || { echo "deploy: no binary at $NEW_BIN" >&2; false; }
[ -f "$NEW_SITE/pkg/beerflow.wasm" ] || { echo "deploy: no compiled site at $NEW_SITE" >&2; false; }

# The database's own commands run as the service's user when there is one (so that a SQLite
# database and its -wal/-shm files stay the service's).
AS=()
if [ "$(id -u)" = 0 ] && id -u "${BEERFLOW_USER:-beerflow}" >/dev/null 2>&1; then
  AS=(runuser -u "${BEERFLOW_USER:-beerflow}" --)
fi

step "back up the database"
mkdir -p "$BACKUP_DIR"
if [ ${#AS[@]} -gt 0 ]; then chown "${BEERFLOW_USER:-beerflow}" "$BACKUP_DIR"; fi
TAKING=$BACKUP_DIR/beerflow-$(date -u +%Y%m%dT%H%M%SZ).backup
"${AS[@]}" "$NEW_BIN" backup --to "$TAKING" --database-url "$DB"
BACKUP=$TAKING

step "stop the service"
STOPPED=1
bash -c "$STOP"

step "install the binary and the site"
if [ -e "$INSTALL_BIN" ]; then cp -p "$INSTALL_BIN" "$INSTALL_BIN.previous"; fi
install -m 0755 "$NEW_BIN" "$INSTALL_BIN.new" && mv -f "$INSTALL_BIN.new" "$INSTALL_BIN"
mkdir -p "$INSTALL_SITE"
rm -rf "$INSTALL_SITE.new" && cp -r "$NEW_SITE" "$INSTALL_SITE.new"
rm -rf "$INSTALL_SITE.old" && mv "$INSTALL_SITE" "$INSTALL_SITE.old" && mv "$INSTALL_SITE.new" "$INSTALL_SITE"

step "migrate"
"${AS[@]}" "$INSTALL_BIN" migrate --status --database-url "$DB"
"${AS[@]}" "$INSTALL_BIN" migrate --database-url "$DB"

step "start the service"
bash -c "$START"

step "verify: ready"
for _ in $(seq 1 60); do
  if curl -fsS "$URL/health/ready" >/dev/null 2>&1; then break; fi
  sleep 1
done
curl -fsS "$URL/health/ready"
echo
HEALTH=$(curl -fsS "$URL/health")
grep -q '"status":"ok"' <<<"$HEALTH"

step "verify: an admin signs in"
LOGIN=$(curl -fsS -X POST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$BEERFLOW_ADMIN_EMAIL\", \"password\": \"$BEERFLOW_ADMIN_PASSWORD\"}")
TOKEN=$(printf '%s' "$LOGIN" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
VENUE=$(printf '%s' "$LOGIN" | sed -n 's/.*"venue_id":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] && [ -n "$VENUE" ]
api() { curl -fsS -X "$1" "$URL/api/v1/venues/$VENUE$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
id_of() { sed -n 's/^{"id":"\([^"]*\)".*/\1/p; s/.*[{,]"id":"\([^"]*\)".*/\1/p' | head -n1; }

step "verify: a product and a lot are created"
CHECK=deploy-check-$(date -u +%s)
PRODUCT=$(api POST /products "{\"name\": \"$CHECK\", \"unit\": \"pz\", \"price\": 1, \"track_stock\": true}" | id_of)
[ -n "$PRODUCT" ]
LOT=$(api POST /lots "{\"product_id\": \"$PRODUCT\", \"lot_code\": \"$CHECK\", \"qty_init\": 1, \"unit\": \"pz\"}" | id_of)
[ -n "$LOT" ]
SEEN=$(api GET "/lots/$LOT")
grep -q "\"lot_code\":\"$CHECK\"" <<<"$SEEN"

step "verify: and cleaned up"
WASTED=$(api POST "/lots/$LOT/adjust" '{"quantity": -1, "reason": "deploy check", "movement_type": "WASTE"}')
grep -q '"qty_current":0[,}]' <<<"$WASTED"
api DELETE "/products/$PRODUCT" >/dev/null
GONE=$(api GET "/products/$PRODUCT")
grep -q '"active":false' <<<"$GONE"

trap - ERR
echo "deploy: done and verified; backup of the database before it: $BACKUP"
