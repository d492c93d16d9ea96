#!/usr/bin/env bash
# Refresh the Go dependency pins of generated projects.
#
# scripts/gopins/ is a reference module importing the same third-party packages as a
# generated project. This script upgrades it to the latest versions (or the versions given
# as module@version arguments), tidies it with the local Go (no toolchain download), checks
# that every dependency's `go` line is satisfied by it, and copies the requirements and the
# complete go.sum into templates/root/go.mod.tera and templates/root/go.sum.tera.
#
#   scripts/refresh-go-pins.sh                         # latest of everything
#   scripts/refresh-go-pins.sh github.com/gin-gonic/gin@v1.12.0
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PINS=$ROOT/scripts/gopins
export GOTOOLCHAIN=local GOFLAGS=-mod=mod

cd "$PINS"
if [ "$#" -gt 0 ]; then
  go get "$@"
else
  go get github.com/gin-gonic/gin@latest github.com/google/uuid@latest \
    github.com/jackc/pgx/v5@latest github.com/pressly/goose/v3@latest \
    github.com/prometheus/client_golang@latest github.com/redis/go-redis/v9@latest \
    golang.org/x/sync@latest github.com/getkin/kin-openapi@latest
fi
go mod tidy
go build ./...

# Every module in the build list must accept the local Go.
local_go=$(go env GOVERSION | sed 's/^go//')
go list -m -f '{{.Path}} {{.GoVersion}}' all | while read -r mod ver; do
  [ -n "$ver" ] || continue
  if [ "$(printf '%s\n%s\n' "$ver" "$local_go" | sort -V | tail -n1)" != "$local_go" ]; then
    echo "error: $mod needs go $ver, newer than the local go $local_go" >&2
    exit 1
  fi
done

{
  echo "module {{ p.module }}"
  echo
  sed -n '/^go /,$p' go.mod
} >"$ROOT/templates/root/go.mod.tera"
cp go.sum "$ROOT/templates/root/go.sum.tera"
echo "pins refreshed: $(grep -c ' v' go.mod) requirements, $(wc -l <go.sum) go.sum lines" >&2
