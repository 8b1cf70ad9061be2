#!/usr/bin/env bash
# Validates the server's OpenAPI document and runs the schema-driven fuzzer (schemathesis) over
# every operation of it, against a running server with the demo data: once signed in as the
# admin, once as a waiter. Checks: no server error, every response conforms to its documented
# schema and status codes. Usage: scripts/fuzz.sh http://127.0.0.1:PORT [label]
# Bounded: FUZZ_EXAMPLES test cases per operation and phase (default 25). One worker: with two,
# hypothesis 6.170 sometimes fails inside itself ("AST constructor recursion depth mismatch").
source "$(dirname "$0")/env.sh"
ensure_fuzz_tools
BASE=$1
LABEL=${2:-server}
EXAMPLES=${FUZZ_EXAMPLES:-25}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

curl -fsS "$BASE/api/v1/openapi.json" -o "$WORK/openapi.json"
openapi-spec-validator "$WORK/openapi.json"

token() {
  curl -fsS "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1@beerflow.demo\",\"password\":\"admin123!\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# Path parameters: the demo venue, so that operations reach their use cases instead of
# stopping at "not your venue"; other ids are generated.
cat >"$WORK/schemathesis.toml" <<TOML
[parameters]
"path.venue_id" = "00000000-0000-0000-0000-000000000001"
TOML

# Both tokens first, and the waiter's run first: the admin's run may deactivate the waiter (the
# fuzzer reuses ids it has seen in answers, and that is a legitimate request).
declare -A TOKENS
for who in waiter1 admin; do TOKENS[$who]=$(token "$who"); done
status=0
for who in waiter1 admin; do
  TOKEN=${TOKENS[$who]}
  log "fuzzing the API on $LABEL as $who ($EXAMPLES cases per operation and phase)"
  schemathesis --config-file "$WORK/schemathesis.toml" run "$WORK/openapi.json" \
    --url "$BASE" \
    -H "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" \
    --workers 1 \
    --seed 12 \
    --no-color \
    --report junit --report-junit-path "$WORK/$who.xml" >"$WORK/$who.log" 2>&1 || status=1
  # The summary (and any failure, in full); the whole log is kept when something failed.
  sed -n '/^=* \(FAILURES\|ERRORS\|SUMMARY\)/,$p' "$WORK/$who.log"
  [ $status = 0 ] || cp "$WORK/$who.log" "${FUZZ_LOG_DIR:-/tmp}/beerflow-fuzz-$LABEL-$who.log"
  python3 - "$WORK/$who.xml" "$WORK/$who.log" "$LABEL" "$who" <<'PY'
import re, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
operations = sum(int(s.get("tests", 0)) for s in suites)
failures = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
found = re.search(r"(\d+) generated", open(sys.argv[2]).read())
cases = found.group(1) if found else "?"
print(f"fuzz {sys.argv[3]} as {sys.argv[4]}: {operations} operations, {cases} cases, {failures} failed")
PY
done
exit $status
