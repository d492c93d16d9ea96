#!/usr/bin/env bash
# The whole test suite (the README's test command; .ci/run calls it).
#
#   1. tools: cargo, go, python3, curl present; versions printed
#   2. cargo fmt --check (reported; fails the run only with BP_STRICT_FMT=1)
#   3. cargo test --locked (every unit, fixture and snapshot test)
#   4. harness self-test: scripts/sigterm_check.py must pass a graceful Gin server and catch an
#      ungraceful one (scripts/bench/gin-hello), so a green SIGTERM check means something
#   4b. property test of random models (tests/property_models.rs, the #[ignore]d Go half): 6
#      fixed seeds + 1 changing per run (printed; replay with BP_PROPTEST_SEED=N), each a project
#      that must be gofmt-clean and pass go vet and go build (~2-3 min; BP_SKIP_PROPERTY=1 skips)
#   5. PostgreSQL + Redis (scripts/services.sh: installed when missing, free loopback ports, temp dirs)
#   5b. a real Kafka broker (scripts/kafka.sh: Kafka 4.1.0 jars from Maven Central, cached; one
#      KRaft node on free loopback ports), checked with scripts/kafka-smoke (franz-go: topic with 3
#      partitions, idempotent produce, group consume, per-key order); it serves the Kafka tests
#      of generated projects with events (BP_SKIP_KAFKA=1 skips)
#   6. for every examples/*/PRD.md (the library as typed: `new --prd` with no --out, then `add
#      entity User` with no fields; each with the capabilities its PRD asks for: auth for all
#      three, tenancy for clinic), the events fixture (tests/fixtures/models/shop-events.yaml)
#      and every model file asked for: scripts/check-generated.sh
#   6b. the real-PRD corpus (../shared/corpus, when present): scripts/corpus-check.sh — score.py
#      must reach tests/corpus-ratchet, and every accepted document must generate a project
#      that passes gofmt, go vet and go build (BP_SKIP_CORPUS=1 skips it)
#   7. for every example: scripts/evolve-scenario.sh (new → edit → add entity → add field → sync →
#      remove → undo → conflicts, everything re-checked after each step; tests/evolve/<name>/)
#   7b. events delivery under faults (scripts/events-check.sh, its own PostgreSQL, Redis and
#      broker): API + 2 workers, each SIGKILLed once, the broker restarted; every committed event
#      on the broker in order per aggregate, the reaction applied exactly once (BP_SKIP_EVENTS=1)
#   8. fault scenarios on shop (scripts/fault-check.sh, its own PostgreSQL and Redis): PostgreSQL
#      stopped under load, Redis stopped, SIGTERM with 8 keep-alive clients, Redis write pause
#      during a PATCH; one harness line per scenario with its figures (BP_SKIP_FAULTS=1 skips)
#
#   ./scripts/test.sh [--example NAME]... [--model FILE]... [--no-cargo] [--no-examples] [--no-evolve]
#
# Env: BP_EXAMPLES="shop library" (only these), BP_MODELS="a.yaml b.yaml" (add these; globs ok),
# BP_STRICT_FMT=1, BP_SKIP_CARGO=1, BP_SKIP_SELFTEST=1, BP_SKIP_PROPERTY=1, BP_SKIP_EVOLVE=1 (no
# evolution scenarios), BP_SKIP_KAFKA=1, BP_SKIP_EVENTS=1, BP_SKIP_FAULTS=1,
# CARGO_TARGET_DIR (respected).
# Ends with "harness: N passed, M failed[, K skipped]" alone on a line; non-zero exit on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"
# shellcheck source=scripts/kafka.sh
source "$ROOT/scripts/kafka.sh"

EXAMPLES=()
MODELS=()
SKIP_CARGO=${BP_SKIP_CARGO:-0}
SKIP_EXAMPLES=0
SKIP_EVOLVE=${BP_SKIP_EVOLVE:-0}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --example) EXAMPLES+=("$2"); shift 2 ;;
    --model) MODELS+=("$2"); shift 2 ;;
    --no-cargo) SKIP_CARGO=1; shift ;;
    --no-examples) SKIP_EXAMPLES=1; shift ;;
    --no-evolve) SKIP_EVOLVE=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
if [ "${#EXAMPLES[@]}" -eq 0 ] && [ -n "${BP_EXAMPLES:-}" ]; then read -ra EXAMPLES <<<"$BP_EXAMPLES"; fi
if [ -n "${BP_MODELS:-}" ]; then
  # shellcheck disable=SC2206 # globs in BP_MODELS are meant to expand
  MODELS+=($BP_MODELS)
fi

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR=$ROOT/$TARGET_DIR
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-test.XXXXXX")
export BP_RESULTS=$WORK/results
: >"$BP_RESULTS"
T0=$(date +%s)

CHILD_PID=
cleanup() {
  if [ -n "$CHILD_PID" ]; then # interrupted during a project check: let it clean up first
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  [ -z "${BP_KAFKA_DIR:-}" ] || kafka_stop
  services_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { echo "$1 $2 $3" >>"$BP_RESULTS"; }

# suite_step NAME CMD... — one harness-level step; output goes straight to the log.
suite_step() {
  local name=$1 rc=0 start
  shift
  log "$name"
  start=$(date +%s)
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    record PASS suite "$name"
    log "$name: ok ($(($(date +%s) - start))s)"
  else
    record FAIL suite "$name"
    log "$name: FAILED (exit $rc, $(($(date +%s) - start))s)"
  fi
  return 0
}

tools() {
  local t ok=0
  for t in cargo go python3 curl; do
    command -v "$t" >/dev/null 2>&1 || { echo "missing tool: $t" >&2; ok=1; }
  done
  [ "$ok" -eq 0 ] || return 1
  cargo --version && go version && python3 --version
}

fmt_check() {
  if ! cargo fmt --version >/dev/null 2>&1; then
    warn "rustfmt not installed; cargo fmt --check not run"
    return 0
  fi
  if cargo fmt --check >"$WORK/fmt.diff" 2>&1; then return 0; fi
  local files
  files=$(grep '^Diff in' "$WORK/fmt.diff" | awk '{ print $3 }' | sed 's/:[0-9]*:$//' | sort -u | sed "s#^$ROOT/##" | tr '\n' ' ')
  if [ "${BP_STRICT_FMT:-0}" = 1 ]; then
    echo "cargo fmt --check: not formatted: $files" >&2
    return 1
  fi
  warn "cargo fmt --check: not formatted (run cargo fmt): $files"
}

cargo_test() {
  cargo test --locked 2>&1 | tee "$WORK/cargo-test.log"
  local rc=${PIPESTATUS[0]}
  awk '/^test result:/ { p += $4; f += $6 } END { printf "cargo test: %d tests passed, %d failed in total\n", p, f }' \
    "$WORK/cargo-test.log" >&2
  return "$rc"
}

sigterm_selftest() {
  local dir=$ROOT/scripts/bench/gin-hello bin=$WORK/gin-hello port
  (cd "$dir" && GOTOOLCHAIN=local go build -o "$bin" .) || return 1
  port=$(free_port)
  echo "graceful server: the check must pass" >&2
  HTTP_ADDR=127.0.0.1:$port SHUTDOWN_DRAIN_DELAY=500ms \
    python3 "$ROOT/scripts/sigterm_check.py" --addr "127.0.0.1:$port" --post-path /echo -- "$bin" || return 1
  echo "ungraceful server (closes connections on SIGTERM): the check must fail" >&2
  if HTTP_ADDR=127.0.0.1:$port SHUTDOWN_DRAIN_DELAY=500ms UNGRACEFUL=1 \
    python3 "$ROOT/scripts/sigterm_check.py" --addr "127.0.0.1:$port" --post-path /echo -- "$bin" 2>"$WORK/neg.log"; then
    cat "$WORK/neg.log" >&2
    echo "the SIGTERM check passed an ungraceful server" >&2
    return 1
  fi
  echo "(it failed, as it must: $(grep -c FAIL "$WORK/neg.log") findings)" >&2
}

# --- 1-4 --------------------------------------------------------------------------------------
suite_step tools tools
suite_step cargo-fmt fmt_check
if [ "$SKIP_CARGO" = 1 ]; then
  log "cargo test skipped (--no-cargo)"
else
  suite_step cargo-test cargo_test
fi
if [ "${BP_SKIP_SELFTEST:-0}" != 1 ]; then
  suite_step sigterm-selftest sigterm_selftest
fi

# --- 5-6 --------------------------------------------------------------------------------------
INPUTS=()
if [ "$SKIP_EXAMPLES" = 0 ]; then
  if [ "${#EXAMPLES[@]}" -gt 0 ]; then
    for e in "${EXAMPLES[@]}"; do INPUTS+=("examples/$e/PRD.md"); done
  else
    for f in examples/*/PRD.md; do [ -f "$f" ] && INPUTS+=("$f"); done
    [ "${#INPUTS[@]}" -gt 0 ] || log "no examples/*/PRD.md: 0 generated projects from examples"
    # The examples get auth (all three name actors) and tenancy (clinic) from their PRDs, so
    # the auth and tenancy fixtures add nothing here; events is on in no example.
    INPUTS+=("tests/fixtures/models/shop-events.yaml")
  fi
fi
for m in "${MODELS[@]}"; do INPUTS+=("$m"); done

# Debug build: cargo test already compiled its dependencies, so this takes seconds, not minutes.
BACKEND_PRO=$TARGET_DIR/debug/backend-pro
build_cli() { cargo build --locked; }
suite_step build-cli build_cli
if ! grep -q '^PASS suite build-cli$' "$BP_RESULTS"; then
  log "backend-pro did not build: generated-project checks skipped"
  for f in "${INPUTS[@]}"; do record SKIP "$f" all; done
  INPUTS=()
else
  if [ "${BP_SKIP_PROPERTY:-0}" != 1 ]; then
    # Random valid models (seeded) rendered into Go projects that must build and vet.
    property_models() {
      GOTOOLCHAIN=local timeout 900 cargo test --locked --test property_models \
        generated_projects_build_with_go -- --ignored --nocapture
    }
    suite_step property-models property_models
  fi
fi
if grep -q '^PASS suite build-cli$' "$BP_RESULTS" && [ "${BP_SKIP_CORPUS:-0}" != 1 ]; then
  # The real-PRD corpus beside the repository (CI has it): score ratchet + every accepted
  # document generates a project that passes gofmt, go vet and go build.
  suite_step corpus "$ROOT/scripts/corpus-check.sh" "$BACKEND_PRO"
fi

# --- 5b ---------------------------------------------------------------------------------------
# The Kafka broker the events capability tests against (generated projects with events run their
# Kafka tests on it), checked with a franz-go round trip. Started in a subshell (kafka.sh dies on
# errors; its EXIT trap stops a broker that failed), in the background + wait so that an INT/TERM
# reaches our trap at once; on success the broker keeps running until cleanup or the end of 7.
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
kafka_up() {
  (
    trap kafka_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    local t cached=downloaded install build start smoke
    [ ! -f "$(_bp_kafka_cache)/complete" ] || cached=cached
    t=$EPOCHREALTIME
    kafka_install
    install=$(secs_since "$t")
    t=$EPOCHREALTIME
    (cd "$ROOT/scripts/kafka-smoke" && GOTOOLCHAIN=local timeout 300 go build -o "$WORK/kafka-smoke" .) || exit 1
    build=$(secs_since "$t")
    t=$EPOCHREALTIME
    kafka_start
    start=$(secs_since "$t")
    timeout 90 "$WORK/kafka-smoke" -timeout 60s | tee "$WORK/kafka-smoke.log" || exit 1
    smoke=$(sed -n 's/.*create-topic \(.*\)$/create-topic \1/p' "$WORK/kafka-smoke.log")
    printf 'BP_KAFKA_DIR=%q\nBP_KAFKA_PID=%q\nKAFKA_BROKERS=%q\n' "$BP_KAFKA_DIR" "$BP_KAFKA_PID" "$KAFKA_BROKERS" >"$WORK/kafka.env"
    trap - EXIT
    log "kafka figures: jars ${install}s ($cached), smoke build ${build}s, broker start ${start}s, ${smoke:-no smoke figures}"
  ) &
  CHILD_PID=$!
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=
  return "$rc"
}
if [ "${BP_SKIP_KAFKA:-0}" = 1 ]; then
  log "kafka skipped (BP_SKIP_KAFKA=1): generated projects with events fail their Kafka tests"
else
  suite_step kafka kafka_up
  if [ -f "$WORK/kafka.env" ]; then
    # shellcheck disable=SC1091
    source "$WORK/kafka.env"
    export BP_KAFKA_DIR BP_KAFKA_PID KAFKA_BROKERS
  fi
fi

if [ "${#INPUTS[@]}" -gt 0 ]; then
  suite_step services services_start
  if grep -q '^PASS suite services$' "$BP_RESULTS"; then
    export BACKEND_PRO DATABASE_URL REDIS_URL
    for f in "${INPUTS[@]}"; do
      case "$f" in
        examples/*/PRD.md) label=$(basename "$(dirname "$f")") ;;
        *) label=model:$(basename "$f") ;;
      esac
      log "generated project: $label ($f)"
      if [ ! -f "$f" ]; then
        record FAIL "$label" missing-input
        log "$label: no such file: $f"
        continue
      fi
      # In the background + wait, so that an INT/TERM reaches our trap at once.
      # The library is generated as a user types the commands (`new --prd PRD.md` with no --out,
      # then `add entity User` with no fields); the other inputs with explicit flags.
      as_typed=
      [ "$f" != examples/library/PRD.md ] || as_typed=User
      # The library also runs `backend-pro test` inside the project, as its user would.
      BP_TEST_COMMAND=0
      [ "$f" != examples/library/PRD.md ] || BP_TEST_COMMAND=1
      BP_TEST_COMMAND=$BP_TEST_COMMAND BP_AS_TYPED=$as_typed BP_LABEL=$label "$ROOT/scripts/check-generated.sh" "$f" &
      CHILD_PID=$!
      wait "$CHILD_PID" || true
      CHILD_PID=
      # The evolution scenario of the example (examples only; records one line per phase).
      case "$f" in
        examples/*/PRD.md)
          if [ "$SKIP_EVOLVE" = 1 ]; then
            log "$label: evolution scenario skipped (BP_SKIP_EVOLVE=1)"
          else
            log "evolution scenario: $label"
            rc=0
            BP_LABEL=$label "$ROOT/scripts/evolve-scenario.sh" "$label" &
            CHILD_PID=$!
            wait "$CHILD_PID" || rc=$?
            CHILD_PID=
            # A scenario that stopped before recording a phase (no tests/evolve/<name>/, …).
            if [ "$rc" -ne 0 ] && ! grep -q "^FAIL $label evolve:" "$BP_RESULTS"; then
              record FAIL "$label" evolve
            fi
          fi
          ;;
      esac
    done
  fi
fi

# --- 7b ---------------------------------------------------------------------------------------
# Delivery of events under faults (scripts/events-check.sh: its own PostgreSQL, Redis and broker,
# since it restarts the broker): two workers SIGKILLed, the broker restarted, every committed
# event on the broker in order, the reaction applied once (BP_SKIP_EVENTS=1 skips).
if [ -n "${BP_KAFKA_DIR:-}" ]; then
  kafka_stop
fi
if [ "${BP_SKIP_EVENTS:-0}" != 1 ] && [ "${BP_SKIP_KAFKA:-0}" != 1 ] && grep -q '^PASS suite build-cli$' "$BP_RESULTS"; then
  log "events delivery: API + 2 workers, SIGKILL each once, broker restarted"
  rc=0
  BACKEND_PRO=$BACKEND_PRO "$ROOT/scripts/events-check.sh" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=
  log "events delivery: exit $rc"
fi

# --- 8 ----------------------------------------------------------------------------------------
# Fault scenarios on one example, against services of their own (stopped and started on purpose).
if [ "${BP_SKIP_FAULTS:-0}" != 1 ] && grep -q '^PASS suite build-cli$' "$BP_RESULTS"; then
  log "fault scenarios (shop): PostgreSQL down, Redis down, SIGTERM with keep-alive clients, Redis write pause"
  rc=0
  BACKEND_PRO=$BACKEND_PRO "$ROOT/scripts/fault-check.sh" "$ROOT/examples/shop/PRD.md" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=
  log "fault scenarios: exit $rc"
fi

# --- summary ----------------------------------------------------------------------------------
passed=$(grep -c '^PASS' "$BP_RESULTS" || true)
failed=$(grep -c '^FAIL' "$BP_RESULTS" || true)
skipped=$(grep -c '^SKIP' "$BP_RESULTS" || true)
echo
echo "== summary ($(($(date +%s) - T0))s) =="
awk '{ printf "  %-4s %-24s %s\n", $1, $2, $3 }' "$BP_RESULTS"
if [ "$failed" -gt 0 ]; then
  echo "failed steps: $(awk '$1 == "FAIL" { printf "%s/%s ", $2, $3 }' "$BP_RESULTS")"
fi
if [ "$skipped" -gt 0 ]; then
  echo "harness: $passed passed, $failed failed, $skipped skipped"
else
  echo "harness: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
