#!/usr/bin/env bash
# The evolution scenario of one example (issue 4, "Done when"): a generated project grows through
# every day-two command, and after each step nothing the user wrote is lost and everything works.
#
#   scripts/evolve-scenario.sh <example-name> [WORKDIR]      e.g. scripts/evolve-scenario.sh library
#
# Reads examples/<name>/PRD.md and tests/evolve/<name>/ (scenario.conf, prd.sed, append.md).
# Phases, in order; a failed phase stops the scenario (the rest are SKIP):
#   1 new          backend-pro new; git init + commit; migrations up on a fresh database; rows
#                  inserted through the API into every table
#   2 user-edit    the user edits a scaffold file (USER_FILE) and adds a file of their own
#   3 add-entity   add entity (a reference to an existing entity); --dry-run first writes nothing
#   4 add-field    add field: an optional one and a required one with a default
#   5 sync         sync --prd <edited copy of the PRD>: one entity added, one field changed
#   6 remove       remove entity (the one of phase 3): a drop migration
#   7 undo         migration down for each migration phase 6 added, then undo: the tree is the
#                  one before phase 6 again
#   8 conflict     hand edit of a DO NOT EDIT file: add field and check exit non-zero naming it,
#                  the file stays as the user left it, nothing else is written
#   9 force        add field --force: overrides, names the backup, the backup holds the edit
#  10 events-on    add capability events (scenario.conf CAPABILITY_PHASES=1, with KAFKA_BROKERS):
#                  the outbox, worker, consumers and sagas join; tables and their migrations
#  11 events-off   remove capability events: drop migrations; the code is phase 9's again
# After phases 1-7, 9, 10 and 11: the user's edits are byte-identical; `check` exits 0; `plan` says up to
# date; gofmt -l empty; go vet; go build; go test (when the phase changed generated Go code:
# not after 2, not after 7 whose tree is phase 5's, not after 1 under scripts/test.sh, which has
# just tested the same output of `new` in check-generated.sh); migrations: numbered 1..N without gaps, none already committed modified, `up`
# applies to the database holding the previous phases' rows, a second `up` is a no-op, and every
# table that survives keeps its row count and the values of every column that survives; then two
# more rows into every table through the API (new columns included).
#
# Uses DATABASE_URL/REDIS_URL when both are set (scripts/test.sh), else starts its own services.
# Knobs: BACKEND_PRO=path, KEEP_WORKDIR=1, BP_RESULTS=file (one "PASS|FAIL|SKIP label step" line
# per phase), BP_LABEL, BP_EVOLVE_RACE=all (go test after phase 2 as well), BP_EVOLVE_RACE=1
# (the phases' go test with -race: off by default, since check-generated.sh runs -race on every
# example's whole project and the phases re-test regenerated code for correctness, which -race
# made twice as slow: 11 of the suite's 52 minutes on 2026-12-04),
# BP_EVOLVE_SCENARIO=dir (another scenario dir than tests/evolve/<name>, e.g. a variant to explore).
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

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  [ "$#" -ge 1 ] && [[ "$1" = -h || "$1" = --help ]] && exit 0
  exit 2
fi
NAME=$1
PRD=$ROOT/examples/$NAME/PRD.md
SCEN=${BP_EVOLVE_SCENARIO:-$ROOT/tests/evolve/$NAME}
LABEL=${BP_LABEL:-$NAME}
[ -f "$PRD" ] || die "no such example: $PRD"
[ -f "$SCEN/scenario.conf" ] || die "no evolution scenario for $NAME: $SCEN/scenario.conf (see docs/TESTING.md)"
# shellcheck source=/dev/null
source "$SCEN/scenario.conf"
for v in USER_FILE ADD_ENTITY ADD_ENTITY_TABLE ADD_FIELD_ENTITY PRD_INSERT_AFTER PRD_INSERT_BEFORE \
  CONFLICT_ENTITY CONFLICT_FILE CONFLICT_FIELD; do
  [ -n "${!v:-}" ] || die "$SCEN/scenario.conf: $v is not set"
done
if [ "${#ADD_ENTITY_ARGS[@]}" -eq 0 ] || [ "${#ADD_FIELD_ARGS[@]}" -eq 0 ] || [ "${#SYNC_EXPECT[@]}" -eq 0 ]; then
  die "$SCEN/scenario.conf: ADD_ENTITY_ARGS, ADD_FIELD_ARGS and SYNC_EXPECT must be non-empty arrays"
fi
SNAKE=$(printf '%s' "$NAME" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '_')

if [ "$#" -eq 2 ]; then
  WORK=$(mkdir -p "$2" && cd "$2" && pwd)
  KEEP_WORKDIR=1
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-evolve-$SNAKE.XXXXXX")
fi
P=$WORK/svc   # the generated project
BIN=$WORK/bin # api and migration binaries of the current phase
SNAPS=$WORK/snapshots
mkdir -p "$WORK/logs" "$BIN" "$SNAPS"

OWN_SERVICES=0
STEP_PID=
FAILED=0
DBS_MADE=0
PHASE_LOG=$WORK/logs
declare -a TIMINGS=()

cleanup() {
  if [ -n "$STEP_PID" ]; then
    kill -TERM "$STEP_PID" 2>/dev/null || true
    wait "$STEP_PID" 2>/dev/null || true
  fi
  if [ "$DBS_MADE" = 1 ] && [ "$FAILED" -eq 0 ]; then
    psql "$BASE_DB_URL" -qX -c "DROP DATABASE IF EXISTS $API_DB" -c "DROP DATABASE IF EXISTS $TEST_DB" >/dev/null 2>&1 || true
  fi
  if [ "$OWN_SERVICES" = 1 ]; then services_stop; fi
  if [ "${KEEP_WORKDIR:-0}" != 1 ] && [ "$FAILED" -eq 0 ]; then
    rm -rf "$WORK"
  else
    log "$LABEL evolve: work dir kept: $WORK (logs in $WORK/logs)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { [ -z "${BP_RESULTS:-}" ] || echo "$1 $LABEL $2" >>"$BP_RESULTS"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# chk [-x] NAME SECS CMD... — run CMD (a command or an exported function) with a timeout, output to
# $PHASE_LOG/NAME.log; prints one line with its time; returns CMD's exit code. A failure prints the
# log's last lines. -x: CMD must refuse (exit non-zero), which is reported as ok.
chk() {
  local expect_fail=0 name secs start rc
  if [ "$1" = -x ]; then expect_fail=1; shift; fi
  name=$1 secs=$2
  shift 2
  start=$(now)
  set +e
  (cd "$P" 2>/dev/null || cd "$WORK"; exec timeout --kill-after=10 "$secs" bash -c '"$@"' "$name" "$@") \
    >"$PHASE_LOG/$name.log" 2>&1 &
  STEP_PID=$!
  wait "$STEP_PID"
  rc=$?
  STEP_PID=
  set -e
  if [ "$expect_fail" = 1 ] && [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
    printf '      %-14s ok   %6ss (refused with exit %d, as it must)\n' "$name" "$(since "$start")" "$rc" >&2
  elif [ "$expect_fail" = 1 ] && [ "$rc" -eq 0 ]; then
    printf '      %-14s FAIL %6ss (exit 0; it must refuse) — %s:\n' "$name" "$(since "$start")" "$PHASE_LOG/$name.log" >&2
    tail -n "${BP_FAIL_LINES:-40}" "$PHASE_LOG/$name.log" | sed 's/^/        | /' >&2
  elif [ "$rc" -eq 0 ]; then
    printf '      %-14s ok   %6ss\n' "$name" "$(since "$start")" >&2
  else
    [ "$rc" -eq 124 ] && echo "(timed out after ${secs}s)" >>"$PHASE_LOG/$name.log"
    printf '      %-14s FAIL %6ss (exit %d) — last lines of %s:\n' "$name" "$(since "$start")" "$rc" "$PHASE_LOG/$name.log" >&2
    tail -n "${BP_FAIL_LINES:-40}" "$PHASE_LOG/$name.log" | sed 's/^/        | /' >&2
  fi
  return "$rc"
}

PHASE_ERR=0
fail() { printf '      FAIL: %s\n' "$*" >&2; PHASE_ERR=1; }

# --- helpers run through chk (exported) --------------------------------------------------------

bp() { "$BACKEND_PRO" "$@" --project "$P"; }

# ownership PATH — the ownership class the ledger records for PATH.
ownership() {
  python3 - "$P/.backend-pro/ledger.yaml" "$1" <<'PY'
import sys, yaml
files = (yaml.safe_load(open(sys.argv[1], encoding="utf-8")) or {}).get("files") or {}
print((files.get(sys.argv[2]) or {}).get("ownership", "none"))
PY
}

check_clean() { "$BACKEND_PRO" check --project "$P"; }

plan_up_to_date() { # exit 0, and stdout is the single "up to date" line (en or zh)
  local out rc=0
  out=$("$BACKEND_PRO" plan --project "$P") || rc=$?
  printf '%s\n' "$out"
  [ "$rc" -eq 0 ] || { echo "plan exited $rc"; return 1; }
  case "$out" in
    "up to date: nothing to do" | "已是最新：无需变更") return 0 ;;
    *) echo "plan does not say the project is up to date"; return 1 ;;
  esac
}

gofmt_clean() {
  local bad
  bad=$(gofmt -l .) || return 1
  [ -z "$bad" ] || { echo "gofmt -l lists:"; echo "$bad"; return 1; }
}

go_test() {
  local race=()
  [ -z "${BP_EVOLVE_RACE:-}" ] || race=(-race)
  TEST_REQUIRE_SERVICES=1 DATABASE_URL=$TEST_DB_URL REDIS_URL=$TEST_REDIS_URL go test "${race[@]}" -count=1 ./...
}

build_bins() { go build -o "$BIN/api" ./cmd/api && go build -o "$BIN/migration" ./cmd/migration; }

psql_q() { psql "$API_DB_URL" -qAtX -v ON_ERROR_STOP=1 -F $'\t' -c "$1"; }

# db_snapshot OUT — per table of the API database: "table<TAB>#rows<TAB>N", and for every column
# "table<TAB>column<TAB>md5 of its values keyed by id".
db_snapshot() {
  local out=$1 t c cols key sel vals i
  : >"$out"
  for t in $(psql_q "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'
      AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY 1"); do
    mapfile -t cols < <(psql_q "SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = '$t' ORDER BY ordinal_position")
    key="''"
    for c in "${cols[@]}"; do [ "$c" = id ] && key="id::text"; done
    sel="count(*)::text"
    for c in "${cols[@]}"; do
      sel+=", md5(coalesce(string_agg($key || '=' || coalesce(\"$c\"::text, '<null>'), '|' ORDER BY $key, \"$c\"::text), ''))"
    done
    IFS=$'\t' read -ra vals < <(psql_q "SELECT $sel FROM \"$t\"")
    printf '%s\t#rows\t%s\n' "$t" "${vals[0]}" >>"$out"
    for ((i = 0; i < ${#cols[@]}; i++)); do printf '%s\t%s\t%s\n' "$t" "${cols[i]}" "${vals[i + 1]}" >>"$out"; done
  done
}

# compare_snapshots PREV NEXT DROPPED — every table of PREV but those of DROPPED (space-separated)
# is in NEXT with the same row count and the same values in every column it still has (no column
# may disappear); the DROPPED tables must be gone.
compare_snapshots() {
  awk -F'\t' -v droplist="$3" '
    BEGIN { n = split(droplist, d, " "); for (i = 1; i <= n; i++) dropped[d[i]] = 1 }
    FILENAME == ARGV[1] { prev[$1 "\t" $2] = $3; ptab[$1] = 1; next }
    { cur[$1 "\t" $2] = $3; ctab[$1] = 1 }
    END {
      for (k in prev) {
        split(k, a, "\t"); t = a[1]
        if (!(t in ctab)) { if (!(t in dropped) && !(t in gone)) { print "table " t " is gone"; bad = 1 }; gone[t] = 1; continue }
        if (!(k in cur)) { print "column " t "." a[2] " is gone"; bad = 1; continue }
        if (prev[k] != cur[k]) {
          if (a[2] == "#rows") print "rows of " t ": " prev[k] " before, " cur[k] " after"
          else print "values of " t "." a[2] " changed"
          bad = 1
        }
      }
      for (t in dropped) if (t in ctab) { print "table " t " should have been dropped"; bad = 1 }
      for (t in ctab) if (!(t in ptab)) print "new table " t
      exit bad
    }' "$1" "$2"
}

# migrations_sane ALLOW_DELETE — numbered 00001..N without gaps; no migration of the last commit
# modified (or deleted, unless ALLOW_DELETE=1).
migrations_sane() {
  local i=0 f n bad=0 changed
  for f in migrations/*.sql; do
    i=$((i + 1))
    n=$(basename "$f" | sed -E 's/^([0-9]+)_.*/\1/')
    if [ "$((10#$n))" -ne "$i" ]; then echo "migration $f: expected number $i"; bad=1; fi
    [[ "$(basename "$f")" =~ ^[0-9]{5}_(create|alter|drop)_[a-z0-9_]+\.sql$ ]] || { echo "unexpected name: $f"; bad=1; }
  done
  echo "$i migrations"
  local filter=MR
  [ "$1" = 1 ] || filter+=D
  changed=$(git diff --name-only --diff-filter="$filter" HEAD -- migrations/ | grep '\.sql$' || true)
  [ -z "$changed" ] || { echo "committed migrations rewritten or removed:"; echo "$changed"; bad=1; }
  return "$bad"
}

# migrate_and_compare PHASE DROPPED — migration up on the database of the previous phases, a second
# up is a no-op, status; row counts and values kept (compare_snapshots).
migrate_and_compare() {
  local ph=$1 out
  DATABASE_URL=$API_DB_URL "$BIN/migration" up || return 1
  out=$(DATABASE_URL=$API_DB_URL "$BIN/migration" up) || return 1
  echo "$out"
  grep -q 'no migrations to apply' <<<"$out" || { echo "second 'migration up' applied something"; return 1; }
  DATABASE_URL=$API_DB_URL "$BIN/migration" status || return 1
  db_snapshot "$SNAPS/$ph.migrated"
  echo "--- compared with the rows of the previous phase ($(basename "$SNAPS/$PREV_SNAP"))"
  compare_snapshots "$SNAPS/$PREV_SNAP" "$SNAPS/$ph.migrated" "$2"
}

# seed_rows PHASE — start the API on the migrated database (no Redis), POST 2 rows into every
# resource, stop it with SIGTERM; then snapshot the database for the next phase.
seed_rows() {
  local ph=$1 port pid i rc=0
  port=$(free_port)
  DATABASE_URL=$API_DB_URL HTTP_ADDR=127.0.0.1:$port SHUTDOWN_DRAIN_DELAY=100ms "$BIN/api" \
    </dev/null >"$PHASE_LOG/api.out" 2>&1 &
  pid=$!
  trap 'kill -9 "$pid" 2>/dev/null || true' EXIT
  trap 'exit 143' TERM
  if ! wait_http "http://127.0.0.1:$port/healthz" 30; then
    echo "api: /healthz not 200 within 30s"; tail -n 30 "$PHASE_LOG/api.out"; return 1
  fi
  python3 "$ROOT/scripts/evolve_seed.py" "http://127.0.0.1:$port" --rows 2 --tag "$ph" || rc=1
  kill -TERM "$pid"
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid" || { echo "api exited non-zero after SIGTERM"; tail -n 20 "$PHASE_LOG/api.out"; rc=1; }
  db_snapshot "$SNAPS/$ph.seeded" || rc=1
  awk -F'\t' '$2 == "#rows" { printf "  %-24s %s rows\n", $1, $3 }' "$SNAPS/$ph.seeded"
  return "$rc"
}

export P BIN SNAPS BACKEND_PRO ROOT
export -f log warn die free_port wait_http bp ownership check_clean plan_up_to_date gofmt_clean go_test \
  build_bins psql_q db_snapshot compare_snapshots migrations_sane migrate_and_compare seed_rows

# --- user edits (phase 2) ----------------------------------------------------------------------
USER_NEW_FILE=$(dirname "$USER_FILE")/zz_user_hooks.go
EXPECT=$WORK/expected
mkdir -p "$EXPECT"

user_edits_intact() {
  local f ok=0
  for f in "$USER_FILE" "$USER_NEW_FILE"; do
    if ! cmp -s "$EXPECT/$(basename "$f")" "$P/$f"; then
      echo "user edit lost or changed: $f"
      diff -u "$EXPECT/$(basename "$f")" "$P/$f" | head -n 40 || true
      ok=1
    fi
  done
  return "$ok"
}
export USER_FILE USER_NEW_FILE EXPECT
export -f user_edits_intact

commit_project() { # the project's own git history: one commit per phase (diffs in the logs)
  git -C "$P" add -A >/dev/null && git -C "$P" -c user.name=evolve -c user.email=evolve@localhost \
    -c commit.gpgsign=false commit -q --allow-empty --no-verify -m "$1" >/dev/null
}

# verify PHASE [test|no-test] [DROPPED_TABLE] — the checks after a phase.
verify() {
  local ph=$1 test=${2:-test} drop=${3:-}
  git -C "$P" status --porcelain >"$PHASE_LOG/changes.txt" || true
  printf '      (%s files changed by this phase; list in %s)\n' "$(wc -l <"$PHASE_LOG/changes.txt")" "$PHASE_LOG/changes.txt" >&2
  if [ -f "$EXPECT/$(basename "$USER_FILE")" ]; then
    chk user-edits 30 user_edits_intact || fail "the user's edits are not intact"
  fi
  chk check 120 check_clean || fail "backend-pro check exited non-zero"
  chk plan 120 plan_up_to_date || fail "backend-pro plan does not report an up-to-date project"
  chk gofmt 120 gofmt_clean || fail "gofmt -l lists files"
  chk vet 900 go vet ./... || fail "go vet"
  chk build 900 go build ./... || fail "go build"
  if [ "$test" = test ] || [ "${BP_EVOLVE_RACE:-}" = all ]; then
    chk go-test 1800 go_test || fail "go test"
  fi
  chk migrations-sane 30 migrations_sane "$([ "$ph" = 7-undo ] && echo 1 || echo 0)" || fail "migration files"
  if chk binaries 900 build_bins; then
    if chk migrate 300 migrate_and_compare "$ph" "$drop"; then
      if chk seed 180 seed_rows "$ph"; then PREV_SNAP=$ph.seeded; else fail "rows through the API"; fi
    else
      fail "migrations do not apply cleanly to the previous phase's database, or rows were lost"
    fi
  else
    fail "binaries"
  fi
  export PREV_SNAP
  commit_project "$ph"
}

# --- phases ------------------------------------------------------------------------------------

phase_new() {
  chk generate 120 "$BACKEND_PRO" new --prd "$PRD" --out "$P" --module "example.com/$SNAKE" || { fail "backend-pro new"; return; }
  if ! { git -C "$P" init -q && commit_project "1-new (backend-pro new)"; }; then fail "git init"; return; fi
  : >"$SNAPS/0-empty"
  PREV_SNAP=0-empty
  export PREV_SNAP
  # scripts/check-generated.sh has just run go test -race on this very output of `new`.
  verify 1-new "$([ -n "${BP_RESULTS:-}" ] && echo no-test || echo test)"
}

phase_user_edit() {
  local own
  own=$(ownership "$USER_FILE") || { fail "ledger"; return; }
  [ "$own" = scaffold ] || { fail "$USER_FILE is '$own' in the ledger, not scaffold (scenario.conf)"; return; }
  [ -f "$P/$USER_FILE" ] || { fail "no $USER_FILE"; return; }
  # A comment after the package clause (inside the file, not only at its end) and a function at the end.
  python3 - "$P/$USER_FILE" <<'PY' || { fail "editing $USER_FILE"; return; }
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s, n = re.subn(r"(?m)^(package \w+\n)", r"\1\n// User note (evolution scenario): this file is mine now; backend-pro must keep it as is.\n", s, count=1)
assert n == 1, "no package clause"
s += "\n// evolutionMarker is user logic added by the evolution scenario.\nfunc evolutionMarker() string { return \"kept across evolution\" }\n"
open(p, "w", encoding="utf-8").write(s)
PY
  local pkg
  pkg=$(sed -n 's/^package \([a-z0-9_]*\).*/\1/p' "$P/$USER_FILE" | head -n1)
  printf 'package %s\n\n// UserHook lives in a file that backend-pro never wrote; it must survive every command.\nfunc UserHook() string { return evolutionMarker() }\n' \
    "$pkg" >"$P/$USER_NEW_FILE"
  cp "$P/$USER_FILE" "$EXPECT/$(basename "$USER_FILE")"
  cp "$P/$USER_NEW_FILE" "$EXPECT/$(basename "$USER_NEW_FILE")"
  verify 2-user-edit no-test
}

phase_add_entity() {
  chk add-entity-dry 120 bp add entity "$ADD_ENTITY" "${ADD_ENTITY_ARGS[@]}" --dry-run || fail "add entity --dry-run"
  [ -z "$(git -C "$P" status --porcelain)" ] || fail "add entity --dry-run wrote files: $(git -C "$P" status --porcelain | head -n 5 | tr '\n' ' ')"
  chk add-entity 120 bp add entity "$ADD_ENTITY" "${ADD_ENTITY_ARGS[@]}" || { fail "add entity"; return; }
  grep -q "migrations/[0-9]*_create_$ADD_ENTITY_TABLE.sql" "$PHASE_LOG/add-entity.log" || fail "add entity: no create migration for $ADD_ENTITY_TABLE"
  verify 3-add-entity test
}

phase_add_field() {
  chk add-field 120 bp add field "$ADD_FIELD_ENTITY" "${ADD_FIELD_ARGS[@]}" || { fail "add field"; return; }
  grep -q "migrations/[0-9]*_alter_" "$PHASE_LOG/add-field.log" || fail "add field: no alter migration"
  verify 4-add-field test
}

# edit_prd OUT — the PRD copy for sync: prd.sed, then append.md inserted before the first line
# matching PRD_INSERT_BEFORE after the first line matching PRD_INSERT_AFTER.
edit_prd() {
  local out=$1
  sed -f "$SCEN/prd.sed" "$PRD" |
    awk -v f="$SCEN/append.md" -v after="$PRD_INSERT_AFTER" -v before="$PRD_INSERT_BEFORE" '
      !done && seen && $0 ~ before { while ((getline l < f) > 0) print l; done = 1 }
      $0 ~ after { seen = 1 }
      { print }
      END { if (!done) { print "edit_prd: anchor not found" > "/dev/stderr"; exit 1 } }' >"$out"
}

phase_sync() {
  local edited=$WORK/PRD.edited.md line
  edit_prd "$edited" || { fail "building the edited PRD (tests/evolve/$NAME)"; return; }
  diff -u "$PRD" "$edited" >"$PHASE_LOG/prd.diff" || true
  [ -s "$PHASE_LOG/prd.diff" ] || { fail "prd.sed/append.md changed nothing"; return; }
  chk sync 180 bp sync --prd "$edited" || { fail "sync --prd"; return; }
  for line in "${SYNC_EXPECT[@]}"; do
    grep -qxF "  $line" "$PHASE_LOG/sync.log" || fail "sync: the model diff lacks '$line'"
  done
  if grep -E '^  - (entity|field) ' "$PHASE_LOG/sync.log" >&2; then
    fail "sync removed something (above): the PRD copy must document every entity and field added before"
  fi
  verify 5-sync test
}

phase_remove() {
  chk remove 120 bp remove entity "$ADD_ENTITY" || { fail "remove entity"; return; }
  grep -q "migrations/[0-9]*_drop_$ADD_ENTITY_TABLE.sql" "$PHASE_LOG/remove.log" || fail "remove entity: no drop migration"
  verify 6-remove test "$ADD_ENTITY_TABLE"
}

phase_events_on() {
  chk add-capability 120 bp add capability events || { fail "add capability events"; return; }
  grep -q "migrations/[0-9]*_create_outbox.sql" "$PHASE_LOG/add-capability.log" || fail "add capability events: no outbox migration"
  verify 10-events-on test
}

# The tree is phase 9's again (migrations aside), whose code was tested: no go test.
phase_events_off() {
  chk remove-capability 120 bp remove capability events || { fail "remove capability events"; return; }
  verify 11-events-off no-test "saga_instances processed_events outbox"
}

phase_undo() {
  # undo reverts files only. The drop migration of phase 6 is applied: roll back every migration
  # that phase added (newest first) while its file still exists, then undo.
  local added n i
  added=$(git -C "$P" diff --name-only --diff-filter=A HEAD~1 HEAD -- migrations/ | grep -c '\.sql$' || true)
  echo "phase 6 added $added migration(s); migration down x$added before undo" >"$PHASE_LOG/down.plan"
  for ((i = 1; i <= added; i++)); do
    chk "migration-down-$i" 120 env DATABASE_URL="$API_DB_URL" "$BIN/migration" down || { fail "migration down"; return; }
  done
  chk undo 120 "$BACKEND_PRO" undo --project "$P" || { fail "undo"; return; }
  # Exactly the tree before phase 6 (the project's git: HEAD~1 is phase 5).
  git -C "$P" add -A
  git -C "$P" diff --cached --name-only HEAD~1 >"$PHASE_LOG/vs-phase5.txt"
  git -C "$P" reset -q
  n=$(grep -vc '^\.backend-pro/' "$PHASE_LOG/vs-phase5.txt" || true)
  if [ "$n" -ne 0 ]; then
    fail "undo did not restore the project as it was before 'remove entity': $(grep -v '^\.backend-pro/' "$PHASE_LOG/vs-phase5.txt" | head -n 5 | tr '\n' ' ')"
  fi
  # The tree is byte-identical to the one phase 5 tested (checked above): no second go test.
  verify 7-undo no-test
}

phase_conflict() {
  local own before after out rc
  own=$(ownership "$CONFLICT_FILE") || { fail "ledger"; return; }
  [ "$own" = generated ] || { fail "$CONFLICT_FILE is '$own' in the ledger, not generated (scenario.conf)"; return; }
  grep -q 'DO NOT EDIT' "$P/$CONFLICT_FILE" || { fail "$CONFLICT_FILE has no DO NOT EDIT header"; return; }
  # A hand edit in the middle of the file: a comment line before the first func.
  python3 - "$P/$CONFLICT_FILE" <<'PY' || { fail "editing $CONFLICT_FILE"; return; }
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s, n = re.subn(r"(?m)^func ", "// hand edit (evolution scenario): a DO NOT EDIT file changed by hand.\nfunc ", s, count=1)
assert n == 1, "no func in the file"
open(p, "w", encoding="utf-8").write(s)
PY
  cp "$P/$CONFLICT_FILE" "$EXPECT/conflict.go"
  before=$(git -C "$P" status --porcelain)
  rc=0
  chk -x add-field-refused 120 bp add field "$CONFLICT_ENTITY" "$CONFLICT_FIELD" || rc=$?
  [ "$rc" -ne 0 ] || fail "add field on $CONFLICT_ENTITY exited 0 despite the hand edit of $CONFLICT_FILE"
  grep -qF "$CONFLICT_FILE" "$PHASE_LOG/add-field-refused.log" || fail "add field does not name $CONFLICT_FILE"
  rc=0
  chk -x check-refused 120 check_clean || rc=$?
  [ "$rc" -ne 0 ] || fail "check exited 0 despite the hand edit of $CONFLICT_FILE"
  grep -qF "$CONFLICT_FILE" "$PHASE_LOG/check-refused.log" || fail "check does not name $CONFLICT_FILE"
  cmp -s "$EXPECT/conflict.go" "$P/$CONFLICT_FILE" || fail "$CONFLICT_FILE is not as the user left it"
  after=$(git -C "$P" status --porcelain)
  [ "$before" = "$after" ] || fail "a refused add field wrote files: $(diff <(echo "$before") <(echo "$after") | head -n 5 | tr '\n' ' ')"
  printf '      (modified: %s)\n' "$after" >&2
  chk user-edits 30 user_edits_intact || fail "the user's edits are not intact"
}

phase_force() {
  local backup
  chk add-field-force 120 bp add field "$CONFLICT_ENTITY" "$CONFLICT_FIELD" --force || { fail "add field --force"; return; }
  backup=$(grep -oE '\.backend-pro/backup/[0-9]+/?' "$PHASE_LOG/add-field-force.log" | head -n1 || true)
  if [ -z "$backup" ]; then
    fail "add field --force names no backup under .backend-pro/backup/"
  else
    cmp -s "$EXPECT/conflict.go" "$P/${backup%/}/$CONFLICT_FILE" || fail "the backup ${backup%/}/$CONFLICT_FILE does not hold the user's edit"
  fi
  if grep -q 'hand edit (evolution scenario)' "$P/$CONFLICT_FILE"; then fail "--force left the hand edit in $CONFLICT_FILE"; fi
  verify 9-force test
}

# --- main --------------------------------------------------------------------------------------
log "$LABEL: evolution scenario (work dir $WORK)"
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  OWN_SERVICES=1
  services_start
fi
python3 -c 'import yaml' 2>/dev/null || apt_install python3-yaml
if [ -z "${BACKEND_PRO:-}" ]; then
  log "building backend-pro"
  (cd "$ROOT" && cargo build --locked -q) || die "cargo build failed"
  BACKEND_PRO=${CARGO_TARGET_DIR:-$ROOT/target}/debug/backend-pro
  [[ "$BACKEND_PRO" = /* ]] || BACKEND_PRO=$ROOT/$BACKEND_PRO
fi
[ -x "$BACKEND_PRO" ] || die "backend-pro binary not found: $BACKEND_PRO"
export BACKEND_PRO

BASE_DB_URL=$DATABASE_URL
db_url() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
}
SUFFIX=$(date +%s)_$$
API_DB=bp_evolve_${SNAKE}_$SUFFIX
TEST_DB=bp_evolve_${SNAKE}_test_$SUFFIX
psql "$BASE_DB_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $API_DB" -c "CREATE DATABASE $TEST_DB" ||
  die "cannot create the databases"
DBS_MADE=1
API_DB_URL=$(db_url "$BASE_DB_URL" "$API_DB")
TEST_DB_URL=$(db_url "$BASE_DB_URL" "$TEST_DB")
TEST_REDIS_URL=$(printf '%s' "$REDIS_URL" | sed -E 's#(redis://[^/]+).*#\1#')/3
export API_DB_URL TEST_DB_URL TEST_REDIS_URL

T0=$(now)
STOPPED=
run_phase() { # run_phase NAME FUNC
  local name=$1 fn=$2 start took
  if [ -n "$STOPPED" ]; then
    record SKIP "evolve:$name"
    printf '  %-12s SKIP (after %s failed)\n' "$name" "$STOPPED" >&2
    TIMINGS+=("$name SKIP -")
    return 0
  fi
  PHASE_LOG=$WORK/logs/$name
  export PHASE_LOG
  mkdir -p "$PHASE_LOG"
  printf '  %s\n' "$name" >&2
  PHASE_ERR=0
  start=$(now)
  "$fn"
  took=$(since "$start")
  if [ "$PHASE_ERR" -eq 0 ]; then
    record PASS "evolve:$name"
    printf '  %-12s ok   %ss\n' "$name" "$took" >&2
    TIMINGS+=("$name PASS $took")
  else
    FAILED=$((FAILED + 1))
    STOPPED=$name
    record FAIL "evolve:$name"
    printf '  %-12s FAIL %ss\n' "$name" "$took" >&2
    TIMINGS+=("$name FAIL $took")
  fi
}

run_phase 1-new phase_new
run_phase 2-user-edit phase_user_edit
run_phase 3-add-entity phase_add_entity
run_phase 4-add-field phase_add_field
run_phase 5-sync phase_sync
run_phase 6-remove phase_remove
run_phase 7-undo phase_undo
run_phase 8-conflict phase_conflict
run_phase 9-force phase_force
if [ "${CAPABILITY_PHASES:-0}" = 1 ]; then
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    run_phase 10-events-on phase_events_on
    run_phase 11-events-off phase_events_off
  else
    log "$LABEL: phases 10-11 (add/remove capability events) skipped: KAFKA_BROKERS is not set"
    record SKIP "evolve:10-events-on"
    record SKIP "evolve:11-events-off"
  fi
fi

echo "$LABEL evolution scenario: $(since "$T0")s" >&2
for t in "${TIMINGS[@]}"; do
  read -r a b c <<<"$t"
  printf '  %-12s %-4s %7ss\n' "$a" "$b" "$c" >&2
done
[ "$FAILED" -eq 0 ]
