#!/usr/bin/env bash
# Generate a Go service from one PRD (or model file) and prove it works:
#   gofmt · go vet · golangci-lint (staticcheck, errcheck, gosec, revive…) · go build · go test -race (real PostgreSQL + Redis) ·
#   migrations up · docs/db/schema.sql applies and matches them · cmd/api serving /healthz
#   /readyz /openapi.yaml · the generated e2e suite over HTTP · schemathesis against the running api (0 failures) · graceful shutdown (SIGTERM with requests in flight → all complete, exit 0)
#   · with deploy, kustomize build and helm lint/template, every object decoded strictly into k8s.io/api types
#   · with monitoring, promtool check/test of the alert rules and every metric they read served
#   · with tenancy, the isolation test against a build without the application's tenant filter
#   (row-level security alone), and a control run that must catch the leaks.
#
#   scripts/check-generated.sh examples/shop/PRD.md [WORKDIR]
#   scripts/check-generated.sh tests/fixtures/models/library.yaml [WORKDIR]
#
# Uses DATABASE_URL/REDIS_URL when both are set (scripts/test.sh starts them once for all
# projects); otherwise starts its own PostgreSQL and Redis via scripts/services.sh.
# Knobs: BACKEND_PRO=path (skip the cargo build), KEEP_WORKDIR=1, BP_RESULTS=file (append one
# "PASS|FAIL|SKIP project step" line per step; scripts/test.sh reads it), GOLANGCI_LINT_VERSION,
# SCHEMATHESIS_VERSION, SCHEMATHESIS_VENV (where the pinned schemathesis is installed and reused),
# BP_AS_TYPED=ENTITY (a PRD only: generate with the commands as a user types them, in an empty
# directory — `backend-pro new --prd PRD.md` with no --out or --module, then `backend-pro add
# entity ENTITY` with no --field and no terminal — and check that project).
set -euo pipefail
# Load and checks come from one client address: the per-caller rate limit (on by default in
# generated services) would turn them into 429s. check-generated.sh tests the limit on its own.
export RATE_LIMIT_RPS=0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

# golangci-lint v2 (go vet, staticcheck, errcheck, gosec, revive, … as the project's .golangci.yml
# says); the same pin as the generated Makefile's `make lint`.
GOLANGCI_LINT_VERSION=${GOLANGCI_LINT_VERSION:-v2.15.0}
export GOTOOLCHAIN=local # the generated go.mod must build with the Go on the machine, no download

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then die "usage: $0 <PRD.md|model.yaml> [workdir]"; fi
INPUT=$1
[ -f "$INPUT" ] || die "no such file: $INPUT"
INPUT=$(cd "$(dirname "$INPUT")" && pwd)/$(basename "$INPUT")

case "$INPUT" in
  *.yaml | *.yml)
    SRC_FLAG=--model
    NAME=$(basename "$INPUT" | sed -E 's/\.ya?ml$//')
    ;;
  *)
    SRC_FLAG=--prd
    NAME=$(basename "$(dirname "$INPUT")")
    ;;
esac
NAME=$(printf '%s' "$NAME" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '_' | sed -E 's/^_+|_+$//g')
[ -n "$NAME" ] || NAME=svc
[[ "$NAME" =~ ^[a-z] ]] || NAME="svc_$NAME"
LABEL=${BP_LABEL:-$NAME}

if [ "$#" -eq 2 ]; then
  WORK=$(mkdir -p "$2" && cd "$2" && pwd)
  KEEP_WORKDIR=1
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-check-$NAME.XXXXXX")
fi
OUT=$WORK/svc
LOGS=$WORK/logs
BIN=$WORK/bin
mkdir -p "$LOGS" "$BIN"

API_PID=
RECEIVER_PID=
OWN_SERVICES=0
PASSED=0
FAILED=0
SKIPPED=0
FAILED_STEPS=()

STEP_PID=
cleanup() {
  if [ -n "$STEP_PID" ]; then # interrupted inside a step: stop it (timeout passes TERM on)
    kill -TERM "$STEP_PID" 2>/dev/null || true
    wait "$STEP_PID" 2>/dev/null || true
  fi
  if [ -n "$API_PID" ]; then
    kill -9 "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  if [ -n "$RECEIVER_PID" ]; then
    kill "$RECEIVER_PID" 2>/dev/null || true
    wait "$RECEIVER_PID" 2>/dev/null || true
  fi
  if [ "$OWN_SERVICES" = 1 ]; then services_stop; fi
  if [ "${KEEP_WORKDIR:-0}" != 1 ] && [ "$FAILED" -eq 0 ]; then
    rm -rf "$WORK"
  else
    log "$LABEL: work dir kept: $WORK (logs in $LOGS)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { # record PASS|FAIL|SKIP STEP
  [ -z "${BP_RESULTS:-}" ] || echo "$1 $LABEL $2" >>"$BP_RESULTS"
}

declare -A STATUS=()
# step NAME TIMEOUT_SECONDS NEEDS CMD... — run CMD (output to logs/NAME.log) unless a step it needs
# (comma-separated, or "-") did not pass. Never exits the script.
step() {
  local name=$1 secs=$2 needs=$3 n start rc
  shift 3
  if [ "$needs" != - ]; then
    for n in ${needs//,/ }; do
      if [ "${STATUS[$n]:-}" != PASS ]; then
        STATUS[$name]=SKIP
        SKIPPED=$((SKIPPED + 1))
        record SKIP "$name"
        printf '  %-12s SKIP (needs %s)\n' "$name" "$n" >&2
        return 0
      fi
    done
  fi
  start=$(date +%s.%N)
  set +e
  # bash -c so that CMD may be one of the exported functions below. In the background + wait, so
  # that an INT/TERM reaches our trap at once (timeout runs in a process group of its own).
  timeout --kill-after=10 "$secs" bash -c '"$@"' "$name" "$@" >"$LOGS/$name.log" 2>&1 &
  STEP_PID=$!
  wait "$STEP_PID"
  rc=$?
  STEP_PID=
  set -e
  local took
  took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }')
  if [ "$rc" -eq 0 ]; then
    STATUS[$name]=PASS
    PASSED=$((PASSED + 1))
    record PASS "$name"
    printf '  %-12s ok   %s\n' "$name" "$took" >&2
  else
    STATUS[$name]=FAIL
    FAILED=$((FAILED + 1))
    FAILED_STEPS+=("$name")
    record FAIL "$name"
    [ "$rc" -eq 124 ] && echo "(timed out after ${secs}s)" >>"$LOGS/$name.log"
    printf '  %-12s FAIL %s (exit %d) — last lines of %s:\n' "$name" "$took" "$rc" "$LOGS/$name.log" >&2
    tail -n "${BP_FAIL_LINES:-60}" "$LOGS/$name.log" | sed 's/^/      | /' >&2
  fi
}

# db_url BASE NAME — BASE with its database replaced by NAME.
db_url() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
}

# redis_url BASE DB — BASE with its logical database replaced by DB.
redis_url() { printf '%s/%s\n' "$(printf '%s' "$1" | sed -E 's#(redis://[^/]+).*#\1#')" "$2"; }

# ---------------------------------------------------------------------------------------------
log "$LABEL: checking $INPUT (work dir $WORK)"

if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  OWN_SERVICES=1
  services_start
fi
BASE_DB_URL=$DATABASE_URL
BASE_REDIS_URL=$REDIS_URL
PSQL=psql
[ -n "${BP_PGBIN:-}" ] && PSQL=$BP_PGBIN/psql

if [ -z "${BACKEND_PRO:-}" ]; then
  log "building backend-pro"
  (cd "$ROOT" && cargo build --locked -q) || die "cargo build failed"
  BACKEND_PRO=${CARGO_TARGET_DIR:-$ROOT/target}/debug/backend-pro
  [[ "$BACKEND_PRO" = /* ]] || BACKEND_PRO=$ROOT/$BACKEND_PRO
fi
[[ "$BACKEND_PRO" = /* ]] || BACKEND_PRO=$PWD/$BACKEND_PRO
[ -x "$BACKEND_PRO" ] || die "backend-pro binary not found: $BACKEND_PRO"

# Fresh databases: one for `go test`, one for the running api (so neither sees the other's rows).
SUFFIX=$(date +%s)_$$
TEST_DB=bp_${NAME}_test_$SUFFIX
API_DB=bp_${NAME}_api_$SUFFIX
db_setup() {
  "$PSQL" "$BASE_DB_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $TEST_DB" &&
    "$PSQL" "$BASE_DB_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $API_DB"
}
TEST_DB_URL=$(db_url "$BASE_DB_URL" "$TEST_DB")
API_DB_URL=$(db_url "$BASE_DB_URL" "$API_DB")
TEST_REDIS_URL=$(redis_url "$BASE_REDIS_URL" 1)
API_REDIS_URL=$(redis_url "$BASE_REDIS_URL" 2)
# Our own Redis (started by services.sh) may be wiped between projects; someone else's may not.
if [ -n "${BP_SERVICES_DIR:-}" ]; then
  redis-cli -u "$BASE_REDIS_URL" flushall >/dev/null 2>&1 || true
fi

export PSQL BASE_DB_URL TEST_DB API_DB
export -f db_setup
# As typed: `new` picks ./<service-name>/ and the default module; `add entity` without fields and
# without a terminal adds an entity with only its id, version and timestamps.
generate_as_typed() {
  mkdir -p "$WORK/typed" && cd "$WORK/typed" &&
    "$BACKEND_PRO" new --prd "$INPUT" </dev/null &&
    cd "$(find . -mindepth 1 -maxdepth 1 -type d)" &&
    "$BACKEND_PRO" add entity "$BP_AS_TYPED" </dev/null
}
if [ -n "${BP_AS_TYPED:-}" ]; then
  [ "$SRC_FLAG" = --prd ] || die "BP_AS_TYPED needs a PRD, not a model file"
  export BACKEND_PRO INPUT WORK BP_AS_TYPED
  export -f generate_as_typed
  step generate 120 - generate_as_typed
  OUT=$(find "$WORK/typed" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  [ -n "$OUT" ] || OUT=$WORK/typed/none
else
  step generate 120 - "$BACKEND_PRO" new "$SRC_FLAG" "$INPUT" --out "$OUT" --module "example.com/$NAME"
fi
step databases 60 - db_setup

if [ "${STATUS[generate]}" = PASS ]; then
  cd "$OUT"
  log "$LABEL: generated $(find . -type f | wc -l) files into $OUT"
fi

gofmt_clean() {
  local bad
  bad=$(gofmt -l .) || { echo "gofmt failed"; return 1; }
  [ -z "$bad" ] || { echo "gofmt -l lists:"; echo "$bad"; return 1; }
}
go_test() {
  TEST_REQUIRE_SERVICES=1 DATABASE_URL=$TEST_DB_URL REDIS_URL=$TEST_REDIS_URL \
    go test -race -count=1 ./...
}
build_bins() {
  go build -o "$BIN/api" ./cmd/api && go build -o "$BIN/migration" ./cmd/migration &&
    if [ -d cmd/devtoken ]; then go build -o "$BIN/devtoken" ./cmd/devtoken; fi &&
    if [ -d internal/infrastructure/telemetry ]; then go build -C "$ROOT/scripts/otlp-receiver" -o "$BIN/otlp-receiver" .; fi
}
# A project with the auth capability verifies tokens signed with JWT_SECRET (exported for every
# api this script starts); the checks that call it send a development token of the role that may
# do everything (cmd/devtoken's default). Empty without cmd/devtoken.
JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
auth_header() {
  if [ -x "$BIN/devtoken" ]; then echo "Bearer $("$BIN/devtoken" -sub check-generated)"; fi
}
migrate() {
  DATABASE_URL=$API_DB_URL "$BIN/migration" up &&
    DATABASE_URL=$API_DB_URL "$BIN/migration" up &&
    DATABASE_URL=$API_DB_URL "$BIN/migration" status
}

export ROOT BIN LOGS PSQL BASE_DB_URL TEST_DB API_DB TEST_DB_URL API_DB_URL TEST_REDIS_URL API_REDIS_URL JWT_SECRET
export -f log warn die free_port db_setup gofmt_clean go_test build_bins migrate auth_header

step gofmt 120 generate gofmt_clean
# With the monitoring capability: the alert rules and the Prometheus configuration are valid,
# the generated promtool unit tests pass (each alert fires on its fault, none on a healthy
# service) and the Grafana dashboard is JSON.
alerts() {
  cd deployments/prometheus &&
    promtool check rules alerts.yml &&
    promtool check config --syntax-only prometheus.yml &&
    promtool test rules alerts_test.yml &&
    python3 -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' ../grafana/*.json &&
    echo "dashboard: valid JSON"
}
# With the deploy capability: the kustomize base built as `kustomize build` does and the Helm
# chart linted (`helm lint --strict`) and rendered (`helm template`) — both in process through
# their Go modules (scripts/k8scheck; neither tool is a Debian package) — and every object they
# output decoded strictly into the k8s.io/api types (unknown fields and kinds fail); the
# chart's HPA and PDB must equal the base's.
k8s_manifests() {
  local dir=$PWD chart=
  [ ! -d deployments/helm ] || chart=$(find "$dir/deployments/helm" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  (cd "$ROOT/scripts/k8scheck" && go run . -kustomize "$dir/deployments/k8s/base" ${chart:+-helm "$chart"})
}
if [ -d deployments/k8s/base ]; then
  export -f k8s_manifests
  step k8s 600 generate k8s_manifests
fi
if [ -f deployments/prometheus/alerts.yml ]; then
  command -v promtool >/dev/null 2>&1 || apt_install prometheus >"$LOGS/apt-prometheus.log" 2>&1 || true
  export -f alerts
  step alerts 120 generate alerts
fi
# vet and golangci-lint also see the e2e suite (build tag e2e), which `go build ./...` never compiles.
vet() { go vet ./... && go vet -tags e2e ./...; }
export -f vet
step vet 600 generate vet
step golangci-lint 900 generate go run "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION" run ./...
step build 600 generate go build ./...
step go-test 1800 build,databases go_test
# `backend-pro test` as a user runs it in the project (BP_TEST_COMMAND=1; scripts/test.sh sets it
# for one example): its summary table, exit 0, against the same services.
test_command() {
  DATABASE_URL=$TEST_DB_URL REDIS_URL=$TEST_REDIS_URL "$BACKEND_PRO" test
}
if [ "${BP_TEST_COMMAND:-0}" = 1 ]; then
  export BACKEND_PRO
  export -f test_command
  step test-command 900 go-test test_command
fi
step binaries 600 build build_bins
step migrate 120 binaries,databases migrate
# docs/db/schema.sql must be the schema the migrations make: it applies to an empty schema of
# the test database, and lists the same tables and columns as the migrated api database.
schema_sql() {
  local cols="SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name NOT IN ('goose_db_version', 'outbox', 'processed_events', 'saga_instances')
    ORDER BY 1"
  "$PSQL" "$TEST_DB_URL" -v ON_ERROR_STOP=1 -q -c "CREATE SCHEMA schema_sql" &&
    PGOPTIONS=--search_path=schema_sql "$PSQL" "$TEST_DB_URL" -v ON_ERROR_STOP=1 -q -f docs/db/schema.sql &&
    PGOPTIONS=--search_path=schema_sql "$PSQL" "$TEST_DB_URL" -Atc "$cols" >"$LOGS/schema-sql.cols" &&
    "$PSQL" "$API_DB_URL" -Atc "$cols" >"$LOGS/migrated.cols" &&
    PGOPTIONS=--client_min_messages=warning "$PSQL" "$TEST_DB_URL" -v ON_ERROR_STOP=1 -q -c "DROP SCHEMA schema_sql CASCADE" &&
    diff "$LOGS/migrated.cols" "$LOGS/schema-sql.cols" && echo "schema.sql: $(wc -l <"$LOGS/schema-sql.cols") columns, as migrated"
}
export -f schema_sql
step schema-sql 60 migrate schema_sql

API_PORT=
# With the observability capability the api exports its spans to the suite's OTLP receiver
# (scripts/otlp-receiver, built by the binaries step), one JSON line per span in spans.jsonl.
receiver_start() {
  local port
  port=$(free_port)
  "$BIN/otlp-receiver" -addr "127.0.0.1:$port" -out "$LOGS/spans.jsonl" >"$LOGS/receiver.out" 2>&1 &
  RECEIVER_PID=$!
  for _ in $(seq 50); do
    [ "$(http_status "http://127.0.0.1:$port/v1/traces")" = 000 ] || break
    sleep 0.2
  done
  export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$port OTEL_BSP_SCHEDULE_DELAY=100
  echo "otlp-receiver pid $RECEIVER_PID on 127.0.0.1:$port"
}
api_start() {
  API_PORT=$(free_port)
  if [ -x "$BIN/otlp-receiver" ]; then receiver_start || return 1; fi
  DATABASE_URL=$API_DB_URL REDIS_URL=$API_REDIS_URL HTTP_ADDR=127.0.0.1:$API_PORT \
    SHUTDOWN_DRAIN_DELAY=500ms "$BIN/api" </dev/null >"$LOGS/api.out" 2>&1 &
  API_PID=$!
  echo "api pid $API_PID on 127.0.0.1:$API_PORT"
  wait_http "http://127.0.0.1:$API_PORT/healthz" 30 || { echo "/healthz not 200 within 30s"; tail -n 40 "$LOGS/api.out"; return 1; }
  local st rc=0
  for p in /healthz /readyz /openapi.yaml; do
    st=$(http_status "http://127.0.0.1:$API_PORT$p")
    echo "GET $p -> $st"
    [ "$st" = 200 ] || rc=1
  done
  return "$rc"
}
openapi() { # the served document must be the OpenAPI 3.1 contract with the API's paths
  curl -fsS --max-time 5 "http://127.0.0.1:$API_PORT/openapi.yaml" -o "$LOGS/openapi.yaml" &&
    python3 "$ROOT/scripts/openapi_check.py" "$LOGS/openapi.yaml"
}
e2e() {
  E2E_AUTHORIZATION=$(auth_header) E2E_BASE_URL=http://127.0.0.1:$API_PORT REDIS_URL=$API_REDIS_URL DATABASE_URL=$API_DB_URL \
    go test -tags e2e -count=1 -v ./tests/e2e/
}
# The contract check: schemathesis (PyPI, pinned) against the running cmd/api, every check on, all
# phases (examples, coverage, fuzzing, stateful over the links it infers from Location headers);
# 0 failures required. Installed into a venv under the cache dir, reused when present; when it
# cannot be installed (no pip, no venv, no PyPI), the step FAILS. Options, chosen for a
# deterministic run of < 90 s per example on 2 cores:
#   --checks all                   every check (server errors, status codes, content types,
#                                  response schemas, negative/positive data, 405 + Allow, …)
#   --max-examples 50              test cases per operation and phase
#   --seed 42                      the same generated data on every run
#   --workers 1                    one worker: deterministic order (and faster than auto here)
#   --generation-database none     no example database: nothing carried between runs
#   --config-file scripts/schemathesis.toml   the two statuses that are right although JSON
#                                  Schema cannot tell (422 missing reference / NUL, 501 unwritten rule)
SCHEMATHESIS_VERSION=${SCHEMATHESIS_VERSION:-4.32.5}
SCHEMATHESIS_VENV=${SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/backend-pro/venv-schemathesis}
schemathesis_install() {
  local st=$SCHEMATHESIS_VENV/bin/schemathesis
  if [ -x "$st" ] && [ "$("$SCHEMATHESIS_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" = "$SCHEMATHESIS_VERSION" ]; then
    return 0
  fi
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV"
  rm -rf "$SCHEMATHESIS_VENV"
  mkdir -p "$(dirname "$SCHEMATHESIS_VENV")"
  if ! python3 -m venv "$SCHEMATHESIS_VENV"; then
    echo "ERROR: python3 -m venv failed (python3-venv missing?): schemathesis cannot be installed"
    return 1
  fi
  if ! "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; then
    echo "ERROR: pip could not install schemathesis==$SCHEMATHESIS_VERSION from PyPI"
    rm -rf "$SCHEMATHESIS_VENV"
    return 1
  fi
}
contract() {
  schemathesis_install || return 1
  local base=http://127.0.0.1:$API_PORT rc=0 start auth headers=()
  start=$(date +%s)
  auth=$(auth_header)
  [ -z "$auth" ] || headers=(--header "Authorization: $auth")
  # From the logs dir: nothing is written into the generated project.
  (cd "$LOGS" && "$SCHEMATHESIS_VENV/bin/schemathesis" --config-file "$ROOT/scripts/schemathesis.toml" --no-color \
    run "$base/openapi.yaml" --url "$base" --checks all --max-examples 50 --seed 42 --workers 1 \
    --generation-database none --request-timeout 10 "${headers[@]}") >"$LOGS/schemathesis.out" 2>&1 || rc=$?
  cat "$LOGS/schemathesis.out"
  local tested failures cases
  tested=$(sed -n 's/^ *Tested: *\([0-9]*\).*/\1/p' "$LOGS/schemathesis.out" | tail -n1)
  cases=$(sed -n 's/^ *\([0-9]*\) generated.*/\1/p' "$LOGS/schemathesis.out" | tail -n1)
  failures=$(grep -E '^=+ .* in [0-9.]+s =+$' "$LOGS/schemathesis.out" | tail -n1 | grep -oE '[0-9]+ (failure|error)s?' |
    awk '{ n += $1 } END { print n + 0 }')
  echo "schemathesis: ${tested:-?} operations tested, ${cases:-?} test cases, $failures failures, exit $rc, $(($(date +%s) - start))s"
  [ "$rc" -eq 0 ] && [ "$failures" -eq 0 ] && [ -n "$tested" ] && [ "$tested" -gt 0 ]
}
api_stop() { # SIGTERM the api that served the e2e suite; it must exit 0 within 20 s
  kill -TERM "$API_PID"
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(awk '{ print $3 }' "/proc/$API_PID/stat" 2>/dev/null || echo gone)" = Z ] && break
    [ -e "/proc/$API_PID" ] || break
    sleep 0.1
  done
  local rc=0
  if [ -e "/proc/$API_PID" ] && [ "$(awk '{ print $3 }' "/proc/$API_PID/stat")" != Z ]; then
    echo "api still running 20s after SIGTERM"
    kill -9 "$API_PID" 2>/dev/null || true
    rc=1
  fi
  local code=0
  wait "$API_PID" || code=$?
  API_PID=
  echo "api exit code $code"
  [ "$code" -eq 0 ] || rc=1
  tail -n 5 "$LOGS/api.out"
  return "$rc"
}
sigterm() {
  local port fallback=()
  port=$(free_port)
  # The POST path comes from /openapi.yaml; the model's first resource is the fallback, so that a
  # broken OpenAPI document (caught by api-start) does not also hide the shutdown behaviour.
  local res
  res=$(sed -n 's/^ *resource: *\([a-z0-9_-]*\).*/\1/p' backend-pro.yaml 2>/dev/null | head -n1 || true)
  [ -z "$res" ] || fallback=(--fallback-post-path "/api/v1/$res")
  BP_AUTHORIZATION=$(auth_header) DATABASE_URL=$API_DB_URL REDIS_URL=$API_REDIS_URL HTTP_ADDR=127.0.0.1:$port SHUTDOWN_DRAIN_DELAY=500ms \
    python3 "$ROOT/scripts/sigterm_check.py" --addr "127.0.0.1:$port" --drain-delay 0.5 \
    --log "$LOGS/api-sigterm.out" "${fallback[@]}" -- "$BIN/api"
}

# api-start is run in this shell (not through `step`'s subshell) so that API_PID stays known.
if [ "${STATUS[migrate]:-}" = PASS ]; then
  start=$(date +%s)
  if api_start >"$LOGS/api-start.log" 2>&1; then
    STATUS[api-start]=PASS; PASSED=$((PASSED + 1)); record PASS api-start
    printf '  %-12s ok   %ss\n' api-start "$(($(date +%s) - start))" >&2
  else
    STATUS[api-start]=FAIL; FAILED=$((FAILED + 1)); FAILED_STEPS+=(api-start); record FAIL api-start
    printf '  %-12s FAIL — %s:\n' api-start "$LOGS/api-start.log" >&2
    sed 's/^/      | /' "$LOGS/api-start.log" >&2
  fi
else
  STATUS[api-start]=SKIP; SKIPPED=$((SKIPPED + 1)); record SKIP api-start
  printf '  %-12s SKIP (needs migrate)\n' api-start >&2
fi
export API_PORT
export SCHEMATHESIS_VERSION SCHEMATHESIS_VENV
export -f openapi e2e sigterm schemathesis_install contract
step openapi 30 api-start openapi
step e2e 900 api-start e2e
step schemathesis 600 api-start contract
# With the monitoring capability: every metric the api's alert rules read is served by /metrics
# (after the e2e suite, so that every route has been called).
metric_names() {
  local have n missing=0 auth
  auth=$(auth_header)
  have=$(curl -fsS ${auth:+-H "Authorization: $auth"} "http://127.0.0.1:$API_PORT/metrics") || return 1
  for n in $(grep -oE '\b(http_request[a-z_]*|db_pool_[a-z_]+|circuit_breaker_[a-z_]+|process_[a-z_]+|go_[a-z_]+)\b' deployments/prometheus/alerts.yml | sort -u); do
    if grep -qE "^$n[{ ]" <<<"$have"; then echo "served: $n"; else echo "NOT served: $n"; missing=1; fi
  done
  return "$missing"
}
# With the observability capability: one request (a GET by id of a missing row: cache, then
# database) is one trace holding the HTTP server span named after its route, SQL and Redis
# spans; its problem+json and its log line carry that trace id.
tracing() {
  local auth body trace path
  auth=$(auth_header)
  path=$(grep -oE '^  /[a-z0-9_/-]+/\{id\}:' api/openapi.yaml | head -n 1 | tr -d ' :')
  [ -n "$path" ] || { echo "no /…/{id} path in api/openapi.yaml"; return 1; }
  path=${path//\{id\}/00000000-0000-4000-8000-000000000001}
  body=$(curl -sS ${auth:+-H "Authorization: $auth"} "http://127.0.0.1:$API_PORT$path") || return 1
  echo "GET $path -> $body"
  trace=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("trace_id", ""))' "$body")
  [ -n "$trace" ] || { echo "no trace_id in the problem details"; return 1; }
  grep -q "\"trace_id\":\"$trace\"" "$LOGS/api.out" || { echo "no log line with trace_id $trace"; return 1; }
  sleep 1 # the batch processor exports every 100 ms
  python3 - "$LOGS/spans.jsonl" "$trace" <<'PY'
import json, sys
spans = [json.loads(l) for l in open(sys.argv[1])]
mine = [s for s in spans if s["trace_id"] == sys.argv[2]]
for s in mine:
    print(f'  {s["scope"].split("/")[-1]:10} {s["kind"]:18} {s["name"]}')
server = [s for s in mine if s["kind"] == "SPAN_KIND_SERVER" and s["attrs"].get("http.route", "").endswith(":id")]
sql = [s for s in mine if s["scope"].endswith("otelpgx")]
redis = [s for s in mine if s["scope"].endswith("redisotel")]
print(f"{len(spans)} spans received; trace {sys.argv[2]}: {len(server)} server, {len(sql)} SQL, {len(redis)} Redis")
ok = server and sql and redis and all(s.get("parent") for s in sql + redis)
ok = ok and server[0]["name"] == "GET " + server[0]["attrs"]["http.route"]
sys.exit(0 if ok else 1)
PY
}
# The generated load program (scripts/load, `make load`) against the running API, briefly (3 s
# at 100 requests/s): its report must exist and every answer be 2xx. Whether P95/P99 meet the
# PRD's targets on this shared machine is reported, not required (exit 1 is accepted).
load() {
  local token rc=0
  [ ! -x "$BIN/devtoken" ] || token=$("$BIN/devtoken" -sub load)
  LOAD_TOKEN=${token:-} go run ./scripts/load -url "http://127.0.0.1:$API_PORT" -rps 100 -duration 3s \
    -report "$LOGS/load-report.md" || rc=$?
  [ "$rc" -le 1 ] && grep -q '^| not 2xx | 0.00% ' "$LOGS/load-report.md"
}
export -f load
step load 120 e2e load
if [ -d internal/infrastructure/telemetry ]; then
  export -f tracing
  step tracing 30 e2e tracing
fi
if [ -f deployments/prometheus/alerts.yml ]; then
  export -f metric_names
  step metric-names 30 e2e metric_names
fi
[ ! -f "$LOGS/schemathesis.log" ] || grep '^schemathesis: ' "$LOGS/schemathesis.log" | sed 's/^/               /' >&2 || true
if [ -n "$API_PID" ]; then
  if api_stop >"$LOGS/api-stop.log" 2>&1; then
    STATUS[api-stop]=PASS; PASSED=$((PASSED + 1)); record PASS api-stop
    printf '  %-12s ok\n' api-stop >&2
  else
    STATUS[api-stop]=FAIL; FAILED=$((FAILED + 1)); FAILED_STEPS+=(api-stop); record FAIL api-stop
    printf '  %-12s FAIL — %s:\n' api-stop "$LOGS/api-stop.log" >&2
    sed 's/^/      | /' "$LOGS/api-stop.log" >&2
  fi
fi
step sigterm 120 api-start sigterm

# The per-caller rate limit (core, on by default): an instance limited to 5 requests/s with
# bursts of 5 answers a burst of 30 GETs with 200s then 429s, each 429 with Retry-After and the
# RateLimit-* headers; then the same with Redis unreachable (a closed port): the limiter fails
# open to the per-instance bucket — the first requests pass, none is a 5xx, the limit still holds.
ratelimit() {
  local redis port pid rc=0 auth list
  auth=$(auth_header)
  list=$(grep -oE '^  /api/v1/[a-z0-9_-]+:' api/openapi.yaml | head -n 1 | tr -d ' :')
  for redis in "$API_REDIS_URL" "redis://127.0.0.1:$(free_port)/0"; do
    port=$(free_port)
    DATABASE_URL=$API_DB_URL REDIS_URL=$redis HTTP_ADDR=127.0.0.1:$port RATE_LIMIT_RPS=5 RATE_LIMIT_BURST=5 \
      SHUTDOWN_DRAIN_DELAY=0s "$BIN/api" </dev/null >>"$LOGS/ratelimit-api.out" 2>&1 &
    pid=$!
    if ! wait_http "http://127.0.0.1:$port/healthz" 30; then
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; echo "api did not start"; return 1
    fi
    echo "REDIS_URL=$redis:"
    python3 - "$port" "$list" "$auth" <<'PY' || rc=1
import http.client, sys
port, path, auth = sys.argv[1], sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
codes, bad = [], []
for i in range(30):
    conn.request("GET", path, headers={"Authorization": auth} if auth else {})
    r = conn.getresponse()
    r.read()
    codes.append(r.status)
    if r.status == 429:
        ra = r.getheader("Retry-After") or ""
        if not ra.isdigit() or int(ra) < 1 or r.getheader("RateLimit-Limit") != "5" \
                or r.getheader("Content-Type") != "application/problem+json":
            bad.append(dict(r.getheaders()))
ok, limited = codes.count(200), codes.count(429)
print(f"  30 GET {path}: {ok} × 200, {limited} × 429, other {[c for c in codes if c not in (200, 429)]}")
if bad:
    print(f"  429 without Retry-After / RateLimit-Limit / problem+json: {bad[0]}")
sys.exit(0 if codes[:5] == [200] * 5 and limited > 0 and ok + limited == 30 and not bad else 1)
PY
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  done
  grep -q "limiting per instance" "$LOGS/ratelimit-api.out" || { echo "no log line for the fallback to the per-instance limit"; rc=1; }
  return "$rc"
}
export -f ratelimit wait_http http_status
step ratelimit 120 migrate ratelimit

# With the tenancy capability: PostgreSQL's row-level security alone keeps tenants apart. The api
# is rebuilt with -tags notenantfilter (no application wall) and served without Redis (the cache
# sits behind the application's wall); the e2e isolation test must pass against it. Control: the
# same build acting as the login role (DB_ROLE=none: the owner, which RLS does not bind in tests,
# a superuser) must leak, and the test must say so — a green run then means something.
rls_only() {
  go build -tags notenantfilter -o "$BIN/api-rls" ./cmd/api || return 1
  local port pid rc=0 role
  for role in default none; do
    port=$(free_port)
    if [ "$role" = none ]; then export DB_ROLE=none; else unset DB_ROLE; fi
    DATABASE_URL=$API_DB_URL HTTP_ADDR=127.0.0.1:$port "$BIN/api-rls" </dev/null >"$LOGS/api-rls-$role.out" 2>&1 &
    pid=$!
    if ! wait_http "http://127.0.0.1:$port/healthz" 30; then
      echo "api (notenantfilter, DB_ROLE=$role) not healthy"; tail -n 20 "$LOGS/api-rls-$role.out"
      kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; unset DB_ROLE; return 1
    fi
    local out=$LOGS/rls-e2e-$role.log st=0
    E2E_AUTHORIZATION=$(auth_header) E2E_BASE_URL=http://127.0.0.1:$port \
      go test -tags e2e -count=1 -v -run 'TestTenantIsolation$' ./tests/e2e/ >"$out" 2>&1 || st=$?
    kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    unset DB_ROLE
    if [ "$role" = default ]; then
      if [ "$st" -ne 0 ]; then echo "row-level security alone let a tenant through:"; tail -n 40 "$out"; rc=1; fi
      echo "notenantfilter build, role $(sed -n 's/.*DefaultRole = "\(.*\)"/\1/p' internal/infrastructure/postgres/tenancy.gen.go): isolation holds ($(grep -c '^--- PASS' "$out") test passed)"
    else
      if [ "$st" -eq 0 ] || ! grep -q 'FAIL: TestTenantIsolation' "$out"; then echo "control: acting as the owner (RLS bypassed) the isolation test still passed: it proves nothing"; tail -n 20 "$out"; rc=1; fi
      echo "control (DB_ROLE=none, the owner): the test caught $(grep -cE '(want 404|want 422|must be missing|want none|want only)' "$out") leaks, as it must"
    fi
  done
  return "$rc"
}
if [ -d internal/tenancy ]; then
  export -f rls_only wait_http
  step rls-only 300 migrate rls_only
fi

echo "$LABEL: $PASSED passed, $FAILED failed, $SKIPPED skipped${FAILED_STEPS[*]:+ (failed: ${FAILED_STEPS[*]})}" >&2
[ "$FAILED" -eq 0 ] && [ "$SKIPPED" -eq 0 ]
