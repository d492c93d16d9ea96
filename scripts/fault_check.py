#!/usr/bin/env python3
"""Fault checks of a generated service against real PostgreSQL and Redis (issue 9).

Runs the service binary given after `--` as up to two instances on loopback, and breaks its
dependencies on purpose. Each scenario prints one `fault: <name>: PASS|FAIL <figures>` line:

  postgres-down   load on a list endpoint; PostgreSQL stopped → only 503s, each with
                  Retry-After, the outage logged once; PostgreSQL started → 200s again without
                  a restart, its end logged once; the circuit breaker is open while it is
                  down (circuit_breaker_state 2) and closed after (0), each logged once.
  redis-down      Redis stopped under reads and writes → 0 5xx, /readyz 200 with
                  checks.redis "unavailable"; a second instance starts without Redis.
  sigterm         8 keep-alive clients looping (GET and POST) that behave like a load balancer
                  (no new connection once /readyz says 503); SIGTERM → 0 failed requests, exit 0.
  redis-pause     two instances with warm caches; CLIENT PAUSE 1500 WRITE, then a PATCH on one:
                  no stale read on the writer, none on either instance 2 s after the PATCH.

The dependency controls are shell commands (--pg-stop, --pg-start, --redis-stop, --redis-start,
--redis-cli). Standard library and PyYAML (through scripts/bench/post_body.py). Every wait is
bounded; instances are killed on any way out. Exit code 0 when every scenario passed.

  fault_check.py --pg-stop CMD --pg-start CMD --redis-stop CMD --redis-start CMD \\
      --redis-cli "redis-cli -p 6379" [--only NAME]... -- ./api
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import post_body  # noqa: E402  (find a create request the service accepts)

HOST = "127.0.0.1"


def log(msg: str) -> None:
    print(f"fault-check: {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Instance:
    """One running service process, its port and its log file."""

    def __init__(self, cmd: list[str], env: dict[str, str], name: str):
        self.port = free_port()
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"fault-{name}-", suffix=".log", delete=False)
        e = dict(os.environ, **env, HTTP_ADDR=f"{HOST}:{self.port}")
        self.proc = subprocess.Popen(cmd, env=e, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_up(self, timeout: float = 20.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.logs()[-2000:]}")
            try:
                if request(self.port, "GET", "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout}s")

    def logs(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def request(port: int, method: str, path: str, body: str | None = None, timeout: float = 5.0,
            conn: http.client.HTTPConnection | None = None) -> tuple[int, dict, bytes]:
    """One request; on a new connection unless conn is given. (status, headers, body)."""
    own = conn is None
    c = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        if own:
            c.close()


def breaker_state(port: int) -> float | None:
    """circuit_breaker_state{name="postgres"} from the instance's /metrics, or None."""
    status, _, body = request(port, "GET", "/metrics")
    if status != 200:
        return None
    for line in (body or b"").decode().splitlines():
        if line.startswith('circuit_breaker_state{name="postgres"}'):
            return float(line.split()[-1])
    return None


class Load:
    """Threads looping requests on keep-alive connections; counts answers by status."""

    def __init__(self, port: int, paths: list[tuple[str, str, str | None]], threads: int = 4):
        self.port, self.paths, self.threads = port, paths, threads
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.statuses: dict[int, int] = {}
            self.errors: list[str] = []
            self.missing_retry_after = 0

    def run(self) -> None:
        self.workers = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(self.threads)]
        for w in self.workers:
            w.start()

    def _loop(self, i: int) -> None:
        conn = None
        n = 0
        while not self.stop_flag.is_set():
            method, path, body = self.paths[(i + n) % len(self.paths)]
            n += 1
            if body is not None:
                body = body.replace(post_body.PLACEHOLDER, f"{i}x{n}x{time.monotonic_ns()}")
            try:
                conn = conn or http.client.HTTPConnection(HOST, self.port, timeout=10)
                status, headers, _ = request(self.port, method, path, body, conn=conn)
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 503 and "retry-after" not in headers:
                        self.missing_retry_after += 1
                if headers.get("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                with self.lock:
                    self.errors.append(f"{method} {path}: {e!r}")
                if conn:
                    conn.close()
                conn = None
                time.sleep(0.01)
        if conn:
            conn.close()

    def snapshot(self) -> tuple[dict[int, int], list[str], int]:
        with self.lock:
            return dict(self.statuses), list(self.errors), self.missing_retry_after

    def finish(self) -> None:
        self.stop_flag.set()
        for w in self.workers:
            w.join(timeout=15)


def sh(cmd: str) -> None:
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90)


class Checker:
    def __init__(self, args: argparse.Namespace):
        self.a = args
        self.failed: list[str] = []
        self.instances: list[Instance] = []

    def start(self, name: str, **env: str) -> Instance:
        inst = Instance(self.a.cmd, {"SHUTDOWN_DRAIN_DELAY": "1s", **env}, name)
        self.instances.append(inst)
        inst.wait_up()
        return inst

    def result(self, name: str, ok: bool, figures: str) -> None:
        print(f"fault: {name}: {'PASS' if ok else 'FAIL'} {figures}", flush=True)
        if not ok:
            self.failed.append(name)

    def cleanup(self) -> None:
        for inst in self.instances:
            if inst.proc.poll() is None:
                inst.proc.kill()
                inst.proc.wait()
            try:
                os.unlink(inst.log.name)
            except OSError:
                pass

    # -- scenarios -------------------------------------------------------------------------

    def postgres_down(self, probe: dict) -> None:
        """Also: the database's circuit breaker is open while it is down (fast 503s) and
        closed once it answers again."""
        inst = self.start("pg")
        list_path = probe["path"] + "?page_size=5"
        load = Load(inst.port, [("GET", list_path, None)], threads=4)
        load.run()
        time.sleep(1.5)
        before, before_err, _ = load.snapshot()
        sh(self.a.pg_stop)
        load.reset()  # from the moment PostgreSQL is down
        time.sleep(3)
        down, down_err, no_retry = load.snapshot()
        breaker_down = breaker_state(inst.port)
        load.reset()
        t0 = time.monotonic()
        sh(self.a.pg_start)
        recovered = None
        while time.monotonic() - t0 < 20:
            st, _ = load.snapshot()[0], None
            if st.get(200, 0) >= 20:
                recovered = time.monotonic() - t0
                break
            time.sleep(0.1)
        time.sleep(1.5)
        load.reset()
        time.sleep(1.5)
        after, after_err, _ = load.snapshot()
        breaker_after = breaker_state(inst.port)
        load.finish()
        logs = inst.logs()
        outage_lines = logs.count("postgres unavailable")
        back_lines = logs.count("postgres available again")
        bad_down = {s: n for s, n in down.items() if s not in (200, 503)}
        ok = (
            set(before) == {200} and not before_err
            and down.get(503, 0) > 0 and not bad_down and no_retry == 0 and not down_err
            and recovered is not None and set(after) == {200} and not after_err
            and outage_lines == 1 and back_lines == 1
            and breaker_down == 2 and breaker_after == 0
            and logs.count("circuit breaker open") == 1 and logs.count("circuit breaker closed") == 1
        )
        self.result("postgres-down", ok,
                    f"(healthy {before}; PostgreSQL stopped 3 s: {down}, {no_retry} 503 without Retry-After, "
                    f"{len(down_err)} connection errors; 200s again {recovered and round(recovered, 2)} s after the start command; "
                    f"then {after}; log lines: {outage_lines} outage, {back_lines} recovery; "
                    f"circuit_breaker_state (2 open, 0 closed): {breaker_down} while down, {breaker_after} after)")
        inst.stop()

    def redis_down(self, probe: dict) -> None:
        inst = self.start("redis")
        item = probe["item_path"]
        paths = [("GET", item, None), ("GET", probe["path"] + "?page_size=5", None),
                 ("POST", probe["path"], probe["template"])]
        load = Load(inst.port, paths, threads=4)
        load.run()
        time.sleep(1)
        sh(self.a.redis_stop)
        load.reset()
        time.sleep(3)
        down, down_err, _ = load.snapshot()
        status, _, body = request(inst.port, "GET", "/readyz")
        checks = json.loads(body or b"{}").get("checks", {}) if status == 200 else {}
        second_ok = True
        try:
            other = self.start("redis2")
            second_ok = request(other.port, "GET", "/readyz")[0] == 200 and request(other.port, "GET", item)[0] == 200
            other.stop()
        except RuntimeError as e:
            log(str(e))
            second_ok = False
        sh(self.a.redis_start)
        load.finish()
        five = sum(n for s, n in down.items() if s >= 500)
        ok = five == 0 and not down_err and status == 200 and checks.get("redis") == "unavailable" and second_ok
        self.result("redis-down", ok,
                    f"(Redis stopped 3 s: {down}, {five} 5xx, {len(down_err)} connection errors; /readyz {status} "
                    f"checks {checks}; a new instance started without Redis: {'yes' if second_ok else 'NO'})")
        inst.stop()

    def sigterm(self, probe: dict) -> None:
        inst = self.start("sigterm", SHUTDOWN_DRAIN_DELAY="1s")
        paths = [("GET", probe["path"] + "?page_size=5", None), ("POST", probe["path"], probe["template"])]
        not_ready = threading.Event()
        stop = threading.Event()

        def monitor() -> None:  # the load balancer's health check
            while not stop.is_set():
                try:
                    if request(inst.port, "GET", "/readyz", timeout=1)[0] == 503:
                        not_ready.set()
                        return
                except OSError:
                    not_ready.set()
                    return
                time.sleep(0.05)

        counts = {"ok": 0, "failed": 0}
        failures: list[str] = []
        lock = threading.Lock()

        def client(i: int) -> None:
            conn = None
            n = 0
            while not stop.is_set():
                if conn is None:
                    if not_ready.is_set():
                        return  # the balancer sends no new connection here
                    conn = http.client.HTTPConnection(HOST, inst.port, timeout=10)
                method, path, body = paths[(i + n) % len(paths)]
                n += 1
                if body is not None:
                    body = body.replace(post_body.PLACEHOLDER, f"s{i}x{n}x{time.monotonic_ns()}")
                try:
                    status, headers, _ = request(inst.port, method, path, body, conn=conn)
                    with lock:
                        if status < 500:
                            counts["ok"] += 1
                        else:
                            counts["failed"] += 1
                            failures.append(f"{method} {path}: {status}")
                    if headers.get("connection", "").lower() == "close":
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        counts["failed"] += 1
                        failures.append(f"{method} {path}: {e!r}")
                    conn.close()
                    conn = None

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(8)]
        mon = threading.Thread(target=monitor, daemon=True)
        mon.start()
        for t in threads:
            t.start()
        time.sleep(1.5)
        inst.proc.send_signal(signal.SIGTERM)
        try:
            code = inst.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        stop.set()
        for t in threads:
            t.join(timeout=15)
        ok = counts["failed"] == 0 and code == 0 and counts["ok"] > 0
        self.result("sigterm", ok,
                    f"(8 keep-alive clients: {counts['ok']} answered, {counts['failed']} failed"
                    f"{': ' + '; '.join(failures[:3]) if failures else ''}; exit code {code})")

    def redis_pause(self, probe: dict) -> None:
        a = self.start("pause-a")
        b = self.start("pause-b")
        token = f"p{time.monotonic_ns()}"
        body = probe["template"].replace(post_body.PLACEHOLDER, token)
        status, _, raw = request(a.port, "POST", probe["path"], body)
        if status != 201:
            self.result("redis-pause", False, f"(create answered {status}: {raw[:200]!r})")
            return
        created = json.loads(raw)
        item = f"{probe['path']}/{created['id']}"
        for inst in (a, b):  # warm both tiers of both instances
            for _ in range(3):
                request(inst.port, "GET", item)

        def version(inst: Instance) -> int:
            s, _, r = request(inst.port, "GET", item)
            return json.loads(r)["version"] if s == 200 else -s

        fields = json.loads(body)
        # change the free-text fields (those carrying the unique token): enums stay valid
        patch = {k: v + "-2" for k, v in fields.items() if isinstance(v, str) and token in v}
        patch["version"] = created["version"]
        sh(f"{self.a.redis_cli} CLIENT PAUSE 1500 WRITE")
        t_patch = time.monotonic()
        s, _, r = request(a.port, "PATCH", item, json.dumps(patch))
        patched = time.monotonic()
        if s != 200:
            self.result("redis-pause", False, f"(PATCH answered {s}: {r[:300]!r})")
            return
        want = json.loads(r)["version"]
        stale_writer = 0
        stale_late = 0
        reads = 0
        while time.monotonic() - patched < 3.0:
            late = time.monotonic() - patched >= 2.0
            for inst in (a, b):
                v = version(inst)
                reads += 1
                if v != want:
                    if inst is a:
                        stale_writer += 1
                    if late:
                        stale_late += 1
            time.sleep(0.02)
        ok = stale_writer == 0 and stale_late == 0
        self.result("redis-pause", ok,
                    f"(PATCH took {round(patched - t_patch, 2)} s under CLIENT PAUSE 1500 WRITE; {reads} reads over "
                    f"3 s: {stale_writer} stale on the writer, {stale_late} stale on either instance ≥ 2 s after)")

    def run(self) -> int:
        first = self.start("probe")
        probe = json.loads(self.probe(first.port))
        first.stop()
        scenarios = {
            "postgres-down": self.postgres_down,
            "redis-down": self.redis_down,
            "sigterm": self.sigterm,
            "redis-pause": self.redis_pause,
        }
        for name, fn in scenarios.items():
            if self.a.only and name not in self.a.only:
                continue
            try:
                fn(probe)
            except Exception as e:  # a scenario that crashes fails; the others still run
                self.result(name, False, f"(error: {e!r})")
            for inst in self.instances:
                if inst.proc.poll() is None:
                    inst.stop()
        return 1 if self.failed else 0

    @staticmethod
    def probe(port: int) -> str:
        out = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench",
                                                           "post_body.py"), f"http://{HOST}:{port}"],
                             check=True, capture_output=True, text=True, timeout=60)
        return out.stdout


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg-stop", required=True)
    p.add_argument("--pg-start", required=True)
    p.add_argument("--redis-stop", required=True)
    p.add_argument("--redis-start", required=True)
    p.add_argument("--redis-cli", required=True)
    p.add_argument("--only", action="append", default=[])
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd:
        p.error("the service command goes after --")
    c = Checker(a)
    try:
        return c.run()
    finally:
        c.cleanup()


if __name__ == "__main__":
    sys.exit(main())
