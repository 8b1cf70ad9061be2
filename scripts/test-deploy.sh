#!/usr/bin/env bash
# What of deploy/ can be checked on this machine (issue 18): the Prometheus configuration
# (`promtool check config`), the systemd unit (`systemd-analyze verify`), the compose file's
# shape, and deploy/deploy.sh run for real against a SQLite database one schema version behind:
# backup, stop, install, migrate (with the backup beside the database), start, verify.
# (nginx's configuration is checked with `nginx -t` and run by scripts/test-lb.sh; the containers
# themselves are not run here: there is no container engine.)
#   scripts/test-deploy.sh [BEERFLOW_BINARY]    (default: the debug build `cargo test` made)
source "$(dirname "$0")/env.sh"
ensure_promtool
ensure_fuzz_tools
cd "$BEERFLOW_ROOT"
BIN=${1:-$CARGO_TARGET_DIR/debug/beerflow}
WORK=$(mktemp -d)
PIDFILE=$WORK/server.pid
cleanup() {
  if [ -f "$PIDFILE" ]; then kill "$(cat "$PIDFILE")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log "promtool check config deploy/prometheus.yml"
promtool check config deploy/prometheus.yml

log "systemd-analyze verify deploy/beerflow.service"
if command -v systemd-analyze >/dev/null; then
  # The unit as installed, pointing at a binary that exists here.
  sed "s|/usr/local/bin/beerflow|$BIN|" deploy/beerflow.service >"$WORK/beerflow.service"
  systemd-analyze verify "$WORK/beerflow.service" 2>&1 | tee "$WORK/verify.log"
  if grep -v -e "Unknown user\|beerflow.service: Failed to\|Unit is bound to inactive\|not executable" "$WORK/verify.log" | grep -qi "error\|invalid\|unknown"; then
    echo "systemd-analyze found problems in the unit" >&2; exit 1
  fi
  systemd-analyze security --offline=yes "$WORK/beerflow.service" 2>/dev/null | tail -n1 || true
else
  echo "systemd-analyze is not installed: the unit was not verified"
fi

log "the compose file's services, health checks and mounts"
python3 - <<'PY'
import os, sys, yaml
root = "deploy"
c = yaml.safe_load(open(os.path.join(root, "compose.yaml")))
s = c["services"]
want = {"postgres", "beerflow1", "beerflow2", "nginx", "prometheus", "grafana"}
assert want <= set(s), f"services: {sorted(s)}"
for name in ("beerflow1", "beerflow2"):
    svc = s[name]
    assert svc["build"]["dockerfile"] == "deploy/Dockerfile", svc
    assert "/health/ready" in " ".join(svc["healthcheck"]["test"]), svc["healthcheck"]
    assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = svc["environment"]
    assert env["BEERFLOW_DATABASE_URL"].startswith("postgres://") and env["BEERFLOW_METRICS_ADDR"].endswith(":9100")
    assert env["BEERFLOW_TRUSTED_PROXIES"] == s["nginx"]["networks"]["beerflow"]["ipv4_address"]
assert "pg_isready" in " ".join(s["postgres"]["healthcheck"]["test"]) and "pgdata:/var/lib/postgresql/data" in s["postgres"]["volumes"]
for svc in ("nginx", "prometheus", "grafana"):
    for v in s[svc].get("volumes", []):
        src = v.split(":")[0]
        if src.startswith("./"):
            assert os.path.exists(os.path.join(root, src)), f"{svc} mounts {src}, which does not exist"
assert all(v["condition"] == "service_healthy" for v in s["nginx"]["depends_on"].values())
prom = yaml.safe_load(open(os.path.join(root, "prometheus.yml")))
targets = prom["scrape_configs"][0]["static_configs"][0]["targets"]
assert sorted(targets) == ["beerflow1:9100", "beerflow2:9100"], targets
ds = yaml.safe_load(open(os.path.join(root, "grafana/provisioning/datasources/prometheus.yml")))["datasources"][0]
import json
dash = json.load(open(os.path.join(root, "grafana/dashboards/beerflow.json")))
uids = {p["datasource"]["uid"] for p in dash["panels"]}
assert uids == {ds["uid"]}, f"the dashboard's panels name {uids}, the provisioned data source is {ds['uid']}"
df = open(os.path.join(root, "Dockerfile")).read()
assert "cargo xtask build --release" in df and "HEALTHCHECK" in df and "/health/ready" in df
print("compose.yaml, prometheus.yml, the Grafana provisioning and the Dockerfile agree")
PY

log "deploy/deploy.sh on a SQLite database one schema version behind"
DB="sqlite://$WORK/beerflow.db"
"$BIN" migrate --database-url "$DB" >/dev/null
VENUE=$("$BIN" venue add --name "Deploy Check Pub" --timezone Europe/Rome --database-url "$DB")
BEERFLOW_USER_PASSWORD=deploy-check-pass "$BIN" user add --venue "$VENUE" --email ops@deploy.check \
  --name Ops --role admin --database-url "$DB" >/dev/null
LATEST=$(ls migrations/sqlite | sort | tail -n1 | cut -c1-4)
PREVIOUS=$(printf '%04d' $((10#$LATEST - 1)))
# The database as the previous build left it: without the latest migration.
python3 - "$WORK/beerflow.db" "$((10#$LATEST))" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DELETE FROM _sqlx_migrations WHERE version = ?", (int(sys.argv[2]),))
db.execute("DROP TABLE venue_alerts")
db.commit()
PY
"$BIN" migrate --status --database-url "$DB" | tee "$WORK/status-before"
grep -q PENDING "$WORK/status-before"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/bin"
START="nohup $WORK/bin/beerflow serve --addr 127.0.0.1:$PORT --database-url $DB --alert-scan-secs 0 >$WORK/server.log 2>&1 & echo \$! >$PIDFILE"
STOP="if [ -f $PIDFILE ]; then kill \$(cat $PIDFILE); while kill -0 \$(cat $PIDFILE) 2>/dev/null; do sleep 0.1; done; fi"
DEPLOY_SKIP_BUILD=1 DEPLOY_BIN="$BIN" BEERFLOW_DATABASE_URL="$DB" BEERFLOW_URL="http://127.0.0.1:$PORT" \
  BEERFLOW_ADMIN_EMAIL=ops@deploy.check BEERFLOW_ADMIN_PASSWORD=deploy-check-pass \
  BEERFLOW_BACKUP_DIR="$WORK/backups" BEERFLOW_INSTALL_BIN="$WORK/bin/beerflow" BEERFLOW_INSTALL_SITE="$WORK/site" \
  DEPLOY_STOP="$STOP" DEPLOY_START="$START" bash deploy/deploy.sh
# What the deploy left: a backup taken before it, the one beside the database before migrating,
# every migration applied, the check's product gone from the menu.
ls "$WORK/backups"/beerflow-*.backup >/dev/null
BESIDE=$(ls "$WORK"/beerflow.db.schema-"$PREVIOUS".*.bak)
test -s "$BESIDE"
"$BIN" migrate --status --database-url "$DB" | tee "$WORK/status-after"
if grep -q PENDING "$WORK/status-after"; then echo "migrations still pending after the deploy" >&2; exit 1; fi
# That backup is the database as it was: the previous schema.
"$BIN" migrate --status --database-url "sqlite://$BESIDE" >"$WORK/status-beside"
grep -q "^ *$((10#$LATEST)) .*PENDING" "$WORK/status-beside"
echo "deploy checks: ok"
