#!/usr/bin/env bash
# Benchmarks (not tests): measure, print a Markdown report, optionally write it into
# docs/BENCHMARKS.md between the "bench:results" markers.
#
#   scripts/bench.sh [--update-docs] [--entities 200] [--duration 10] [--example NAME]
#
#   CLI      hyperfine: `analyze` on a generated N-entity PRD (scripts/gen-big-prd.py);
#            `new` on the largest example vs `cp -r` of the same output tree.
#   service  the largest example generated, on real PostgreSQL (fsync on) + Redis, loopback only:
#            wrk GET by id (served from the Redis cache) vs a bare Gin JSON hello
#            (scripts/bench/gin-hello, same Gin version) run in the same session; POST create at
#            full speed, then paced to ~70 % of that, with P99; idle RSS; stripped binary size.
# Every load run is bounded (--duration seconds); every process is stopped on exit.
set -euo pipefail
# Load and checks come from one client address: the per-caller rate limit (on by default in
# generated services) would turn them into 429s. check-generated.sh tests the limit on its own.
export RATE_LIMIT_RPS=0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=scripts/services.sh
source "$ROOT/scripts/services.sh"

UPDATE_DOCS=0
ENTITIES=200
EVOLVE_ENTITIES=50
DURATION=10
EXAMPLE=
while [ "$#" -gt 0 ]; do
  case "$1" in
    --update-docs) UPDATE_DOCS=1; shift ;;
    --entities) ENTITIES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --example) EXAMPLE=$2; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 60 ]; then die "--duration must be 1..60 seconds"; fi

apt_install hyperfine wrk
export GOTOOLCHAIN=local

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bp-bench.XXXXXX")
PIDS=()
SHM=
cleanup() {
  local p
  if [ -n "$SHM" ]; then rm -rf "$SHM"; fi
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  services_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

REPORT=$WORK/report.md
out() { printf '%s\n' "$*" | tee -a "$REPORT"; }
# json FILE EXPR — evaluate a Python expression over the JSON document `d` in FILE.
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# field LINE KEY — the value of KEY=value in a wrk BENCH line.
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
check() { # check OK? — a mark for the report
  if [ "$1" = 1 ]; then echo "yes"; else echo "**no**"; fi
}
fcmp() { awk -v a="$1" -v b="$2" "BEGIN { exit !(a $3 b) }" && echo 1 || echo 0; }

# ---------------------------------------------------------------------------------------------
log "building backend-pro (release)"
cargo build --release --locked -q
BP=${CARGO_TARGET_DIR:-$ROOT/target}/release/backend-pro
[[ "$BP" = /* ]] || BP=$ROOT/$BP

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
out "Run on $(date -u +%Y-%m-%d) · $(nproc) cores ($cpu) · $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM ·" \
  "$(. /etc/os-release && echo "$PRETTY_NAME") · kernel $(uname -r)"
out ""
out "Tools: $(rustc --version | cut -d' ' -f1-2) · $(go version | cut -d' ' -f3) ·" \
  "PostgreSQL $("$(_bp_pg_bindir)/postgres" --version | awk '{ print $3 }') ·" \
  "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') · $(hyperfine --version) · $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
out ""

# --- CLI: analyze ------------------------------------------------------------------------------
python3 scripts/gen-big-prd.py "$ENTITIES" >"$WORK/big.md"
"$BP" analyze --prd "$WORK/big.md" --out "$WORK/big.yaml" 2>/dev/null || die "analyze failed on the generated PRD"
# entities in a model file (PyYAML when present, else a count of top-level list items under entities:)
count_entities() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
try:
    import yaml
    print(len(yaml.safe_load(text).get("entities") or []))
except ImportError:
    m = re.search(r"^entities:\n((?:[ -].*\n)*)", text, re.M)
    print(len(re.findall(r"^- ", m.group(1), re.M)) if m else 0)
PY
}
found=$(count_entities "$WORK/big.yaml")
hyperfine -N --warmup 3 --runs 50 --export-json "$WORK/analyze.json" \
  "$BP analyze --prd $WORK/big.md --out $WORK/big2.yaml" >"$WORK/hyperfine-analyze.txt" 2>&1
a_mean=$(json "$WORK/analyze.json" "'%.1f' % (d['results'][0]['mean']*1000)")
a_sd=$(json "$WORK/analyze.json" "'%.1f' % (d['results'][0]['stddev']*1000)")
a_min=$(json "$WORK/analyze.json" "'%.1f' % (d['results'][0]['min']*1000)")

out "| CLI | result | target | met |"
out "|---|---|---|---|"
out "| \`analyze\` on a $ENTITIES-entity PRD ($(wc -l <"$WORK/big.md") lines, $found entities found) | ${a_mean} ms ± ${a_sd} (min ${a_min}) | < 50 ms | $(check "$(fcmp "$a_mean" 50 '<')") |"

HAVE_NEW=0
"$BP" new --help >/dev/null 2>&1 && HAVE_NEW=1
LARGEST=
if [ "$HAVE_NEW" = 1 ]; then
  if [ -n "$EXAMPLE" ]; then
    LARGEST=examples/$EXAMPLE/PRD.md
  else
    best=-1
    for f in examples/*/PRD.md; do
      [ -f "$f" ] || continue
      "$BP" analyze --prd "$f" --out "$WORK/ex.yaml" 2>/dev/null || continue
      n=$(count_entities "$WORK/ex.yaml")
      if [ "$n" -gt "$best" ]; then best=$n; LARGEST=$f; fi
    done
  fi
fi
if [ -n "$LARGEST" ]; then
  ex=$(basename "$(dirname "$LARGEST")")
  "$BP" analyze --prd "$LARGEST" --out "$WORK/ex.yaml" 2>/dev/null || true
  ents=$(count_entities "$WORK/ex.yaml")
  "$BP" new --prd "$LARGEST" --out "$WORK/tree" --module example.com/bench >/dev/null 2>&1 || die "new failed on $LARGEST"
  files=$(find "$WORK/tree" -type f | wc -l)
  kib=$(du -sk "$WORK/tree" | cut -f1)
  hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/new.json" \
    --prepare "rm -rf $WORK/new-out" \
    "$BP new --prd $LARGEST --out $WORK/new-out --module example.com/bench" \
    --prepare "rm -rf $WORK/cp-out" \
    "cp -r $WORK/tree $WORK/cp-out" \
    --prepare "rm -rf $WORK/all-out" \
    "$BP new --prd $LARGEST --out $WORK/all-out --module example.com/bench --with auth --with tenancy --with events" \
    >"$WORK/hyperfine-new.txt" 2>&1
  n_mean=$(json "$WORK/new.json" "'%.1f' % (d['results'][0]['mean']*1000)")
  n_sd=$(json "$WORK/new.json" "'%.1f' % (d['results'][0]['stddev']*1000)")
  c_mean=$(json "$WORK/new.json" "'%.1f' % (d['results'][1]['mean']*1000)")
  ratio=$(json "$WORK/new.json" "'%.1f' % (d['results'][0]['mean']/d['results'][1]['mean'])")
  a_mean=$(json "$WORK/new.json" "'%.1f' % (d['results'][2]['mean']*1000)")
  a_sd=$(json "$WORK/new.json" "'%.1f' % (d['results'][2]['stddev']*1000)")
  a_files=$(find "$WORK/all-out" -type f | wc -l)
  out "| \`new\` on the largest example ($ex: $ents entities → $files files, $kib KiB) | ${n_mean} ms ± ${n_sd} | < 100 ms | $(check "$(fcmp "$n_mean" 100 '<')") |"
  out "| same tree copied with \`cp -r\` | ${c_mean} ms | | |"
  out "| \`new\` on it with every capability (auth, tenancy, events; deploy, monitoring, observability are on by default) → $a_files files | ${a_mean} ms ± ${a_sd} | < 100 ms | $(check "$(fcmp "$a_mean" 100 '<')") |"
  out "| \`new\` ÷ \`cp -r\` | ${ratio}× | ≤ 15× | $(check "$(fcmp "$ratio" 15 '<=')") |"
  # The same into tmpfs: the generator's own time, without what this disk adds on the day
  # (creating a few hundred files right after deleting as many costs ext4 tens of ms).
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    SHM=$(mktemp -d /dev/shm/bp-bench.XXXXXX)
    cp -r "$WORK/tree" "$SHM/tree"
    hyperfine -N --warmup 3 --runs 30 --export-json "$WORK/new-shm.json" \
      --prepare "rm -rf $SHM/new-out" \
      "$BP new --prd $LARGEST --out $SHM/new-out --module example.com/bench" \
      --prepare "rm -rf $SHM/cp-out" \
      "cp -r $SHM/tree $SHM/cp-out" \
      --prepare "rm -rf $SHM/all-out" \
      "$BP new --prd $LARGEST --out $SHM/all-out --module example.com/bench --with auth --with tenancy --with events" \
      >"$WORK/hyperfine-new-shm.txt" 2>&1
    for i in 0 1 2; do
      shm_mean[i]=$(json "$WORK/new-shm.json" "'%.1f' % (d['results'][$i]['mean']*1000)")
      shm_sd[i]=$(json "$WORK/new-shm.json" "'%.1f' % (d['results'][$i]['stddev']*1000)")
    done
    out "| \`new\` on $ex into tmpfs (\`/dev/shm\`; \`cp -r\` of the tree there: ${shm_mean[1]} ms) | ${shm_mean[0]} ms ± ${shm_sd[0]} | < 100 ms | $(check "$(fcmp "${shm_mean[0]}" 100 '<')") |"
    out "| \`new\` on $ex with every capability into tmpfs | ${shm_mean[2]} ms ± ${shm_sd[2]} | < 100 ms | $(check "$(fcmp "${shm_mean[2]}" 100 '<')") |"
  fi
else
  out "| \`new\` on the largest example | not measured: backend-pro has no working \`new\` command yet | < 100 ms, ≤ 15× cp -r | |"
fi

# --- CLI: day-two commands on a big project (issue 4) -----------------------------------------
if [ "$HAVE_NEW" = 1 ]; then
  python3 scripts/gen-big-prd.py "$EVOLVE_ENTITIES" >"$WORK/evolve.md"
  "$BP" new --prd "$WORK/evolve.md" --out "$WORK/evolve0" --module example.com/big >/dev/null 2>&1 ||
    die "new failed on the $EVOLVE_ENTITIES-entity PRD"
  e_files=$(find "$WORK/evolve0" -type f -not -path '*/.backend-pro/*' | wc -l)
  # add entity writes the project: every run starts from a fresh copy of the generated one
  # (with -N, hyperfine runs --prepare without a shell too, hence sh -c).
  hyperfine -N --warmup 3 --runs 20 --export-json "$WORK/evolve.json" \
    --prepare "sh -c 'rm -rf $WORK/evolve1 && cp -r $WORK/evolve0 $WORK/evolve1'" \
    "$BP plan --project $WORK/evolve1" \
    --prepare "sh -c 'rm -rf $WORK/evolve1 && cp -r $WORK/evolve0 $WORK/evolve1'" \
    "$BP add entity Zed --field name:string:required --field account_id:ref:ref=Account --project $WORK/evolve1" \
    >"$WORK/hyperfine-evolve.txt" 2>&1 || { cat "$WORK/hyperfine-evolve.txt" >&2; die "day-two benchmark failed"; }
  for i in 0 1; do
    m=$(json "$WORK/evolve.json" "'%.1f' % (d['results'][$i]['mean']*1000)")
    sd=$(json "$WORK/evolve.json" "'%.1f' % (d['results'][$i]['stddev']*1000)")
    if [ "$i" = 0 ]; then what="\`plan\` (up to date)"; else what="\`add entity\` (a new entity with a reference; writes code, registries and a migration)"; fi
    out "| $what on a $EVOLVE_ENTITIES-entity project ($e_files files) | ${m} ms ± ${sd} | < 200 ms | $(check "$(fcmp "$m" 200 '<')") |"
  done
fi
out ""

# --- service -----------------------------------------------------------------------------------
if [ -z "$LARGEST" ]; then
  out "Service benchmarks not run: nothing generated yet."
else
  SERVICES_DURABLE=1 services_start
  BENCH_DB=$(services_createdb bench)

  (cd "$WORK/tree" && go build -ldflags='-s -w' -o "$WORK/api" ./cmd/api && go build -o "$WORK/migration" ./cmd/migration)
  (cd scripts/bench/gin-hello && go build -ldflags='-s -w' -o "$WORK/gin-hello" .)
  gin_gen=$(awk '$1 == "github.com/gin-gonic/gin" { print $2 }' "$WORK/tree/go.mod" | head -n1)
  gin_base=$(awk '$1 == "github.com/gin-gonic/gin" || $2 == "github.com/gin-gonic/gin" { print $NF }' scripts/bench/gin-hello/go.mod | head -n1)
  [ "$gin_gen" = "$gin_base" ] || warn "Gin versions differ: generated $gin_gen, baseline $gin_base"
  api_mib=$(awk -v b="$(stat -c %s "$WORK/api")" 'BEGIN { printf "%.1f", b / 1048576 }')
  hello_mib=$(awk -v b="$(stat -c %s "$WORK/gin-hello")" 'BEGIN { printf "%.1f", b / 1048576 }')

  DATABASE_URL=$BENCH_DB "$WORK/migration" up >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; die "migration failed"; }
  API_PORT=$(free_port)
  DATABASE_URL=$BENCH_DB REDIS_URL=$REDIS_URL HTTP_ADDR=127.0.0.1:$API_PORT \
    "$WORK/api" </dev/null >"$WORK/api.log" 2>&1 &
  API_PID=$!
  PIDS+=("$API_PID")
  wait_http "http://127.0.0.1:$API_PORT/readyz" 30 || { tail -n 30 "$WORK/api.log" >&2; die "api did not become ready"; }
  HELLO_PORT=$(free_port)
  BASE_DB=$(services_createdb baseline)
  DATABASE_URL=$BASE_DB HTTP_ADDR=127.0.0.1:$HELLO_PORT "$WORK/gin-hello" </dev/null >"$WORK/hello.log" 2>&1 &
  PIDS+=("$!")
  wait_http "http://127.0.0.1:$HELLO_PORT/healthz" 30 || die "gin-hello did not start"
  sleep 3
  idle_rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$API_PID/status")
  idle_rss=$(awk -v k="$idle_rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')

  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml >&2
  python3 scripts/bench/post_body.py "http://127.0.0.1:$API_PORT" >"$WORK/probe.json" || die "no create request found"
  post_path=$(json "$WORK/probe.json" "d['path']")
  item_path=$(json "$WORK/probe.json" "d['item_path']")
  json "$WORK/probe.json" "d['template']" >"$WORK/body.tmpl"
  curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT$item_path"
  curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT$item_path"
  cached_keys=$(redis-cli -u "$REDIS_URL" dbsize)

  W=(wrk -t2 -c64 -d"${DURATION}s" --timeout 5s)
  run_wrk() { "$@" 2>&1 | tee -a "$WORK/wrk.log" | grep '^BENCH' || { tail -n 20 "$WORK/wrk.log" >&2; die "wrk failed"; }; }
  log "wrk: bare Gin hello"
  hello=$(run_wrk "${W[@]}" -s scripts/bench/wrk.lua "http://127.0.0.1:$HELLO_PORT/hello")
  log "wrk: GET $item_path (cached)"
  get=$(run_wrk "${W[@]}" -s scripts/bench/wrk.lua "http://127.0.0.1:$API_PORT$item_path")
  log "wrk: POST $post_path, full speed"
  P=(wrk -t2 -c32 -d"${DURATION}s" --timeout 5s)
  pmax=$(run_wrk "${P[@]}" -s scripts/bench/wrk.lua "http://127.0.0.1:$API_PORT" -- post "$post_path" "$WORK/body.tmpl")
  max_rps=$(field "$pmax" rps)
  log "wrk: POST /items on bare Gin + pgx (default pool), full speed"
  printf '{"name": "b__N__"}' >"$WORK/base.tmpl"
  pbase=$(run_wrk "${P[@]}" -s scripts/bench/wrk.lua "http://127.0.0.1:$HELLO_PORT" -- post /items "$WORK/base.tmpl")
  base_rps=$(field "$pbase" rps)
  vs_base=$(awk -v a="$max_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }')
  # go-zero with its cached model was measured at about 3,300 req/s on this machine when issue
  # 9 was filed; it is not rebuilt here (no go-zero service in the repository), so the target
  # is that figure × 1.5, an assumption stated in docs/BENCHMARKS.md.
  gozero_target=4950
  # Pace to ~70 % of the maximum: C connections, each waiting DELAY ms before every request;
  # two short calibration runs correct for the time the requests themselves take.
  target=$(awk -v m="$max_rps" 'BEGIN { printf "%.0f", m * 0.7 }')
  C=32
  delay=$(awk -v t="$target" -v c="$C" 'BEGIN { d = c * 1000 / t; printf "%d", (d < 1 ? 1 : d) }')
  for _ in 1 2; do
    cal=$(run_wrk wrk -t2 -c"$C" -d3s --timeout 5s -s scripts/bench/wrk-paced.lua "http://127.0.0.1:$API_PORT" -- post "$post_path" "$WORK/body.tmpl" "$delay")
    delay=$(awk -v d="$delay" -v a="$(field "$cal" rps)" -v t="$target" 'BEGIN { n = d * a / t; printf "%d", (n < 1 ? 1 : n + 0.5) }')
  done
  log "wrk: POST $post_path paced to ~$target req/s (delay ${delay} ms × $C connections)"
  paced=$(run_wrk wrk -t2 -c"$C" -d"${DURATION}s" --timeout 5s -s scripts/bench/wrk-paced.lua "http://127.0.0.1:$API_PORT" -- post "$post_path" "$WORK/body.tmpl" "$delay")
  load_rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$API_PID/status")

  h_rps=$(field "$hello" rps); g_rps=$(field "$get" rps)
  pct=$(awk -v g="$g_rps" -v h="$h_rps" 'BEGIN { printf "%.0f", 100 * g / h }')
  p_rps=$(field "$paced" rps); p99=$(field "$paced" p99_ms)
  p_share=$(awk -v p="$p_rps" -v m="$max_rps" 'BEGIN { printf "%.0f", 100 * p / m }')
  errs() { echo "$(field "$1" errors) socket, $(field "$1" status_errors) non-2xx"; }
  # A run with failed requests measured the error path: its figure does not count.
  clean() { [ "$(field "$1" errors)" = 0 ] && [ "$(field "$1" status_errors)" = 0 ] && echo 1 || echo 0; }
  both() { [ "$1" = 1 ] && [ "$2" = 1 ] && echo 1 || echo 0; }

  out "| Service ($ex, PostgreSQL fsync on, Redis, loopback; wrk ${DURATION} s) | result | target | met |"
  out "|---|---|---|---|"
  out "| bare Gin JSON hello (\`GET /hello\`, 64 conns) | $h_rps req/s, P99 $(field "$hello" p99_ms) ms ($(errs "$hello")) | baseline | |"
  out "| \`GET $item_path\` from cache (64 conns; $cached_keys key(s) in Redis after two GETs) | $g_rps req/s, P99 $(field "$get" p99_ms) ms ($(errs "$get")) = ${pct} % of bare Gin | ≥ 50 % | $(check "$(both "$(clean "$get")" "$(fcmp "$pct" 50 '>=')")") |"
  out "| \`POST $post_path\` full speed (32 conns; pool DB_MAX_CONNS=$(sed -n 's/^DB_MAX_CONNS=//p' "$WORK/tree/.env.example")) | $max_rps req/s, P99 $(field "$pmax" p99_ms) ms ($(errs "$pmax")) | ≥ 1,000 req/s | $(check "$(both "$(clean "$pmax")" "$(fcmp "$max_rps" 1000 '>=')")") |"
  out "| bare Gin + pgx \`POST /items\` (one INSERT, pgx default pool of max(4, cores), 32 conns) | $base_rps req/s, P99 $(field "$pbase" p99_ms) ms ($(errs "$pbase")); generated POST = ${vs_base}× | baseline | |"
  out "| generated POST vs go-zero with its cached model (≈ 3,300 req/s, issue 9's measurement on this machine) | $max_rps req/s | ≥ 1.5× = $gozero_target req/s | $(check "$(both "$(clean "$pmax")" "$(fcmp "$max_rps" "$gozero_target" '>=')")") |"
  out "| \`POST $post_path\` paced (${C} conns × ${delay} ms) | $p_rps req/s = ${p_share} % of max, P50 $(field "$paced" p50_ms) ms, **P99 $p99 ms** ($(errs "$paced")) | P99 < 50 ms at ~70 % | $(check "$(both "$(clean "$paced")" "$(fcmp "$p99" 50 '<')")") |"
  out "| idle RSS of \`cmd/api\` (3 s after ready) | $idle_rss MiB (after the load: $load_rss MiB) | ≤ 40 MB | $(check "$(fcmp "$idle_rss" 38.1 '<=')") |"
  out "| stripped \`cmd/api\` binary (\`-ldflags='-s -w'\`) | $api_mib MiB (bare Gin hello: $hello_mib MiB) | ≤ 35 MB | $(check "$(fcmp "$api_mib" 33.3 '<=')") |"
fi

echo
if [ "$UPDATE_DOCS" = 1 ]; then
  python3 - "$ROOT/docs/BENCHMARKS.md" "$REPORT" <<'PY'
import re, sys
doc, rep = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
new, n = re.subn(r"(<!-- bench:results:begin -->\n).*?(<!-- bench:results:end -->)",
                 lambda m: m.group(1) + rep + m.group(2), text, flags=re.S)
if n != 1:
    sys.exit("docs/BENCHMARKS.md has no bench:results markers")
open(doc, "w").write(new)
PY
  log "docs/BENCHMARKS.md updated"
fi
