#!/usr/bin/env python3
"""Graceful-shutdown check: SIGTERM while requests are in flight.

Starts the server command given after `--` (its environment must make it listen on --addr), waits
for /healthz, then:

  1. opens --inflight raw sockets and on each sends the complete headers of a POST with a
     Content-Length, but only half of the body, so every request is inside a handler that is
     blocked reading its body;
  2. sends SIGTERM to the server;
  3. polls /readyz on new connections during the drain delay: it must answer 503 (when nothing
     answers at all, the drain is reported as not observable);
  4. after the drain delay (the server is now in Shutdown), sends the rest of every body;
  5. every in-flight request must receive a complete HTTP response (any status: the app decides),
     not a reset or a truncated one;
  6. the server must exit with code 0 within --exit-timeout seconds.

Standard library only. Every wait is bounded; the server is killed on any way out.
Exit code 0 when every check passed, 1 otherwise.

  sigterm_check.py --addr 127.0.0.1:8080 [--post-path /api/v1/orders] [--drain-delay 0.5] -- ./api
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

CRLF = b"\r\n"
# BP_AUTHORIZATION: the Authorization header of a service that requires one (the POSTs carry it).
AUTH = f"Authorization: {os.environ['BP_AUTHORIZATION']}\r\n" if os.environ.get("BP_AUTHORIZATION") else ""


def log(msg: str) -> None:
    print(f"sigterm-check: {msg}", file=sys.stderr, flush=True)


def http_get(host: str, port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes] | None:
    """A plain GET on a new connection; (status, body), or None when nothing answered."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            resp = read_response(s, time.monotonic() + timeout)
            return resp[0], resp[2]
    except (OSError, ValueError):
        return None


def read_response(s: socket.socket, deadline: float) -> tuple[int, dict[str, str], bytes]:
    """Reads one complete HTTP/1.x response; raises ValueError when it is incomplete."""
    buf = bytearray()

    def fill() -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ValueError("timed out waiting for the response")
        s.settimeout(remaining)
        chunk = s.recv(65536)
        if not chunk:
            return False
        buf.extend(chunk)
        return True

    while b"\r\n\r\n" not in buf:
        if not fill():
            raise ValueError(f"connection closed before the end of the headers ({len(buf)} bytes)")
    head, _, rest = bytes(buf).partition(b"\r\n\r\n")
    lines = head.split(CRLF)
    m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise ValueError(f"not an HTTP status line: {lines[0][:80]!r}")
    status = int(m.group(1))
    headers: dict[str, str] = {}
    for line in lines[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        headers[k.strip().lower()] = v.strip()
    buf[:] = rest

    if status in (204, 304) or 100 <= status < 200:
        return status, headers, b""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            while CRLF not in buf:
                if not fill():
                    raise ValueError("connection closed inside a chunked body")
            size_line, _, _ = bytes(buf).partition(CRLF)
            size = int(size_line.split(b";")[0], 16)
            need = len(size_line) + 2 + size + 2
            while len(buf) < need:
                if not fill():
                    raise ValueError("connection closed inside a chunk")
            body.extend(buf[len(size_line) + 2 : len(size_line) + 2 + size])
            del buf[:need]
            if size == 0:
                return status, headers, bytes(body)
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(buf) < n:
            if not fill():
                raise ValueError(f"connection closed after {len(buf)} of {n} body bytes")
        return status, headers, bytes(buf[:n])
    while fill():  # no length: the body ends at EOF
        pass
    return status, headers, bytes(buf)


def discover_post_path(host: str, port: int) -> str | None:
    """The first collection path with a POST operation in the served OpenAPI document."""
    got = http_get(host, port, "/openapi.yaml", timeout=5)
    if not got or got[0] != 200:
        return None
    text = got[1].decode("utf-8", "replace")
    m = re.search(r"^paths:\s*$", text, re.M)
    if not m:
        return None
    current = None
    paths, posts = [], []
    for line in text[m.end() :].splitlines():
        if line and not line.startswith(" ") and not line.startswith("#"):
            break  # next top-level key
        pm = re.match(r"^  (['\"]?)(/[^'\"]*)\1:\s*$", line)
        if pm:
            current = pm.group(2)
            paths.append(current)
            continue
        if current and "{" not in current and re.match(r"^    post:", line):
            posts.append(current)
    # A create, not a bulk endpoint below a collection (/import).
    for p in posts:
        if not any(p.startswith(other + "/") for other in paths):
            return p
    return None



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--addr", required=True, help="host:port the server listens on")
    ap.add_argument("--post-path", help="POST endpoint (default: first collection POST in /openapi.yaml)")
    ap.add_argument("--fallback-post-path", help="POST endpoint to use when /openapi.yaml names none")
    ap.add_argument("--body", default='{"sigterm_check_unknown_field": "in flight while the server drains"}')
    ap.add_argument("--inflight", type=int, default=6, help="in-flight POSTs held open across SIGTERM")
    ap.add_argument("--drain-delay", type=float, default=0.5, help="the server's SHUTDOWN_DRAIN_DELAY, seconds")
    ap.add_argument("--hold", type=float, default=0.5, help="seconds past the drain delay before the bodies finish")
    ap.add_argument("--start-timeout", type=float, default=30)
    ap.add_argument("--exit-timeout", type=float, default=20)
    ap.add_argument("--log", help="file for the server's output (default: inherit)")
    ap.add_argument("--allow-no-readyz", action="store_true", help="don't fail when /readyz never answered 503")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- server command")
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("missing the server command after --")
    host, _, port_s = a.addr.rpartition(":")
    port = int(port_s)

    out = open(a.log, "ab") if a.log else None
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    failures: list[str] = []
    socks: list[socket.socket] = []
    try:
        deadline = time.monotonic() + a.start_timeout
        while True:
            got = http_get(host, port, "/healthz", timeout=1)
            if got and got[0] == 200:
                break
            if proc.poll() is not None:
                log(f"FAIL: server exited with {proc.returncode} before /healthz answered")
                return 1
            if time.monotonic() > deadline:
                log(f"FAIL: /healthz did not answer 200 within {a.start_timeout}s")
                return 1
            time.sleep(0.1)
        ready = http_get(host, port, "/readyz")
        if not ready or ready[0] != 200:
            failures.append(f"/readyz before SIGTERM: {ready[0] if ready else 'no answer'} (want 200)")

        path = a.post_path or discover_post_path(host, port)
        if not path and a.fallback_post_path:
            log(f"no collection POST found in /openapi.yaml; using {a.fallback_post_path}")
            path = a.fallback_post_path
        if not path:
            log("FAIL: no POST collection path in /openapi.yaml; pass --post-path")
            return 1
        body = a.body.encode()
        half = max(1, len(body) // 2)
        log(f"{a.inflight} in-flight POST {path} (Content-Length {len(body)}, {half} bytes sent before SIGTERM)")
        for _ in range(a.inflight):
            s = socket.create_connection((host, port), timeout=5)
            s.sendall(
                (
                    f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n{AUTH}"
                    f"Accept: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
                + body[:half]
            )
            socks.append(s)
        time.sleep(0.3)  # let the server read the headers and enter the handlers

        # Responses are read concurrently so that an early answer (or reset) is seen as it happens.
        results: list[object] = [None] * len(socks)
        t_sig = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        log("SIGTERM sent")

        statuses: list[str] = []
        while time.monotonic() - t_sig < a.drain_delay * 0.8:
            got = http_get(host, port, "/readyz", timeout=0.5)
            statuses.append(str(got[0]) if got else "none")
            if got and got[0] == 503:
                break
            time.sleep(0.05)
        if "503" in statuses:
            log(f"/readyz during drain: {' '.join(statuses)} (503 seen)")
        elif any(st.isdigit() for st in statuses):
            failures.append(f"/readyz during the drain delay answered {' '.join(statuses)}, never 503")
        elif a.allow_no_readyz:
            log(f"/readyz during drain: not observable ({' '.join(statuses) or 'no polls'})")
        else:
            failures.append(f"/readyz during drain not observable ({' '.join(statuses) or 'no polls'}): "
                            "no drain delay before Shutdown?")

        wait_until = t_sig + a.drain_delay + a.hold
        while time.monotonic() < wait_until:
            time.sleep(0.02)
        if proc.poll() is not None:
            failures.append(f"server exited ({proc.returncode}) before the in-flight requests finished")
        for i, s in enumerate(socks):
            try:
                s.sendall(body[half:])
            except OSError as e:
                results[i] = f"could not finish the body: {e}"

        def reader(i: int, s: socket.socket) -> None:
            if results[i] is not None:
                return
            try:
                st, _, rb = read_response(s, time.monotonic() + 10)
                results[i] = (st, rb[:120])
            except (OSError, ValueError) as e:
                results[i] = f"{type(e).__name__}: {e}"

        threads = [threading.Thread(target=reader, args=(i, s), daemon=True) for i, s in enumerate(socks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(12)
        ok = 0
        for i, r in enumerate(results):
            if isinstance(r, tuple):
                ok += 1
            else:
                failures.append(f"in-flight request {i}: {r or 'no result'}")
        codes = sorted({r[0] for r in results if isinstance(r, tuple)})
        log(f"in-flight requests completed: {ok}/{len(socks)} (statuses {codes})")

        try:
            rc = proc.wait(timeout=max(0.1, a.exit_timeout - (time.monotonic() - t_sig)))
            log(f"server exited with {rc} {time.monotonic() - t_sig:.2f}s after SIGTERM")
            if rc != 0:
                failures.append(f"exit code {rc}, want 0")
        except subprocess.TimeoutExpired:
            failures.append(f"server still running {a.exit_timeout}s after SIGTERM")
    finally:
        for s in socks:
            s.close()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait(timeout=10)
        if out:
            out.close()

    for f in failures:
        log(f"FAIL: {f}")
    if failures:
        return 1
    log("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
