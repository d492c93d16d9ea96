#!/usr/bin/env bash
# The real-PRD corpus (../shared/corpus, beside the repository; CI has it): `analyze` is graded
# against hand-written ground truth, and every document that analyzes must generate a project
# that is gofmt-clean, passes `go vet` and builds.
#
#   scripts/corpus-check.sh [BACKEND_PRO]       (default: target/debug/backend-pro)
#
# 1. score: `score.py` must report at least the number of acceptable documents recorded in
#    tests/corpus-ratchet (raise it as the parser improves; never lower it), and no CRASH.
# 2. build: each document that `analyze` accepts is generated with `new` into one Go workspace
#    (go.work), then gofmt -l, go vet ./... and go build ./... run once per project, sharing
#    the module and build caches, so the cost stays in minutes.
#
# Without ../shared/corpus (a clean clone elsewhere) it prints a line saying so and exits 0.
# Env: BP_CORPUS=dir (another corpus), CORPUS_KEEP=1 (keep the generated projects).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
export GOTOOLCHAIN=local

BIN=${1:-$ROOT/target/debug/backend-pro}
CORPUS=${BP_CORPUS:-$ROOT/../shared/corpus}
if [ ! -f "$CORPUS/score.py" ]; then
  log "corpus: $CORPUS/score.py not found: real-PRD corpus checks skipped"
  exit 0
fi
[ -x "$BIN" ] || die "no backend-pro binary at $BIN (cargo build first)"
RATCHET=$(tr -dc '0-9' <"$ROOT/tests/corpus-ratchet")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-corpus.XXXXXX")
cleanup() { if [ "${CORPUS_KEEP:-0}" = 1 ]; then log "corpus: kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# --- 1. score ---------------------------------------------------------------------------------
python3 "$CORPUS/score.py" --bin "$BIN" --dir "$CORPUS" -v >"$WORK/score.txt" 2>&1 || true
cat "$WORK/score.txt"
got=$(sed -nE 's#^corpus: ([0-9]+)/[0-9]+ documents acceptable.*#\1#p' "$WORK/score.txt" | tail -1)
[ -n "$got" ] || die "corpus: score.py printed no total"
fail=0
if grep -qE '^\S+ +\S+ +CRASH' "$WORK/score.txt"; then
  echo "corpus: a document crashed the analyzer" >&2
  fail=1
fi
if [ "$got" -lt "$RATCHET" ]; then
  echo "corpus: $got documents acceptable, fewer than the $RATCHET recorded in tests/corpus-ratchet" >&2
  fail=1
else
  log "corpus: $got acceptable (ratchet $RATCHET)"
fi

# --- 2. generate and build every document that analyzes --------------------------------------
mkdir -p "$WORK/ws"
uses=()
for doc in "$CORPUS"/[0-9]*.md; do
  key=$(basename "$doc" .md)
  if ! "$BIN" analyze --prd "$doc" --format json >/dev/null 2>&1; then continue; fi
  out=$WORK/ws/p${key%%-*}
  if ! "$BIN" new --prd "$doc" --out "$out" --module "example.com/corpus/p${key%%-*}" \
    >"$WORK/$key.new.log" 2>&1; then
    echo "corpus: new failed on $key:" >&2
    tail -20 "$WORK/$key.new.log" >&2
    fail=1
    continue
  fi
  uses+=("./p${key%%-*}")
done
log "corpus: ${#uses[@]} documents generated"
if [ "${#uses[@]}" -gt 0 ]; then
  (
    cd "$WORK/ws"
    go work init "${uses[@]}"
  )
  built=0
  for u in "${uses[@]}"; do
    p=$WORK/ws/${u#./}
    bad=$(cd "$p" && gofmt -l . 2>&1) || true
    if [ -n "$bad" ]; then
      echo "corpus: $u: gofmt: $bad" >&2
      fail=1
    fi
    if ! (cd "$p" && go vet ./... >"$WORK/vet.log" 2>&1 && go build ./... >>"$WORK/vet.log" 2>&1); then
      echo "corpus: $u: go vet/build failed:" >&2
      head -30 "$WORK/vet.log" >&2
      fail=1
    else
      built=$((built + 1))
    fi
  done
  log "corpus: $built/${#uses[@]} generated projects pass gofmt, go vet and go build"
fi
exit "$fail"
