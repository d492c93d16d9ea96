#!/usr/bin/env bash
# PostgreSQL and Redis for the tests: installed from Debian packages when missing, started on free
# 127.0.0.1 ports with their data in a temp dir, stopped and removed afterwards. Never the system
# services (those stay as they are; we use our own instances).
#
#   scripts/services.sh                 start, print DATABASE_URL/REDIS_URL, wait for Ctrl-C
#   scripts/services.sh CMD [ARGS...]   start, run CMD with DATABASE_URL/REDIS_URL exported, stop
#   source scripts/services.sh          defines services_start / services_stop / services_createdb
#
# Knobs: SERVICES_DURABLE=1 keeps PostgreSQL's fsync/synchronous_commit on (benchmarks of writes);
# by default they are off, which is what a test suite wants.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

_bp_pg_bindir() {
  local d
  d=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$d" ] && dirname "$d"
}

# services_install — PostgreSQL server and Redis server, from Debian packages when missing; and
# promtool (package prometheus), which checks and unit-tests the generated alert rules.
services_install() {
  local pkgs=()
  [ -n "$(_bp_pg_bindir)" ] || pkgs+=(postgresql)
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-server redis-tools)
  command -v promtool >/dev/null 2>&1 || pkgs+=(prometheus)
  [ "${#pkgs[@]}" -eq 0 ] && return 0
  apt_install "${pkgs[@]}"
  # apt may have started the packaged services (not in containers with policy-rc.d); we never use
  # them, so stop what the install itself started. Best effort.
  if command -v service >/dev/null 2>&1; then
    as_root service redis-server stop >/dev/null 2>&1 || true
    as_root service postgresql stop >/dev/null 2>&1 || true
    as_root service prometheus stop >/dev/null 2>&1 || true
  fi
  [ -n "$(_bp_pg_bindir)" ] || die "PostgreSQL server binaries not found after installing"
}

# _bp_as_pg CMD... — run CMD as the unprivileged PostgreSQL owner (postgres refuses to run as root).
_bp_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$BP_PG_OS_USER" -- "$@"); else "$@"; fi
}

# services_start — start both; exports DATABASE_URL, REDIS_URL, BP_PG_PORT, BP_REDIS_PORT,
# BP_PGBIN, BP_SERVICES_DIR. Call services_stop (e.g. from an EXIT trap) to undo.
services_start() {
  services_install
  BP_PGBIN=$(_bp_pg_bindir)
  # As root, PostgreSQL runs as another user, who must be able to reach the data dir: /tmp, not a
  # TMPDIR that may sit under root's 0700 home.
  local tmp=${TMPDIR:-/tmp}
  [ "$(id -u)" -ne 0 ] || tmp=/tmp
  BP_SERVICES_DIR=$(mktemp -d "$tmp/bp-services.XXXXXX")
  chmod 755 "$BP_SERVICES_DIR"
  export BP_PGBIN BP_SERVICES_DIR

  BP_PG_OS_USER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    BP_PG_OS_USER=postgres
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  export BP_PG_OS_USER
  local pgdata=$BP_SERVICES_DIR/pg
  mkdir -p "$pgdata/data" "$pgdata/sock"
  if [ "$(id -u)" -eq 0 ]; then chown -R "$BP_PG_OS_USER": "$pgdata"; fi

  log "initdb in $pgdata/data"
  _bp_as_pg "$BP_PGBIN/initdb" -D "$pgdata/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$BP_SERVICES_DIR/initdb.log" 2>&1 \
    || { cat "$BP_SERVICES_DIR/initdb.log" >&2; die "initdb failed"; }
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$pgdata/sock'"
    echo "max_connections = 300"
    echo "shared_buffers = 128MB"
    if [ "${SERVICES_DURABLE:-0}" != 1 ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$pgdata/data/postgresql.conf"

  # A free port can be taken between choosing it and binding it: retry a few times.
  local try started=0
  for try in 1 2 3; do
    BP_PG_PORT=$(free_port)
    if _bp_as_pg "$BP_PGBIN/pg_ctl" -D "$pgdata/data" -l "$pgdata/postgres.log" -o "-p $BP_PG_PORT" \
      -w -t 60 start >/dev/null 2>&1; then
      started=1
      break
    fi
    warn "postgres did not start on port $BP_PG_PORT (try $try)"
  done
  [ "$started" = 1 ] || { tail -n 30 "$pgdata/postgres.log" >&2 || true; die "postgres did not start"; }
  export BP_PG_PORT
  export DATABASE_URL="postgres://postgres@127.0.0.1:$BP_PG_PORT/postgres?sslmode=disable"

  mkdir -p "$BP_SERVICES_DIR/redis"
  started=0
  for try in 1 2 3; do
    BP_REDIS_PORT=$(free_port)
    redis-server --port "$BP_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$BP_SERVICES_DIR/redis" --logfile "$BP_SERVICES_DIR/redis/redis.log" --daemonize no \
      </dev/null >/dev/null 2>&1 &
    BP_REDIS_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$BP_REDIS_PORT" ping 2>/dev/null || true)" = PONG ]; then
        started=1
        break
      fi
      kill -0 "$BP_REDIS_PID" 2>/dev/null || break
      sleep 0.1
    done
    [ "$started" = 1 ] && break
    kill "$BP_REDIS_PID" 2>/dev/null || true
    wait "$BP_REDIS_PID" 2>/dev/null || true
    warn "redis did not start on port $BP_REDIS_PORT (try $try)"
  done
  [ "$started" = 1 ] || { tail -n 30 "$BP_SERVICES_DIR/redis/redis.log" >&2 || true; die "redis did not start"; }
  export BP_REDIS_PORT BP_REDIS_PID
  export REDIS_URL="redis://127.0.0.1:$BP_REDIS_PORT/0"
  log "postgres on 127.0.0.1:$BP_PG_PORT, redis on 127.0.0.1:$BP_REDIS_PORT (data in $BP_SERVICES_DIR)"
}

# services_createdb NAME — a fresh database; prints its URL.
services_createdb() {
  "$BP_PGBIN/createdb" -h 127.0.0.1 -p "$BP_PG_PORT" -U postgres "$1" >&2
  echo "postgres://postgres@127.0.0.1:$BP_PG_PORT/$1?sslmode=disable"
}

# services_stop — stop both and remove their data. Safe to call twice or after a failed start.
services_stop() {
  if [ -n "${BP_REDIS_PID:-}" ]; then
    redis-cli -h 127.0.0.1 -p "$BP_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    local i
    for ((i = 0; i < 50; i++)); do kill -0 "$BP_REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BP_REDIS_PID" 2>/dev/null || true
    wait "$BP_REDIS_PID" 2>/dev/null || true
    BP_REDIS_PID=
  fi
  if [ -n "${BP_SERVICES_DIR:-}" ] && [ -d "$BP_SERVICES_DIR" ]; then
    if [ -f "$BP_SERVICES_DIR/pg/data/postmaster.pid" ]; then
      _bp_as_pg "$BP_PGBIN/pg_ctl" -D "$BP_SERVICES_DIR/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || _bp_as_pg "$BP_PGBIN/pg_ctl" -D "$BP_SERVICES_DIR/pg/data" -m immediate -w -t 10 stop >/dev/null 2>&1 \
        || true
    fi
    rm -rf "$BP_SERVICES_DIR"
    BP_SERVICES_DIR=
  fi
}

# Executed (not sourced): start, then run the command or wait.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _bp_sleeper=
  trap 'services_stop; [ -z "$_bp_sleeper" ] || kill "$_bp_sleeper" 2>/dev/null || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  services_start
  if [ "$#" -gt 0 ]; then
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
  fi
  echo "export DATABASE_URL='$DATABASE_URL'"
  echo "export REDIS_URL='$REDIS_URL'"
  echo "# running; Ctrl-C (or SIGTERM) stops both and removes $BP_SERVICES_DIR" >&2
  while true; do
    sleep 3600 &
    _bp_sleeper=$!
    wait "$_bp_sleeper" || true
  done
fi
