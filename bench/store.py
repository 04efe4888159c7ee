#!/usr/bin/env python3
"""What the store costs, measured on the packaged jar (Python stdlib only).

  overhead   The 100,000 no-op scenario (bench scenario a: 100,000 tasks x sleep 0 on
             virtual threads) on this jar and on a baseline jar without the store (the
             commit before it), both running, rounds interleaved and alternating who goes
             first. Per jar: median wall (the scenario's figure) and median POST round trip
             (what a client waits for); ratios this ÷ baseline. Also this jar's store write
             per experiment (lab.store.writes) ÷ the wall.
  million    One 1,000,000-task no-op experiment: bytes a task of its stored task log and
             the time to write it (lab.store.log.bytes, lab.store.writes).
  startup    Start-up ("Started ... in X seconds", and to /actuator/health/readiness UP) with
             an empty store and with 200 stored experiments, restarts interleaved.

    git worktree add /tmp/lab-base f9db627 && (cd /tmp/lab-base && ./mvnw -q -DskipTests package)
    python3 bench/store.py --baseline-jar /tmp/lab-base/target/concurrency-lab-0.1.0-SNAPSHOT.jar

Each jar gets a data folder of its own under a temporary folder, deleted at the end.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
JAR = os.path.join(ROOT, "target", "concurrency-lab-0.1.0-SNAPSHOT.jar")
NOOP = {"mode": "virtual-threads", "workload": {"type": "sleep", "millis": 0}, "tasks": 100000, "label": "store a"}


def call(port, method, path, body=None, timeout=900):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        return resp.status, (json.loads(text) if text.startswith(("{", "[")) else text)
    finally:
        conn.close()


def metric(port, name):
    status, text = call(port, "GET", "/actuator/prometheus")
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:

    def __init__(self, jar, folder, name):
        self.jar, self.folder, self.name = jar, folder, name
        self.port, self.process, self.log = None, None, None
        os.makedirs(folder, exist_ok=True)

    def start(self):
        self.port = free_port()
        self.log = os.path.join(self.folder, "service.log")
        begun = time.monotonic()
        self.process = subprocess.Popen(
            [JAVA, "-jar", self.jar, f"--server.port={self.port}", "--server.address=127.0.0.1",
             "--lab.retained-experiments=200"],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT, cwd=self.folder, start_new_session=True)
        while time.monotonic() - begun < 120:
            try:
                if call(self.port, "GET", "/actuator/health", timeout=2)[0] == 200:
                    ready = time.monotonic() - begun
                    started = re.search(r"Started \w+ in ([\d.]+) seconds", open(self.log).read())
                    return ready, float(started.group(1)) if started else None
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start; see {self.log}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)


def noop(service, store_metrics):
    """One run, measured the same way on either jar: a scrape, a pause, the POST, a pause
    (the write lands after the answer), a scrape; the pauses let what the scrape started
    settle (an A/A run of one jar against itself, with a scrape on one side only, read
    1.15)."""
    before = metric(service.port, "lab_store_writes_seconds_sum")
    time.sleep(0.3)
    begun = time.monotonic()
    status, body = call(service.port, "POST", "/experiments?waitMillis=600000", NOOP)
    trip = (time.monotonic() - begun) * 1000
    assert status == 201 and body["status"] == "SUCCEEDED", body
    time.sleep(0.3)
    after = metric(service.port, "lab_store_writes_seconds_sum")
    write = (after - before) * 1000 if store_metrics else None
    return body["summary"]["wallMillis"], trip, write


def overhead(this, base, rounds, pairs):
    print(f"\n[overhead] 100,000 x sleep 0 on virtual-threads: {pairs} pairs of fresh JVMs, {rounds} rounds each "
          f"interleaved (3 warm-up each)")
    med = statistics.median
    wall_ratios, trip_ratios, writes, pair_medians = [], [], [], []
    for pair in range(pairs):
        # A JVM's speed at this scenario differs from the next JVM's by up to 40 % for the
        # whole of its life (JIT, memory layout): one pair of JVMs is one sample.
        first, second = (this, base) if pair % 2 == 0 else (base, this)
        first.start()
        second.start()
        try:
            for _ in range(3):
                noop(this, True)
                noop(base, False)
            walls = {"this": [], "base": []}
            trips = {"this": [], "base": []}
            for r in range(rounds):
                order = [("this", this), ("base", base)] if r % 2 == 0 else [("base", base), ("this", this)]
                for name, service in order:
                    wall, trip, write = noop(service, name == "this")
                    walls[name].append(wall)
                    trips[name].append(trip)
                    if write is not None:
                        writes.append((write, wall))
        finally:
            this.stop()
            base.stop()
        pair_wall = [t / b for t, b in zip(walls["this"], walls["base"])]
        pair_trip = [t / b for t, b in zip(trips["this"], trips["base"])]
        wall_ratios += pair_wall
        trip_ratios += pair_trip
        pair_medians.append(med(pair_wall))
        print(f"  pair {pair + 1}: wall this {med(walls['this']):.1f} ms, baseline {med(walls['base']):.1f} ms, "
              f"paired ratio {med(pair_wall):.3f}; round trip ratio {med(pair_trip):.3f}")
    print(f"  wall         paired ratio, all rounds: median {med(wall_ratios):.3f}; "
          f"per pair of JVMs: {', '.join(f'{m:.3f}' for m in pair_medians)}")
    print(f"  round trip   paired ratio, all rounds: median {med(trip_ratios):.3f}")
    print(f"  store write  median {med([w for w, _ in writes]):.1f} ms = "
          f"{med([w / wall for w, wall in writes]):.3f} x the wall (after the answer)")


def million(this):
    print("\n[million] 1,000,000 x sleep 0 on virtual-threads")
    for attempt in range(2):
        bytes_before = metric(this.port, "lab_store_log_bytes_sum")
        writes_before = metric(this.port, "lab_store_writes_seconds_sum")
        status, body = call(this.port, "POST", "/experiments?waitMillis=600000",
                            {**NOOP, "tasks": 1000000, "label": "store million"})
        assert status == 201, body
        deadline = time.monotonic() + 30
        while metric(this.port, "lab_store_writes_seconds_sum") == writes_before and time.monotonic() < deadline:
            time.sleep(0.05)
        stored = metric(this.port, "lab_store_log_bytes_sum") - bytes_before
        written = (metric(this.port, "lab_store_writes_seconds_sum") - writes_before) * 1000
        print(f"  run {attempt + 1}: wall {body['summary']['wallMillis']:.0f} ms; task log {stored / 1e6:.2f} MB = "
              f"{stored / 1e6:.2f} bytes a task; write {written:.0f} ms")


def startup(jar, folder, rounds):
    print(f"\n[startup] empty store vs 200 stored experiments, {rounds} restarts each, interleaved")
    empty = Service(jar, os.path.join(folder, "empty"), "empty")
    full = Service(jar, os.path.join(folder, "full"), "full")
    full.start()
    for i in range(200):
        status, _ = call(full.port, "POST", "/experiments",
                         {"mode": "platform-threads", "workload": {"type": "sleep", "millis": 1}, "tasks": 200,
                          "concurrency": 20, "label": f"stored {i}"})
        assert status == 201
    full.stop()
    results = {"empty": [], "full": []}
    for r in range(rounds):
        for name, service in ([("empty", empty), ("full", full)] if r % 2 == 0 else [("full", full), ("empty", empty)]):
            if name == "empty":
                shutil.rmtree(os.path.join(service.folder, "data"), ignore_errors=True)
            ready, started = service.start()
            if name == "full":
                status, listed = call(service.port, "GET", "/experiments?size=1")
                assert listed["total"] == 200, listed["total"]
            service.stop()
            results[name].append((ready, started))
    med = statistics.median
    for name in ("empty", "full"):
        print(f"  {name:5}  to healthy {med([r for r, _ in results[name]]):.2f} s, "
              f"Spring 'Started in' {med([s for _, s in results[name]]):.2f} s")
    print(f"  ratio (200 stored ÷ empty) to healthy "
          f"{med([r for r, _ in results['full']]) / med([r for r, _ in results['empty']]):.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default=JAR)
    parser.add_argument("--baseline-jar", help="the jar of the commit before the store; skips overhead if absent")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=4, help="pairs of fresh JVMs for overhead")
    parser.add_argument("--only", default="overhead,million,startup")
    args = parser.parse_args()
    only = set(args.only.split(","))
    folder = tempfile.mkdtemp(prefix="lab-store-bench-")
    this = Service(args.jar, os.path.join(folder, "this"), "this")
    base = Service(args.baseline_jar, os.path.join(folder, "base"), "baseline") if args.baseline_jar else None
    print(f"machine: {os.cpu_count()} cores; jar {args.jar}")
    try:
        if "overhead" in only and base:
            overhead(this, base, args.rounds, args.pairs)
        if "million" in only:
            this.start()
            million(this)
            this.stop()
        if "startup" in only:
            startup(args.jar, folder, max(3, args.rounds // 2))
    finally:
        this.stop()
        if base:
            base.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
