#!/usr/bin/env bash
# Events step of the test suite (issue 10): generate the events fixture, make the user's edits a
# delivery check needs (a reaction that writes one row per Order event, and its migration), build
# the API, the worker and scripts/events-verify, and run scripts/events_check.py against its own
# PostgreSQL, Redis and Kafka (the broker is restarted on purpose, so never the suite's):
#   API + 2 workers; orders created, paid and shipped while each worker is SIGKILLed once and the
#   broker restarted → every committed event on the broker, in order per aggregate, the
#   reaction applied exactly once per event, relay lag back to 0.
#
#   scripts/events-check.sh [--orders N] [--rate R] [-- EVENTS_CHECK_ARGS...]
#
# Arguments after `--` go to scripts/events_check.py: `--faults none --workers 1` is a latency run,
# `--throughput N --workers W` measures the relay alone on N rows put in the outbox.
#
# Knobs: BACKEND_PRO=path (skip the cargo build), BP_RESULTS=file (one harness line),
# BP_EVENTS_ORDERS (default 350: 1,050 events plus a customer's), BP_EVENTS_RATE (requests/s,
# default 100). Prints "events: delivery: PASS|FAIL (figures)"; exit 1 when it failed.
set -euo pipefail
# Load and checks come from one client address: the per-caller rate limit (on by default in
# generated services) would turn them into 429s. check-generated.sh tests the limit on its own.
export RATE_LIMIT_RPS=0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
# shellcheck source=scripts/kafka.sh
source "$ROOT/scripts/kafka.sh"
export GOTOOLCHAIN=local

EXTRA=()
ORDERS=${BP_EVENTS_ORDERS:-350}
RATE=${BP_EVENTS_RATE:-100}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --orders) ORDERS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
MODEL=$ROOT/tests/fixtures/models/shop-events.yaml

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-events.XXXXXX")
# Our own services: unset the suite's so that services_start and kafka_start make new ones.
unset DATABASE_URL REDIS_URL BP_SERVICES_DIR BP_REDIS_PID KAFKA_BROKERS BP_KAFKA_DIR BP_KAFKA_PID
cleanup() { kafka_stop; services_stop; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "events: delivery: FAIL ($1)"
  [ -z "${BP_RESULTS:-}" ] || echo "FAIL events delivery" >>"$BP_RESULTS"
  exit 1
}

BIN=${BACKEND_PRO:-}
if [ -z "$BIN" ]; then
  (cd "$ROOT" && cargo build --quiet --release --locked)
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/backend-pro
fi
"$BIN" new --model "$MODEL" --out "$WORK/svc" --module example.com/eventsvc >"$WORK/new.log" 2>&1 \
  || { cat "$WORK/new.log" >&2; fail "generate failed"; }

# The user's edits: a table, and a reaction that inserts a row per Order event in the
# transaction that records the event as processed.
cat >"$WORK/svc/migrations/00100_create_reaction_effects.sql" <<'SQL'
-- +goose Up
CREATE TABLE reaction_effects (event_id uuid NOT NULL, aggregate_id uuid NOT NULL, aggregate_version bigint NOT NULL);

-- +goose Down
DROP TABLE reaction_effects;
SQL
python3 - "$WORK/svc/internal/interfaces/consumers/orderitem_reactions.go" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
fn = "func (r *Reactions) OrderItemOnOrder(ctx context.Context, _ pgx.Tx,"
i = s.index(fn)
# Name the transaction, as the scaffold's comment says, and write the effect with it.
s = s[:i] + fn.replace("_ pgx.Tx", "tx pgx.Tx") + s[i + len(fn):]
j = s.index("\treturn nil\n}", i)
effect = ("\t_, err := tx.Exec(ctx, `INSERT INTO reaction_effects (event_id, aggregate_id, aggregate_version) VALUES ($1, $2, $3)`,\n"
          "\t\tev.ID, ev.AggregateID, ev.AggregateVersion)\n\treturn err\n}")
s = s[:j] + effect + s[j + len("\treturn nil\n}"):]
open(p, "w").write(s)
PY

t=$EPOCHREALTIME
(cd "$WORK/svc" && go build -o "$WORK/api" ./cmd/api && go build -o "$WORK/worker" ./cmd/worker \
  && go build -o "$WORK/migrate" ./cmd/migration) >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log" >&2; fail "build failed"; }
(cd "$ROOT/scripts/events-verify" && go build -o "$WORK/events-verify" .) || fail "events-verify build failed"
build=$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')

services_start
kafka_start
(cd "$WORK/svc" && "$WORK/migrate" up >/dev/null) || fail "migrations failed"

log "events delivery check: $ORDERS orders at $RATE requests/s (build ${build}s)"
rc=0
# The broker's data dir and pid file: the check restarts it in place.
python3 "$ROOT/scripts/events_check.py" --api "$WORK/api" --worker "$WORK/worker" \
  --verify "$WORK/events-verify" --kafka-dir "$BP_KAFKA_DIR" --psql "psql $DATABASE_URL" \
  --consumer shop-events.order_item.on-order --orders "$ORDERS" --rate "$RATE" \
  --topic shop-events.order "${EXTRA[@]}" \
  | tee "$WORK/events.out" || rc=$?
# The broker may have been restarted under a new pid: kafka_stop must stop that one.
BP_KAFKA_PID=$(cat "$BP_KAFKA_DIR/kafka.pid" 2>/dev/null || echo "")
if [ -n "${BP_RESULTS:-}" ]; then
  awk '/^events: / { sub(":", "", $2); print $3, "events", $2 }' "$WORK/events.out" >>"$BP_RESULTS"
  [ "$rc" -eq 0 ] || grep -q '^FAIL events' "$BP_RESULTS" || echo "FAIL events crashed" >>"$BP_RESULTS"
fi
exit "$rc"
