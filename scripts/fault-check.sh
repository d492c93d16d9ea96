#!/usr/bin/env bash
# Fault step of the test suite (issue 9): generate one example, build it, and break its
# dependencies on purpose with scripts/fault_check.py, against its own PostgreSQL and Redis
# (they are stopped and started here, so never the suite's shared ones):
#   PostgreSQL stopped under load → only 503s with Retry-After, then 200s without a restart;
#   Redis stopped → 0 5xx and /readyz 200; SIGTERM with 8 keep-alive clients → 0 failed;
#   CLIENT PAUSE 1500 WRITE during a PATCH → no stale read 2 s after it on two instances.
#
#   scripts/fault-check.sh [examples/shop/PRD.md] [--only postgres-down]...
#
# Knobs: BACKEND_PRO=path (skip the cargo build), BP_RESULTS=file (one harness line per scenario). Prints one "fault: NAME: PASS|FAIL (figures)"
# line per scenario; exit 1 when any failed.
set -euo pipefail
# Load and checks come from one client address: the per-caller rate limit (on by default in
# generated services) would turn them into 429s. check-generated.sh tests the limit on its own.
export RATE_LIMIT_RPS=0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
export GOTOOLCHAIN=local

PRD=$ROOT/examples/shop/PRD.md
ONLY=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --only) ONLY+=(--only "$2"); shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) PRD=$1; shift ;;
  esac
done
[ -f "$PRD" ] || die "no such file: $PRD"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-fault.XXXXXX")
# Our own services: unset the suite's so services_start makes new ones.
unset DATABASE_URL REDIS_URL BP_SERVICES_DIR BP_REDIS_PID
cleanup() { services_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BIN=${BACKEND_PRO:-}
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build --quiet --release --locked)
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/backend-pro
fi
"$BIN" new --prd "$PRD" --out "$WORK/svc" --module example.com/faultsvc >/dev/null 2>&1 \
  || { "$BIN" new --prd "$PRD" --out "$WORK/svc2" --module example.com/faultsvc; die "generate failed"; }
(cd "$WORK/svc" && go build -o "$WORK/api" ./cmd/api && go build -o "$WORK/migrate" ./cmd/migration) \
  || die "build failed"

services_start
(cd "$WORK/svc" && "$WORK/migrate" up >/dev/null) || die "migrations failed"

pgctl="$BP_PGBIN/pg_ctl -D $BP_SERVICES_DIR/pg/data"
if [ "$(id -u)" -eq 0 ]; then pgctl="runuser -u $BP_PG_OS_USER -- $pgctl"; fi
redis_start="redis-server --port $BP_REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no \
  --dir $BP_SERVICES_DIR/redis --logfile $BP_SERVICES_DIR/redis/redis.log --daemonize yes \
  && for i in \$(seq 50); do redis-cli -p $BP_REDIS_PORT ping >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"

log "fault scenarios against $(basename "$(dirname "$PRD")")"
python3 "$ROOT/scripts/fault_check.py" \
  --pg-stop "cd / && $pgctl -m fast -w -t 30 stop" \
  --pg-start "cd / && $pgctl -l $BP_SERVICES_DIR/pg/postgres.log -o '-p $BP_PG_PORT' -w -t 60 start" \
  --redis-stop "redis-cli -p $BP_REDIS_PORT shutdown nosave; sleep 0.2" \
  --redis-start "$redis_start" \
  --redis-cli "redis-cli -p $BP_REDIS_PORT" \
  "${ONLY[@]}" -- "$WORK/api" | tee "$WORK/fault.out"
rc=${PIPESTATUS[0]}
# One harness line per scenario when run by scripts/test.sh.
if [ -n "${BP_RESULTS:-}" ]; then
  awk '/^fault: / { sub(":", "", $2); print $3, "fault", $2 }' "$WORK/fault.out" >>"$BP_RESULTS"
  [ "$rc" -eq 0 ] || grep -q '^FAIL fault' "$BP_RESULTS" || echo "FAIL fault crashed" >>"$BP_RESULTS"
fi
exit "$rc"
