#!/usr/bin/env bash
# A real Kafka broker for the tests: Apache Kafka 4.1.0 jars from Maven Central (fetched once into
# a cache dir), one KRaft node (broker + controller) on free 127.0.0.1 ports with its data in a
# temp dir, stopped and removed afterwards. No Docker, no downloads outside Maven Central (and
# Debian, for openjdk/maven when java/mvn are missing).
#
#   scripts/kafka.sh                 start, print KAFKA_BROKERS, wait for Ctrl-C
#   scripts/kafka.sh CMD [ARGS...]   start, run CMD with KAFKA_BROKERS exported, stop
#   source scripts/kafka.sh          defines kafka_install / kafka_start / kafka_stop
#
# Knobs:
#   BP_KAFKA_CACHE          jar cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/backend-pro/kafka-4.1.0)
#   BP_KAFKA_HEAP_OPTS      heap flags (default "-Xmx512m -Xms128m")
#   BP_KAFKA_JVM_OPTS       other JVM flags, GC included (default "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
#   BP_KAFKA_START_TIMEOUT  seconds to wait for readiness (default 60)
#   BP_KAFKA_AUTO_CREATE    auto.create.topics.enable (default false: tests create their topics)
#   BP_KAFKA_KEEP=1         keep the data dir and logs after kafka_stop (its path is printed)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BP_KAFKA_VERSION=4.1.0
_BP_KAFKA_LOG4J_VERSION=2.24.3 # what kafka_2.13:4.1.0 depends on; log4j-slf4j-impl must match

_bp_kafka_cache() {
  echo "${BP_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/backend-pro/kafka-$BP_KAFKA_VERSION}"
}

# _bp_kafka_pom — the pom whose runtime dependencies are the broker's classpath.
_bp_kafka_pom() {
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by backend-pro scripts/kafka.sh: the classpath of a test Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>backend-pro.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>$BP_KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$BP_KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$_BP_KAFKA_LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

# _bp_kafka_cached CACHE SUM — the jars of the pom with this checksum were fetched completely.
_bp_kafka_cached() {
  [ -f "$1/complete" ] && [ "$(cat "$1/complete")" = "$2" ] && [ -d "$1/libs" ]
}

# kafka_install — java and mvn (Debian packages when missing), then the broker's jars into the
# cache dir, once: reused while the pom is unchanged and the download completed. Exports
# BP_KAFKA_LIBS (the jar dir).
kafka_install() {
  local pkgs=()
  # The distribution's default JRE (17 on Debian 12, 21 on 13); the broker needs 17 or later.
  command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  [ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"
  command -v java >/dev/null 2>&1 || die "java not found after installing"
  local jv
  jv=$(java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  [ "${jv:-0}" -ge 17 ] || die "kafka: the broker needs Java 17 or later; java says: $(java -version 2>&1 | head -n1)"

  local cache sum
  cache=$(_bp_kafka_cache)
  mkdir -p "$cache"
  sum=$(_bp_kafka_pom | sha256sum | cut -d' ' -f1)
  BP_KAFKA_LIBS=$cache/libs
  export BP_KAFKA_LIBS
  _bp_kafka_cached "$cache" "$sum" && return 0
  # Two suites at once (worktrees) share the cache: one downloads, the other waits for it.
  local lock
  exec {lock}>"$cache/lock"
  flock -w 900 "$lock" || die "kafka: waited 900 s for another download into $cache"
  if _bp_kafka_cached "$cache" "$sum"; then
    exec {lock}>&-
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found after installing"
  log "kafka: fetching org.apache.kafka:kafka_2.13:$BP_KAFKA_VERSION and its dependencies from Maven Central into $cache"
  _bp_kafka_pom >"$cache/pom.xml"
  rm -f "$cache/complete"
  # Into a fresh dir first, renamed when complete: a killed download never looks like a cache.
  local tmp
  tmp=$(mktemp -d "$cache/libs.tmp.XXXXXX")
  if ! timeout 600 mvn -B -q -f "$cache/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" </dev/null >"$cache/mvn.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 30 "$cache/mvn.log" >&2 || true
    die "kafka: mvn dependency:copy-dependencies failed (log: $cache/mvn.log)"
  fi
  [ -f "$tmp/kafka_2.13-$BP_KAFKA_VERSION.jar" ] || { rm -rf "$tmp"; die "kafka: no kafka_2.13 jar after mvn"; }
  rm -rf "$BP_KAFKA_LIBS"
  mv "$tmp" "$BP_KAFKA_LIBS"
  echo "$sum" >"$cache/complete"
  exec {lock}>&-
  log "kafka: $(find "$BP_KAFKA_LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$BP_KAFKA_LIBS" | cut -f1) in $BP_KAFKA_LIBS"
}

# _bp_kafka_alive PID — PID runs and is not a zombie (a reparented JVM may stay one in containers
# whose PID 1 does not reap).
_bp_kafka_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# _bp_kafka_port_open PORT — something accepts TCP connections on 127.0.0.1:PORT.
_bp_kafka_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# _bp_kafka_cluster_id — 16 random bytes, base64url without padding, not starting with '-'.
_bp_kafka_cluster_id() {
  python3 - <<'PY'
import base64, os
while True:
    s = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    if not s.startswith("-"):
        print(s)
        break
PY
}

# _bp_kafka_config PORT CONTROLLER_PORT — server.properties of the single KRaft node.
_bp_kafka_config() {
  cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$2
listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2
advertised.listeners=PLAINTEXT://127.0.0.1:$1
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$BP_KAFKA_DIR/data
num.partitions=1
auto.create.topics.enable=${BP_KAFKA_AUTO_CREATE:-false}
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
EOF
}

# _bp_kafka_log4j — log4j2 config: everything at INFO into server.log in the data dir.
_bp_kafka_log4j() {
  cat <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $BP_KAFKA_DIR/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = info
logger.state.name = state.change.logger
logger.state.level = warn
EOF
}

# kafka_start — one broker+controller; exports KAFKA_BROKERS (127.0.0.1:PORT), BP_KAFKA_PORT,
# BP_KAFKA_DIR, BP_KAFKA_PID. Call kafka_stop (e.g. from an EXIT trap) to undo.
kafka_start() {
  kafka_install
  BP_KAFKA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bp-kafka.XXXXXX")
  export BP_KAFKA_DIR
  _bp_kafka_log4j >"$BP_KAFKA_DIR/log4j2.properties"
  # Heap flags and the rest (GC included) in two knobs: two collectors on one command line make
  # the JVM refuse to start.
  local heap jvm
  read -ra heap <<<"${BP_KAFKA_HEAP_OPTS:--Xmx512m -Xms128m}"
  read -ra jvm <<<"${BP_KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
  local secs=${BP_KAFKA_START_TIMEOUT:-60}
  local cid try port cport i f ready=0
  cid=$(_bp_kafka_cluster_id)

  # A free port can be taken between choosing it and binding it: retry a few times.
  for try in 1 2 3; do
    port=$(free_port)
    cport=$(free_port)
    while [ "$cport" = "$port" ]; do cport=$(free_port); done
    _bp_kafka_config "$port" "$cport" >"$BP_KAFKA_DIR/server.properties"
    rm -rf "$BP_KAFKA_DIR/data"
    # Old logs aside: readiness is a fresh "Kafka Server started" line.
    for f in server.log stdout.log; do
      [ ! -f "$BP_KAFKA_DIR/$f" ] || mv "$BP_KAFKA_DIR/$f" "$BP_KAFKA_DIR/$f.try$((try - 1))"
    done
    if ! timeout 60 java "${heap[@]}" "${jvm[@]}" -Dlog4j2.configurationFile="$BP_KAFKA_DIR/log4j2.properties" \
      -cp "$BP_KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cid" \
      -c "$BP_KAFKA_DIR/server.properties" </dev/null >"$BP_KAFKA_DIR/format.log" 2>&1; then
      tail -n 30 "$BP_KAFKA_DIR/format.log" >&2 || true
      die "kafka: StorageTool format failed (its output above)"
    fi

    # Detached: own session, stdin from /dev/null, output to a file — a JVM holding the caller's
    # stdout would make $(...) around us hang until it exits. The inner shell writes its own pid
    # and execs java, so the pid file holds the JVM's pid whether or not setsid had to fork.
    rm -f "$BP_KAFKA_DIR/kafka.pid"
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c 'echo $$ >"$0/kafka.pid"; exec "$@"' "$BP_KAFKA_DIR" \
      java "${heap[@]}" "${jvm[@]}" -Dlog4j2.configurationFile="$BP_KAFKA_DIR/log4j2.properties" \
      -Dlog4j2.shutdownHookEnabled=false -Dkafka.logs.dir="$BP_KAFKA_DIR" \
      -cp "$BP_KAFKA_LIBS/*" kafka.Kafka "$BP_KAFKA_DIR/server.properties" \
      </dev/null >"$BP_KAFKA_DIR/stdout.log" 2>&1 &
    BP_KAFKA_LAUNCHER=$!
    BP_KAFKA_PID=
    for ((i = 0; i < 50; i++)); do
      [ -s "$BP_KAFKA_DIR/kafka.pid" ] && BP_KAFKA_PID=$(cat "$BP_KAFKA_DIR/kafka.pid") && break
      sleep 0.1
    done
    [ -n "$BP_KAFKA_PID" ] || die "kafka: the JVM did not start (no pid file)"
    export BP_KAFKA_PID BP_KAFKA_LAUNCHER

    for ((i = 0; i < secs * 5; i++)); do
      _bp_kafka_alive "$BP_KAFKA_PID" || break
      if grep -q 'Kafka Server started' "$BP_KAFKA_DIR/server.log" 2>/dev/null \
        && _bp_kafka_port_open "$port"; then
        ready=1
        break
      fi
      sleep 0.2
    done
    [ "$ready" = 1 ] && break
    if _bp_kafka_alive "$BP_KAFKA_PID"; then # not ready in time: not a port clash
      {
        echo "--- server.log (last 40 lines)"
        tail -n 40 "$BP_KAFKA_DIR/server.log" 2>/dev/null || true
        echo "--- stdout.log (last 20 lines)"
        tail -n 20 "$BP_KAFKA_DIR/stdout.log" 2>/dev/null || true
      } >&2
      kafka_stop
      die "kafka: not ready within ${secs}s"
    fi
    wait "$BP_KAFKA_LAUNCHER" 2>/dev/null || true
    if grep -qs -e 'Address already in use' -e BindException "$BP_KAFKA_DIR/server.log" "$BP_KAFKA_DIR/stdout.log"; then
      warn "kafka: port $port or $cport was taken (try $try)"
      continue
    fi
    {
      echo "--- server.log (last 40 lines)"
      tail -n 40 "$BP_KAFKA_DIR/server.log" 2>/dev/null || true
      echo "--- stdout.log (last 20 lines)"
      tail -n 20 "$BP_KAFKA_DIR/stdout.log" 2>/dev/null || true
    } >&2
    die "kafka: the broker exited during startup (its logs above)"
  done
  [ "$ready" = 1 ] || die "kafka: did not start after 3 tries (ports kept being taken)"
  BP_KAFKA_PORT=$port
  export BP_KAFKA_PORT
  export KAFKA_BROKERS=127.0.0.1:$port
  log "kafka $BP_KAFKA_VERSION (KRaft, 1 node) on 127.0.0.1:$port, controller :$cport, pid $BP_KAFKA_PID (data in $BP_KAFKA_DIR)"
}

# kafka_stop — SIGTERM (a clean controlled shutdown), SIGKILL after BP_KAFKA_STOP_TIMEOUT (20 s);
# removes the data dir unless BP_KAFKA_KEEP=1. Safe to call twice or after a failed start.
kafka_stop() {
  local pid=${BP_KAFKA_PID:-} dir=${BP_KAFKA_DIR:-} secs=${BP_KAFKA_STOP_TIMEOUT:-20} i
  # Only our JVM: a stale pid may have been reused by now.
  if [ -n "$pid" ] && [ -n "$dir" ] && _bp_kafka_alive "$pid" \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir/server.properties"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
      _bp_kafka_alive "$pid" || break
      sleep 0.1
    done
    if _bp_kafka_alive "$pid"; then
      warn "kafka: still running ${secs}s after SIGTERM; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  [ -z "${BP_KAFKA_LAUNCHER:-}" ] || wait "$BP_KAFKA_LAUNCHER" 2>/dev/null || true
  BP_KAFKA_PID=
  BP_KAFKA_LAUNCHER=
  if [ -n "$dir" ] && [ -d "$dir" ]; then
    if [ "${BP_KAFKA_KEEP:-0}" = 1 ]; then
      log "kafka: data and logs kept in $dir"
    else
      rm -rf "$dir"
    fi
  fi
  BP_KAFKA_DIR=
}

# Executed (not sourced): start, then run the command or wait.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  _bp_sleeper=
  trap 'kafka_stop; [ -z "$_bp_sleeper" ] || kill "$_bp_sleeper" 2>/dev/null || true' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  kafka_start
  if [ "$#" -gt 0 ]; then
    set +e
    "$@"
    rc=$?
    set -e
    exit "$rc"
  fi
  echo "export KAFKA_BROKERS='$KAFKA_BROKERS'"
  echo "# running; Ctrl-C (or SIGTERM) stops the broker and removes $BP_KAFKA_DIR" >&2
  while true; do
    sleep 3600 &
    _bp_sleeper=$!
    wait "$_bp_sleeper" || true
  done
fi
