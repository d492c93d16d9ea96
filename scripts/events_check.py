#!/usr/bin/env python3
"""Delivery check of the events capability (issue 10) against real PostgreSQL, Redis and Kafka.

Runs the generated API and two workers (relay + consumers), drives orders through their
lifecycle (create, pay, ship: three events each) and, while that runs, SIGKILLs one worker,
then the other (each is started again, as an orchestrator would), and restarts the broker.
Then it waits for the outbox to drain and the consumers to catch up, and checks:

  - every committed event is on the broker, in order per aggregate, duplicates only from
    re-publication (scripts/events-verify);
  - the consumer's effect (the user's reaction in order_item_on_order.go, which the caller
    edited to insert a row per event) was applied exactly once per order event;
  - each worker's outbox_relay_lag_seconds is back to 0.

Prints `events: delivery: PASS|FAIL (figures)`; exit 0 on PASS. Standard library only; the
broker restart reuses the broker's own command line (scripts/kafka.sh started it).

  events_check.py --api BIN --worker BIN --verify BIN --kafka-dir DIR --psql "psql URL" \\
      [--orders 350] [--threads 4] [--rate 100] [--consumer NAME] [--faults all|none] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_check import HOST, Instance, free_port, request  # noqa: E402


def log(msg: str) -> None:
    print(f"events-check: {msg}", file=sys.stderr, flush=True)


def terminate(proc: subprocess.Popen | None, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL after timeout seconds."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Worker:
    """A worker process with its own metrics port."""

    def __init__(self, binary: str, name: str):
        self.binary, self.name = binary, name
        self.port = free_port()
        self.logfile = open(f"{os.environ.get('TMPDIR', '/tmp')}/events-{name}-{os.getpid()}.log", "ab")
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        env = dict(os.environ, METRICS_ADDR=f"{HOST}:{self.port}", LOG_LEVEL="info")
        self.proc = subprocess.Popen([self.binary], env=env, stdout=self.logfile, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self) -> None:
        terminate(self.proc)

    def metric(self, name: str) -> float | None:
        try:
            status, _, body = request(self.port, "GET", "/metrics", timeout=2)
        except OSError:
            return None
        if status != 200:
            return None
        for line in body.decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None


class Broker:
    """Restarts the test broker in place: same command line, same data directory."""

    def __init__(self, kafka_dir: str):
        self.dir = kafka_dir
        self.proc: subprocess.Popen | None = None

    def restart(self) -> float:
        pid = int(open(os.path.join(self.dir, "kafka.pid")).read().strip())
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = [a.decode() for a in f.read().split(b"\0") if a]
        port = None
        with open(os.path.join(self.dir, "server.properties")) as f:
            for line in f:
                if line.startswith("listeners="):
                    port = int(line.split("PLAINTEXT://127.0.0.1:")[1].split(",")[0])
        t0 = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        while os.path.exists(f"/proc/{pid}") and time.monotonic() - t0 < 30:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().split(") ")[1].startswith("Z"):
                        break
            except OSError:
                break
            time.sleep(0.1)
        out = open(os.path.join(self.dir, "stdout-restart.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        with open(os.path.join(self.dir, "kafka.pid"), "w") as f:
            f.write(str(self.proc.pid))
        while time.monotonic() - t0 < 90:
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    return time.monotonic() - t0
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the broker did not come back within 90 s")

    def stop(self) -> None:
        terminate(self.proc)


def psql(cmd: str, sql: str) -> str:
    return subprocess.run(cmd.split() + ["-XAtqc", sql], check=True, capture_output=True, text=True).stdout.strip()


class Load:
    """Threads creating orders and moving each through pay and ship."""

    def __init__(self, port: int, customer: str, orders: int, threads: int, rate: float):
        self.port, self.customer, self.orders, self.threads = port, customer, orders, threads
        self.rate = rate
        self.t0 = time.monotonic()
        self.calls = 0
        self.lock = threading.Lock()
        self.started = 0
        self.events = 0
        self.errors: list[str] = []

    def progress(self) -> float:
        with self.lock:
            return self.events / (3 * self.orders)

    def run(self) -> list[threading.Thread]:
        ts = [threading.Thread(target=self._loop, daemon=True) for _ in range(self.threads)]
        for t in ts:
            t.start()
        return ts

    def _call(self, method: str, path: str, body: dict | None) -> dict | None:
        # Paced to `rate` requests a second, so that the faults land in the middle of it.
        with self.lock:
            due = self.t0 + self.calls / self.rate
            self.calls += 1
        time.sleep(max(0.0, due - time.monotonic()))
        # A 503 (PostgreSQL busy) is retried; the API is not what this check breaks.
        for _ in range(20):
            try:
                status, _, data = request(self.port, method, path, json.dumps(body) if body is not None else None, timeout=10)
            except OSError as e:
                with self.lock:
                    self.errors.append(f"{method} {path}: {e}")
                return None
            if status in (200, 201):
                with self.lock:
                    self.events += 1
                return json.loads(data)
            if status != 503:
                with self.lock:
                    self.errors.append(f"{method} {path}: {status} {data[:200]!r}")
                return None
            time.sleep(0.2)
        return None

    def _loop(self) -> None:
        while True:
            with self.lock:
                if self.started >= self.orders or len(self.errors) > 10:
                    return
                self.started += 1
            o = self._call("POST", "/api/v1/orders", {
                "tenant_id": str(uuid.uuid4()), "customer_id": self.customer, "total": 1999,
                "placed_at": "2026-12-02T10:00:00Z"})
            if o is None:
                continue
            for action in ("pay", "ship"):
                if self._call("POST", f"/api/v1/orders/{o['id']}/{action}", {}) is None:
                    break


def lag_figures(psql_cmd: str) -> dict[str, float]:
    """Commit-to-acknowledgement delay of every published event (occurred_at → published_at)."""
    row = psql(psql_cmd, "SELECT round(1000 * extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY published_at - occurred_at))), "
                         "round(1000 * extract(epoch FROM percentile_cont(0.99) WITHIN GROUP (ORDER BY published_at - occurred_at))), "
                         "round(1000 * extract(epoch FROM max(published_at - occurred_at))) FROM outbox WHERE published_at IS NOT NULL")
    p50, p99, top = (float(x or 0) for x in row.split("|"))
    return {"lag_p50_ms": p50, "lag_p99_ms": p99, "lag_max_ms": top}


def throughput(args: argparse.Namespace) -> int:
    """Relay throughput: N rows already in the outbox (1,000 aggregates), W workers start, the
    time from the first to the last acknowledgement."""
    n = args.throughput
    psql(args.psql, f"""INSERT INTO outbox (id, lane, topic, event_type, schema_version, aggregate_type, aggregate_id,
        aggregate_version, occurred_at, payload)
      SELECT gen_random_uuid(), get_byte(uuid_send(a), 15) % 16, '{args.topic}', 'order.updated', 1, 'order', a, v, now(),
        jsonb_build_object('id', gen_random_uuid(), 'type', 'order.updated', 'schema_version', 1,
          'aggregate_type', 'order', 'aggregate_id', a, 'aggregate_version', v, 'occurred_at', now(),
          'data', jsonb_build_object('note', repeat('x', 200), 'total', v))
      FROM generate_series(1, {n}) AS i, LATERAL (SELECT md5((i % 1000)::text)::uuid AS a, i / 1000 + 1 AS v) AS x""")
    workers = [Worker(args.worker, f"relay-{i}") for i in range(args.workers)]
    t0 = time.monotonic()
    try:
        for w in workers:
            w.start()
        while time.monotonic() - t0 < 300:
            if int(psql(args.psql, "SELECT count(*) FROM outbox WHERE published_at IS NULL")) == 0:
                break
            time.sleep(0.2)
        else:
            print(f"events: throughput: FAIL (not drained in 300 s)", flush=True)
            return 1
    finally:
        for w in workers:
            w.stop()
    secs = float(psql(args.psql, "SELECT extract(epoch FROM max(published_at) - min(published_at)) FROM outbox"))
    rate = n / secs if secs > 0 else 0
    print(f"events: throughput: PASS (events {n}, workers {args.workers}, seconds {secs:.2f}, per_second {rate:.0f})", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True)
    ap.add_argument("--worker", required=True)
    ap.add_argument("--verify", required=True)
    ap.add_argument("--kafka-dir", required=True)
    ap.add_argument("--psql", required=True, help="psql command with the database URL")
    ap.add_argument("--orders", type=int, default=350)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rate", type=float, default=100.0, help="requests (so events) a second")
    ap.add_argument("--faults", choices=["all", "none"], default="all",
                    help="none: no kill and no broker restart (a latency benchmark)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--throughput", type=int, default=0, help="N: measure the relay on N rows put in the outbox")
    ap.add_argument("--topic", default="", help="with --throughput: a topic of the service")
    ap.add_argument("--consumer", default="", help="consumer whose effects are counted (its processed_events name)")
    args = ap.parse_args()
    if args.throughput:
        return throughput(args)

    api = Instance([args.api], {}, "api")
    workers = [Worker(args.worker, f"worker-{chr(ord('a') + i)}") for i in range(args.workers)]
    broker = Broker(args.kafka_dir)
    figures: dict[str, object] = {}
    problems: list[str] = []
    try:
        api.wait_up()
        for w in workers:
            w.start()
        # The load starts once every worker relays (topics created, lanes taken), so that the
        # delay figures measure the relay, not the workers' start.
        t_ready = time.monotonic()
        while not all((w.metric("outbox_relay_lanes") or 0) > 0 for w in workers):
            if time.monotonic() - t_ready > 60:
                raise RuntimeError("the workers did not start relaying within 60 s")
            time.sleep(0.1)
        figures["workers_ready_s"] = round(time.monotonic() - t_ready, 1)
        status, _, data = request(api.port, "POST", "/api/v1/customers",
                                  json.dumps({"email": "events@example.com", "full_name": "Events Check"}))
        if status != 201:
            raise RuntimeError(f"create customer: {status} {data[:300]!r}")
        customer = json.loads(data)["id"]
        load = Load(api.port, customer, args.orders, args.threads, args.rate)
        t0 = time.monotonic()
        threads = load.run()
        # The faults, at fixed points of the load.
        plan = [(0.2, "kill worker-a"), (0.45, "kill worker-b"), (0.65, "restart broker")] if args.faults == "all" else []
        for at, what in plan:
            while load.progress() < at and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            if what.startswith("kill"):
                w = workers[0] if what.endswith("-a") else workers[1]
                w.kill()
                log(f"{what} at {load.progress():.0%} of the load")
                time.sleep(0.5)
                w.start()
            else:
                at_progress = load.progress()
                took = broker.restart()
                figures["broker_restart_s"] = round(took, 1)
                log(f"broker restarted at {at_progress:.0%} of the load in {took:.1f} s")
        for t in threads:
            t.join(timeout=300)
        figures["load_s"] = round(time.monotonic() - t0, 1)
        figures["requests_ok"] = load.events
        if load.errors:
            problems.append(f"{len(load.errors)} load errors, first: {load.errors[0]}")

        # Drain: the outbox empties, the consumer catches up, the lag gauges return to 0.
        t1 = time.monotonic()
        committed = int(psql(args.psql, "SELECT count(*) FROM outbox"))
        order_events = int(psql(args.psql, "SELECT count(*) FROM outbox WHERE aggregate_type = 'order'"))
        while time.monotonic() - t1 < 180:
            unpublished = int(psql(args.psql, "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
            processed = int(psql(args.psql, f"SELECT count(*) FROM processed_events WHERE consumer = '{args.consumer}'")) if args.consumer else order_events
            lags = [w.metric("outbox_relay_lag_seconds") for w in workers]
            if unpublished == 0 and processed >= order_events and all(lag == 0 for lag in lags):
                break
            time.sleep(0.5)
        figures["drain_s"] = round(time.monotonic() - t1, 1)
        figures.update(lag_figures(args.psql))
        figures["committed"] = committed
        if unpublished:
            problems.append(f"{unpublished} events still unpublished after 180 s")
        lags = [w.metric("outbox_relay_lag_seconds") for w in workers]
        if any(lag != 0 for lag in lags):
            problems.append(f"relay lag not back to 0: {lags}")

        v = subprocess.run([args.verify, "-timeout", "120s"], capture_output=True, text=True)
        try:
            report = json.loads(v.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            report = {}
            problems.append(f"events-verify: {v.stderr.strip()[-500:]}")
        for k in ("messages", "found", "missing", "duplicates", "out_of_order", "aggregates"):
            if k in report:
                figures[k] = report[k]
        problems.extend(report.get("problems", []))

        if args.consumer:
            effects, distinct = psql(args.psql, "SELECT count(*), count(DISTINCT event_id) FROM reaction_effects").split("|")
            missing = int(psql(args.psql, "SELECT count(*) FROM outbox o WHERE aggregate_type = 'order' AND NOT EXISTS (SELECT 1 FROM reaction_effects r WHERE r.event_id = o.id)"))
            figures["effects"] = int(effects)
            if int(effects) != int(distinct):
                problems.append(f"effects applied more than once: {effects} rows for {distinct} events")
            if missing:
                problems.append(f"{missing} order events have no effect")
        figures["worker_kills"] = sum(w.kills for w in workers)
    except Exception as e:  # noqa: BLE001  (any failure is the check's failure, with its reason)
        problems.append(f"{type(e).__name__}: {e}")
    finally:
        for w in workers:
            w.stop()
        api.stop()
        broker.stop()

    text = ", ".join(f"{k} {v}" for k, v in figures.items())
    if problems:
        print(f"events: delivery: FAIL ({text})", flush=True)
        for p in problems[:20]:
            print(f"  - {p}", flush=True)
        for w in workers:
            w.logfile.flush()
            print(f"  {w.name} log: {w.logfile.name}", flush=True)
        return 1
    print(f"events: delivery: PASS ({text})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
