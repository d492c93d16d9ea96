#!/usr/bin/env bash
# Benchmarks of the events capability (not tests): each run generates the events fixture and
# starts its own PostgreSQL (fsync and synchronous_commit ON), Redis and Kafka on loopback
# (scripts/events-check.sh), prints a Markdown report, and with --update-docs writes it into
# docs/BENCHMARKS.md between the "bench:events" markers.
#
#   scripts/bench-events.sh [--update-docs] [--events 50000]
#
#   throughput  N rows put in the outbox (1,000 aggregates), then one worker, then two: events
#               per second from the first to the last acknowledgement (target >= 5,000/s)
#   latency     orders created, paid and shipped at 500 requests/s (10,002 events), one worker:
#               commit-to-acknowledgement delay P50/P99/max (target P99 < 1 s)
#   faults      the delivery check at 10,002 events: two workers each SIGKILLed once, the broker
#               restarted; every committed event on the broker, in order, the reaction once
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

UPDATE_DOCS=0
EVENTS=50000
while [ "$#" -gt 0 ]; do
  case "$1" in
    --update-docs) UPDATE_DOCS=1; shift ;;
    --events) EVENTS=$2; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
(cd "$ROOT" && cargo build --quiet --release --locked)
export BACKEND_PRO=${CARGO_TARGET_DIR:-$ROOT/target}/release/backend-pro SERVICES_DURABLE=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-bench-events.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

run() { # run NAME ARGS... — one events-check.sh run; its result line into $WORK/NAME
  local name=$1
  shift
  log "bench events: $name"
  BP_RESULTS= "$ROOT/scripts/events-check.sh" "$@" | tee "$WORK/$name.out" >&2 || true
  grep '^events: ' "$WORK/$name.out" | tail -n1 >"$WORK/$name" || echo "events: $name: FAIL (no result)" >"$WORK/$name"
}
run throughput-1 -- --throughput "$EVENTS" --workers 1
run throughput-2 -- --throughput "$EVENTS" --workers 2
run latency --orders 3334 --rate 500 -- --faults none --workers 1
run faults --orders 3334 --rate 300

fig() { sed -n "s/.*[(,] *$2 \([0-9.]*\).*/\1/p" "$WORK/$1"; }
REPORT=$WORK/report.md
{
  echo
  echo "Run $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -m); PostgreSQL with fsync and synchronous_commit on."
  echo
  echo "| Run | Figures | Target |"
  echo "|---|---|---|"
  echo "| relay, 1 worker | $(fig throughput-1 per_second) events/s ($EVENTS events in $(fig throughput-1 seconds) s) | >= 5,000/s |"
  echo "| relay, 2 workers | $(fig throughput-2 per_second) events/s | |"
  echo "| commit → ack at 500 req/s | P50 $(fig latency lag_p50_ms) ms, P99 $(fig latency lag_p99_ms) ms, max $(fig latency lag_max_ms) ms ($(fig latency committed) events) | P99 < 1 s |"
  echo "| faults at 10,002 events | $(sed 's/^events: faults: //' "$WORK/faults") | every event, in order, effects once |"
  echo
} >"$REPORT"
cat "$REPORT"
if [ "$UPDATE_DOCS" = 1 ]; then
  python3 - "$ROOT/docs/BENCHMARKS.md" "$REPORT" <<'PY'
import re, sys
doc, rep = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
new, n = re.subn(r"(<!-- bench:events:begin -->\n).*?(<!-- bench:events:end -->)",
                 lambda m: m.group(1) + rep + m.group(2), text, flags=re.S)
if n != 1:
    sys.exit("docs/BENCHMARKS.md has no bench:events markers")
open(doc, "w").write(new)
PY
  log "docs/BENCHMARKS.md updated"
fi
