# shellcheck shell=bash
# Shared helpers for the harness scripts. Source it; it defines functions only.

# log MESSAGE... — a harness line on stderr, prefixed so it stands out in long CI logs.
log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# repo_root — the repository this script lives in.
repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# free_port — a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# as_root CMD... — run CMD as root (directly when we are root, else via sudo when present).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

_BP_APT_UPDATED=0
# apt_install PKG... — install Debian packages that are not installed yet (apt-get update once).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$_BP_APT_UPDATED" -eq 0 ]; then
    as_root timeout 600 apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null >&2
    _BP_APT_UPDATED=1
  fi
  as_root timeout 1200 apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends \
    "${missing[@]}" </dev/null >&2
}

# wait_http URL [SECONDS] — poll URL until it answers 2xx; bounded.
wait_http() {
  local url=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# http_status URL — print the HTTP status code of GET URL (000 when unreachable).
http_status() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$1" || true; }
