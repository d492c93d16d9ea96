#!/usr/bin/env bash
# Refresh the Go dependency pins of generated projects.
#
# scripts/gopins/ is a reference module importing the same third-party packages as a
# generated project. This script upgrades it to the latest versions (or the versions given
# as module@version arguments), tidies it with the local Go (no toolchain download), checks
# that every dependency's `go` line is satisfied by it, and copies the requirements and the
# complete go.sum into templates/pins/core/. Each set of capabilities with Go dependencies
# has its own reference module, the core set plus theirs at the core set's versions
# (scripts/gopins-events: franz-go; gopins-auth: golang-jwt and keyfunc; gopins-observability:
# OpenTelemetry, otelhttp, otelpgx, redisotel; and each combination), copied into templates/pins/<set>/ (src/capability/mod.rs, `pin_set`).
#
#   scripts/refresh-go-pins.sh                         # latest of everything
#   scripts/refresh-go-pins.sh github.com/gin-gonic/gin@v1.12.0
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
CORE_MODULES="github.com/gin-gonic/gin github.com/google/uuid github.com/jackc/pgx/v5
  github.com/pressly/goose/v3 github.com/prometheus/client_golang github.com/redis/go-redis/v9
  golang.org/x/sync github.com/getkin/kin-openapi golang.org/x/time github.com/go-redis/redis_rate/v10
  github.com/sony/gobreaker/v2"
EVENTS_MODULES="github.com/twmb/franz-go github.com/twmb/franz-go/pkg/kadm"
AUTH_MODULES="github.com/golang-jwt/jwt/v5 github.com/MicahParks/keyfunc/v3"
# OpenTelemetry is released in lockstep (otel, sdk, exporters at one version; contrib at its
# matching one) and redisotel with go-redis: named at their versions, not @latest.
OBSERVABILITY_MODULES="go.opentelemetry.io/otel@v1.47.0 go.opentelemetry.io/otel/sdk@v1.47.0
  go.opentelemetry.io/otel/trace@v1.47.0 go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp@v1.47.0
  go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.72.0 github.com/exaring/otelpgx@v0.13.0
  github.com/redis/go-redis/extra/redisotel/v9@v9.23.0"

# refresh DIR MODULES... — upgrade a reference module, tidy it, check its Go versions.
refresh() {
  local dir=$1
  shift
  cd "$dir"
  if [ "$#" -gt 0 ]; then
    go get "$@"
  fi
  go mod tidy
  go build -o /dev/null .
  # Every module in the build list must accept the local Go.
  local local_go
  local_go=$(go env GOVERSION | sed 's/^go//')
  go list -m -f '{{.Path}} {{.GoVersion}}' all | while read -r mod ver; do
    [ -n "$ver" ] || continue
    if [ "$(printf '%s\n%s\n' "$ver" "$local_go" | sort -V | tail -n1)" != "$local_go" ]; then
      echo "error: $mod needs go $ver, newer than the local go $local_go" >&2
      exit 1
    fi
  done
}

# write SET — the pins of scripts/gopins[-SET] as templates/pins/SET/go_mod.tera, go_sum.tera.
write() {
  local dir=$ROOT/scripts/gopins-$1 out=$ROOT/templates/pins/$1
  [ "$1" = core ] && dir=$ROOT/scripts/gopins
  mkdir -p "$out"
  sed -n '/^go /,$p' "$dir/go.mod" >"$out/go_mod.tera"
  cp "$dir/go.sum" "$out/go_sum.tera"
  echo "pins $1: $(grep -c ' v' "$dir/go.mod") requirements, $(wc -l <"$dir/go.sum") go.sum lines" >&2
}

# derive SET MODULES... — the core set plus MODULES, at the core set's versions.
derive() {
  local set=$1 dir=$ROOT/scripts/gopins-$1
  shift
  cp "$ROOT/scripts/gopins/go.mod" "$dir/go.mod"
  sed -i "s#^module .*#module backend-pro/scripts/gopins-$set#" "$dir/go.mod"
  cp "$ROOT/scripts/gopins/go.sum" "$dir/go.sum"
  local args=()
  for m in "$@"; do
    case $m in *@*) args+=("$m") ;; *) args+=("$m@latest") ;; esac
  done
  refresh "$dir" "${args[@]}"
  if ! diff <(sed -n '/^require/,$p' "$dir/go.mod" | grep -v -F -f <(printf '%s\n' "${@%%@*}" klauspost/compress pierrec/lz4 MicahParks/jwkset golang.org/x/time)) \
    <(sed -n '/^require/,$p' "$ROOT/scripts/gopins/go.mod") >/dev/null; then
    echo "warning: the $set set moved a shared dependency; review scripts/gopins-$set/go.mod" >&2
  fi
}

if [ "$#" -gt 0 ]; then
  core_args=("$@")
else
  core_args=()
  for m in $CORE_MODULES; do core_args+=("$m@latest"); done
fi
refresh "$ROOT/scripts/gopins" "${core_args[@]}"
# shellcheck disable=SC2086
derive events $EVENTS_MODULES
# shellcheck disable=SC2086
derive auth $AUTH_MODULES
# shellcheck disable=SC2086
derive auth+events $AUTH_MODULES $EVENTS_MODULES
# shellcheck disable=SC2086
derive observability $OBSERVABILITY_MODULES
# shellcheck disable=SC2086
derive auth+observability $AUTH_MODULES $OBSERVABILITY_MODULES
# shellcheck disable=SC2086
derive events+observability $EVENTS_MODULES $OBSERVABILITY_MODULES
# shellcheck disable=SC2086
derive auth+events+observability $AUTH_MODULES $EVENTS_MODULES $OBSERVABILITY_MODULES
for set in core events auth auth+events observability auth+observability events+observability \
  auth+events+observability; do write "$set"; done
