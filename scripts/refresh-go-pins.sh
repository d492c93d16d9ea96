#!/usr/bin/env bash
# Refresh the Go dependency pins of generated projects.
#
# scripts/gopins/ is a reference module importing the same third-party packages as a
# generated project. This script upgrades it to the latest versions (or the versions given
# as module@version arguments), tidies it with the local Go (no toolchain download), checks
# that every dependency's `go` line is satisfied by it, and copies the requirements and the
# complete go.sum into the go_mod / go_sum fragments: templates/ext/ for core and, for the
# events capability (the same set plus franz-go, scripts/gopins-events/),
# src/capability/events/templates/ext/.
#
#   scripts/refresh-go-pins.sh                         # latest of everything
#   scripts/refresh-go-pins.sh github.com/gin-gonic/gin@v1.12.0
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
CORE_MODULES="github.com/gin-gonic/gin github.com/google/uuid github.com/jackc/pgx/v5
  github.com/pressly/goose/v3 github.com/prometheus/client_golang github.com/redis/go-redis/v9
  golang.org/x/sync github.com/getkin/kin-openapi"
EVENTS_MODULES="github.com/twmb/franz-go github.com/twmb/franz-go/pkg/kadm"

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

# write DIR FRAGMENT_DIR — the pins of a reference module as the go_mod / go_sum fragments.
write() {
  sed -n '/^go /,$p' "$1/go.mod" >"$2/go_mod.tera"
  cp "$1/go.sum" "$2/go_sum.tera"
  echo "pins $2: $(grep -c ' v' "$1/go.mod") requirements, $(wc -l <"$1/go.sum") go.sum lines" >&2
}

if [ "$#" -gt 0 ]; then
  core_args=("$@")
else
  core_args=()
  for m in $CORE_MODULES; do core_args+=("$m@latest"); done
fi
refresh "$ROOT/scripts/gopins" "${core_args[@]}"
# The events set is the core set plus franz-go, at the core set's versions.
cp "$ROOT/scripts/gopins/go.mod" "$ROOT/scripts/gopins-events/go.mod"
sed -i 's#^module .*#module backend-pro/scripts/gopins-events#' "$ROOT/scripts/gopins-events/go.mod"
cp "$ROOT/scripts/gopins/go.sum" "$ROOT/scripts/gopins-events/go.sum"
events_args=()
for m in $EVENTS_MODULES; do events_args+=("$m@latest"); done
refresh "$ROOT/scripts/gopins-events" "${events_args[@]}"
if ! diff <(grep -v franz-go "$ROOT/scripts/gopins-events/go.mod" | grep -v -e klauspost/compress -e pierrec/lz4 | sed 1d) \
  <(sed 1d "$ROOT/scripts/gopins/go.mod") >/dev/null; then
  echo "warning: franz-go moved a shared dependency; review scripts/gopins-events/go.mod" >&2
fi

write "$ROOT/scripts/gopins" "$ROOT/templates/ext"
write "$ROOT/scripts/gopins-events" "$ROOT/src/capability/events/templates/ext"
