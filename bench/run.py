#!/usr/bin/env python3
"""Concurrency Lab benchmark harness (python3, standard library only).

Runs the scenarios of ../../shared/spec/PERFORMANCE.md against a running service
(or one it starts itself with --start), repeats each one, and reports every result as
a ratio measured in the same run: against the ideal, against `sequential`, against a
bare-JDK floor (bench/floor/Floor.java) and against the Python peers (asyncio,
threads). Prints a Markdown table and writes bench/results/<UTC timestamp>.md/.json.

Fairness: each round runs a scenario's modes (and floors, peers) in an order rotated by
the round number; a ratio of two figures is taken per round and a round in which either
side failed is dropped from it; every sample waits until no other experiment is RUNNING
or QUEUED in the service (--isolation-wait), and is not taken if one still is.

    python3 bench/run.py --start                 # start the service, run everything
    python3 bench/run.py --start --quick         # smoke run: small sizes, 1 repeat
    python3 bench/run.py --only b,f,g            # against a service already on :8080

Scenarios (letters for --only):
  a  harness overhead: 100,000 tasks x sleep 0 ms, virtual-threads     wall <= 1000 ms
  b  10,000 tasks x sleep 1 s, WAIT_MODES                              wall/ideal <= 1.10
  c  10,000 tasks x sleep 100 ms, platform-threads pool 200            wall/ideal <= 1.05
  d  1,000 tasks x http 100 ms, HTTP_MODES                             wall/ideal <= 1.50
  e  8 tasks x ~0.5 s of cpu, sequential + CPU_MODES                   vsSequential >= 0.92 x C
     (process-pool >= 0.85 x C, processes >= 0.75 x C, with their spawnMillis)
  f  bare-JDK floor for b (and c): plain Java, same waits              lab/floor <= 1.10
  g  Python peers for b: asyncio.gather and threads                    Java/Python (info)
  h  process spawn: processes, 20 tasks x sleep 0 ms, concurrency 1:
     per-task spawnMillis vs a bare `java -cp DIR Hello` start launched the same way
     (ProcessBuilder in a JVM, bench/floor/HelloLauncher.java), same rounds  spawn <= 1.0 x Hello
  i  process-pool round trip: 2,000 tasks x sleep 0 ms, concurrency 1:
     median task durationMillis (all timings, paged)                    <= 0.5 ms
  j  100,000 tasks x sleep 1 s, WAIT_MODES, with their floors and
     Python asyncio in the same rounds              wall/ideal <= 1.50; lab/floor <= 1.10
  k  1,000,000 tasks x sleep 1 s, WAIT_MODES, with their floors       lab/floor <= 1.20;
     the run's own peak heap (peak - heap in use after a GC before it) <= 1 GiB;
     heap retained per task after the run (GC'd) <= 64 bytes
  l  tiny POSTs (10 x sleep 0) under wrk, 64 connections, 30 s: no 5xx, p99 <= 50 ms;
     accepted experiments/s reported
  m  service time of one tiny experiment: HTTP round trip - summary.wallMillis  <= 1 ms
  n  start-up: packaged jar launch to /actuator/health UP, median of 5  <= 3000 ms
     (and the Dockerfile's layout: extracted, with its AOT cache; spring-boot:run, information)
  o  workers however the service was started: a second service from the packaged jar
     (java -jar) and from the Dockerfile's layout (extracted, AOT cache): processes
     spawnMillis vs bare Hello starts in the same rounds  spawn <= 1.0 x Hello;
     the five-process preset (5 x square and wait 1 s) in each  wall <= 1.2 s
  p  the open model: 1,000 arrivals/s of sleep 10 ms for 10 s on virtual threads:
     achieved >= 0.99 x the rate, p99 from arrival <= 20 ms; the same on a platform
     pool of 5 (500/s at most): its collapse shown (drops, latency growing with the backlog)

Every lab sample also records the service's peak heap in use while it runs (read every
--heap-interval s from its hsperfdata counters, or GET /actuator/metrics/jvm.memory.used
when the service is on another host): the "peak heap" column.

To add a mode, append it to WAIT_MODES / HTTP_MODES / CPU_MODES (and, for the CPU
scenario, give it a target in CPU_TARGETS; for the floor and the Python peer, map it
in FLOOR_FOR_MODE / PEER_FOR_MODE). Modes the service does not offer (GET /modes)
are reported as SKIP, so the lists may run ahead of the service.
"""
import argparse
import datetime as dt
import glob
import http.client
import importlib.util
import json
import mmap
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import zipfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
RESULTS_DIR = os.path.join(BENCH_DIR, "results")
FLOOR_SOURCE = os.path.join(BENCH_DIR, "floor", "Floor.java")
HELLO_LAUNCHER_SOURCE = os.path.join(BENCH_DIR, "floor", "HelloLauncher.java")
DEFAULT_JDK = "/usr/lib/jvm/temurin-25-jdk-amd64"

# ----------------------------------------------------------------- what to run
# Modes per scenario. Later modes (event-loop, gil-threads, processes, process-pool)
# only need to be listed here; until the service offers them they show as SKIP.
# Spring Boot's launcher of an extracted jar (the Dockerfile's ENTRYPOINT).
LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher"
WAIT_MODES = ["virtual-threads", "async", "reactive", "event-loop"]
HTTP_MODES = ["virtual-threads", "async"]
CPU_MODES = ["platform-threads", "fork-join", "virtual-threads", "async", "reactive",
             "process-pool", "processes", "gil-threads", "event-loop"]
# Modes that run tasks in other OS processes (their warm-up stays tiny).
PROCESS_MODES = {"processes", "process-pool"}
# Concurrency per CPU mode (None = the service's default). platform-threads gets 8
# so that all 8 tasks may run at once, as the brief asks.
CPU_CONCURRENCY = {"platform-threads": 8, "gil-threads": 8}
# CPU targets on vsSequential = sequential wall / mode wall (per round), as factors of the
# measured capacity C, or absolute bounds when "absolute" is set.
CPU_TARGETS = {
    "default": {"min_c": 0.92},
    "process-pool": {"min_c": 0.85},
    "processes": {"min_c": 0.75},
    "gil-threads": {"absolute": (0.9, 1.1)},
    "event-loop": {"absolute": (0.9, 1.1)},
}
# The bare-JDK program doing what a mode does (Floor.java KIND).
FLOOR_FOR_MODE = {
    "virtual-threads": "virtual",     # virtual-thread-per-task executor, Thread.sleep
    "async": "scheduled",             # one ScheduledThreadPoolExecutor completing futures
    "reactive": "scheduled",          # Mono.delay on one timer thread: same thing
    "event-loop": "scheduled",
    "platform-threads": "platform",   # fixed pool of 200 platform threads, Thread.sleep
}
# The Python equivalent of a mode (g).
PEER_FOR_MODE = {
    "virtual-threads": "threads",
    "platform-threads": "threads",
    "gil-threads": "threads",
    "async": "asyncio",
    "reactive": "asyncio",
    "event-loop": "asyncio",
}

FULL = {
    "a_tasks": 100_000,
    "b_tasks": 10_000, "b_millis": 1000,
    "c_tasks": 10_000, "c_millis": 100, "c_pool": 200,
    "d_tasks": 1_000, "d_millis": 100,
    "e_tasks": 8, "e_task_seconds": 0.5,
    "h_tasks": 20, "h_hello_starts": 20,   # Hello starts per round (half before, half after)
    "i_tasks": 2_000,
    "j_tasks": 100_000, "j_millis": 1000,
    "k_tasks": 1_000_000, "k_millis": 1000, "k_warmup_tasks": 100_000,
    "l_seconds": 30, "l_connections": 64,
    "m_requests": 200, "m_warmup": 50,
    "n_starts": 5, "n_mvn_starts": 2,
    "o_tasks": 10, "o_hello_starts": 10, "o_rounds": 2,
    "p_rate": 1000, "p_millis": 10_000,
}
QUICK = {
    "a_tasks": 10_000,
    "b_tasks": 1_000, "b_millis": 1000,
    "c_tasks": 1_000, "c_millis": 100, "c_pool": 200,
    "d_tasks": 100, "d_millis": 100,
    "e_tasks": 8, "e_task_seconds": 0.1,
    "h_tasks": 5, "h_hello_starts": 6,
    "i_tasks": 200,
    "j_tasks": 10_000, "j_millis": 1000,
    "k_tasks": 20_000, "k_millis": 1000, "k_warmup_tasks": 0,
    "l_seconds": 5, "l_connections": 64,
    "m_requests": 30, "m_warmup": 10,
    "n_starts": 1, "n_mvn_starts": 0,
    "o_tasks": 5, "o_hello_starts": 4, "o_rounds": 1,
    "p_rate": 1000, "p_millis": 2_000,
}
TARGETS = {
    "a_wall_ms": 1000.0,
    "b_ratio": 1.10,
    "c_ratio": 1.05,
    "d_ratio": 1.50,
    "floor_ratio": 1.10,
    "h_spawn_vs_hello": 1.0,   # processes: median spawnMillis <= 1.0 x median bare Hello start
    "o_preset_ms": 1200.0,     # the five-process preset: wall <= 1.2 s
    "i_round_trip_ms": 0.5,    # process-pool: median durationMillis of a no-op task
    "j_ratio": 1.50,           # 100,000 x 1 s: wall / ideal
    "j_floor_ratio": 1.10,     # 100,000 x 1 s: lab / floor
    "k_floor_ratio": 1.20,     # 1,000,000 x 1 s: lab / floor
    "k_peak_heap_bytes": 2**30,     # 1,000,000 x 1 s: the service's peak heap in use
    "k_retained_bytes_per_task": 64,  # heap still held per task once the run is over (after GC)
    "l_p99_ms": 50.0,          # tiny POSTs under 64 connections: p99 of every answer
    "l_accepted_per_s": 5 * 67,  # issue 9: >= 5 x the ~67 experiments/s measured before it
    "m_service_ms": 1.0,       # a tiny experiment's HTTP round trip minus its own wallMillis
    "n_start_ms": 3000.0,      # packaged jar: launch to /actuator/health UP
    "p_achieved_share": 0.99,  # open model on virtual threads: achieved >= 0.99 x the arrival rate
    "p_p99_ms": 20.0,          # ... and p99 latency from arrival <= 20 ms (10 ms waits)
}
# The tiny experiment of l and m (10 x sleep 0).
TINY_SPEC = {"mode": "virtual-threads", "workload": {"type": "sleep", "millis": 0}, "tasks": 10}
# The JVM flags the service gives its workers (WorkerCommand.JVM_FLAGS), for the
# information-only "Hello with the worker's flags" figure of h; the target compares
# against a bare `java -cp DIR Hello`.
WORKER_JVM_FLAGS = ["-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:-UsePerfData", "-XX:-TieredCompilation",
                    "-Xlog:disable", "-Xlog:all=warning:stderr"]
ALL_SCENARIOS = "abcdefghijklmnop"

FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}
WAIT_MILLIS = 600_000


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- HTTP client
class LabError(Exception):
    pass


class ServiceGone(Exception):
    """The service stopped answering in the middle of the run: no point going on."""


class Lab:
    """The service's REST API, just what the bench needs."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.retries_429 = 0
        self.service = None  # the Service when the bench started it
        self.heap_interval = 0.05  # s between heap reads while a sample runs (0: no sampler)
        self.perf = None  # the service's hsperfdata counters (PerfData) when it runs on this host
        self.perf_note = None

    def open_perf(self, pid):
        """Reads the service's heap from its hsperfdata file from now on, when it can."""
        try:
            self.perf = PerfData(pid)
            self.perf.heap_used()
            self.perf_note = f"hsperfdata counters ({self.perf.path})"
        except (OSError, ValueError, struct.error, TypeError) as e:
            self.perf = None
            self.perf_note = (f"GET {HEAP_METRIC} (no hsperfdata for pid {pid}: {e}; ~4 ms of service CPU per read, "
                              "so at most every 0.5 s)")

    def call(self, method, path, body=None, timeout=30.0):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
                return resp.status, dict(resp.headers), (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = raw.decode(errors="replace")[:500]
            return e.code, dict(e.headers), payload

    def get(self, path, timeout=30.0):
        status, _, payload = self.call("GET", path, timeout=timeout)
        if status != 200:
            raise LabError(f"GET {path}: HTTP {status}: {payload}")
        return payload

    def alive(self):
        """Whether the service still answers; a started service that exited never does."""
        if self.service is not None and not self.service.alive():
            return False
        for _ in range(3):
            if self.health():
                return True
            time.sleep(1)
        return False

    def health(self):
        try:
            status, _, payload = self.call("GET", "/actuator/health", timeout=5)
            return status == 200 and isinstance(payload, dict) and payload.get("status") == "UP"
        except (OSError, ValueError):
            return False

    def heap_used(self, timeout=5.0):
        """The service's heap in use now, in bytes (Micrometer's jvm.memory.used, area heap)."""
        return heap_metric(self.url, timeout)

    def retained_runs(self):
        """The experiments the service holds (running, queued and retained finished ones): id -> tasks."""
        runs, page = {}, 0
        while True:
            got = self.get(f"/experiments?size=100&page={page}", timeout=10) or {}
            items = got.get("items") or []
            runs.update({item["id"]: item.get("tasks") or 0 for item in items})
            page += 1
            if not items or page * 100 >= int(got.get("total") or 0):
                return runs

    def experiment(self, spec, max_seconds=900):
        """POST an experiment and wait for its end: 201 = finished, 202 = poll, 429 = back off."""
        deadline = time.monotonic() + max_seconds
        while True:
            status, headers, payload = self.call(
                "POST", f"/experiments?waitMillis={WAIT_MILLIS}", spec,
                timeout=WAIT_MILLIS / 1000 + 60)
            if status == 429:
                self.retries_429 += 1
                retry = headers.get("Retry-After") or headers.get("retry-after") or "1"
                try:
                    pause = max(0.2, float(retry))
                except ValueError:
                    pause = 1.0
                log(f"    429 (too many experiments running): sleeping Retry-After {pause:g} s")
                if time.monotonic() + pause > deadline:
                    raise LabError("still 429 after waiting; giving up")
                time.sleep(pause)
                continue
            if status not in (201, 202):
                detail = payload.get("detail") if isinstance(payload, dict) else payload
                raise LabError(f"POST /experiments: HTTP {status}: {detail}")
            break
        while payload.get("status") not in FINISHED:
            if time.monotonic() > deadline:
                raise LabError(f"experiment {payload.get('id')} still {payload.get('status')} after {max_seconds} s")
            time.sleep(1.0)
            payload = self.get(f"/experiments/{payload['id']}")
        return payload

    def timings(self, experiment, page_size=10_000):
        """Every task timing of a finished experiment, through GET /experiments/{id}/tasks pages."""
        eid = experiment["id"]
        total = (experiment.get("timingsPage") or {}).get("total")
        if total is None:
            total = experiment.get("tasks") or 0
        first = experiment.get("timings") or []
        if len(first) >= total:  # the POST answer already held them all
            return first[:total]
        out = []
        offset = 0
        while offset < total:
            page = self.get(f"/experiments/{eid}/tasks?offset={offset}&limit={page_size}", timeout=60)
            got = page.get("timings") or []
            if not got:
                raise LabError(f"GET /experiments/{eid}/tasks?offset={offset}: no timings "
                               f"({len(out)} of {total} read)")
            out.extend(got)
            offset += len(got)
            total = (page.get("page") or {}).get("total", total)
        return out


class PerfData:
    """The heap in use of a JVM on this host, read from its hsperfdata file, the shared-memory
    counters jstat reads: no request to the service, no work for it. The sum of every
    sun.gc.generation.N.space.M.used counter (eden, survivors, old); G1 updates eden's as it
    hands out each new region, so this follows jvm.memory.used (area heap) to a region."""
    USED = re.compile(rb"^sun\.gc\.generation\.\d+\.space\.\d+\.used$")

    def __init__(self, pid):
        paths = glob.glob(f"/tmp/hsperfdata_*/{pid}")
        if not paths:
            raise OSError(f"no /tmp/hsperfdata_*/{pid}")
        self.path = paths[0]
        with open(self.path, "rb") as f:
            self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self.map[:4] != b"\xca\xfe\xc0\xc0":
            raise OSError(f"{self.path}: not hsperfdata")
        self.order = "<" if self.map[4] == 1 else ">"
        self.entries = None
        self.offsets = []

    def _scan(self):
        entry_offset, num_entries = struct.unpack_from(self.order + "ii", self.map, 24)
        offsets, pos = [], entry_offset
        for _ in range(num_entries):
            length, name_off, vlen, dtype, _f, _u, _v, data_off = struct.unpack_from(self.order + "iiicccci", self.map, pos)
            name = self.map[pos + name_off:self.map.find(b"\0", pos + name_off)]
            if dtype == b"J" and vlen == 0 and self.USED.match(name):
                offsets.append(pos + data_off)
            pos += length
        self.entries, self.offsets = num_entries, offsets

    def heap_used(self):
        if self.entries != struct.unpack_from(self.order + "i", self.map, 28)[0]:
            self._scan()
        return sum(struct.unpack_from(self.order + "q", self.map, o)[0] for o in self.offsets)


HEAP_METRIC = "/actuator/metrics/jvm.memory.used?tag=area:heap"


def heap_metric(url, timeout=5.0, conn=None):
    """jvm.memory.used (area heap) of the service at url, in bytes; through conn when given
    (a kept-alive http.client connection), else a fresh request."""
    if conn is None:
        with urllib.request.urlopen(url.rstrip("/") + HEAP_METRIC, timeout=timeout) as resp:
            payload = json.loads(resp.read())
    else:
        conn.request("GET", HEAP_METRIC, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        raw = resp.read()
        if resp.status != 200:
            raise LabError(f"GET {HEAP_METRIC}: HTTP {resp.status}")
        payload = json.loads(raw)
    for m in payload.get("measurements") or []:
        if m.get("statistic") == "VALUE":
            return int(m["value"])
    raise LabError(f"GET {HEAP_METRIC}: no VALUE measurement")


class HeapSampler:
    """The service's peak heap in use while a sample runs.

    A bench thread reads the heap in use every `interval` s, from before the sample starts
    until it has ended (and once more then); the peak is the largest reading. It reads the
    service's hsperfdata counters (lab.perf) when the service runs on this host, which costs
    the service nothing; otherwise GET /actuator/metrics/jvm.memory.used?tag=area:heap over
    one kept-alive connection, which costs the service ~4 ms of CPU per read (measured), so
    then no more often than every 0.5 s. A peak between two reads can be missed: the peak is
    a lower bound, like any sampled figure."""

    def __init__(self, lab, interval):
        parsed = urllib.parse.urlparse(lab.url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.url = lab.url
        self.perf = lab.perf
        self.interval = interval if self.perf is not None else max(interval or 0, 0.5) if interval else 0
        self.peak = None
        self.samples = 0
        self.errors = 0
        self.last_error = None
        self._stop = threading.Event()
        self._thread = None
        self._conn = None

    def _read(self):
        try:
            if self.perf is not None:
                used = self.perf.heap_used()
            else:
                if self._conn is None:
                    self._conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                used = heap_metric(self.url, conn=self._conn)
        except Exception as e:  # never fails the sample: the peak is then missing or partial
            self.errors += 1
            self.last_error = f"{type(e).__name__}: {e}"
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            return
        self.samples += 1
        self.peak = used if self.peak is None else max(self.peak, used)

    def _run(self):
        while not self._stop.is_set():
            self._read()
            self._stop.wait(self.interval)
        self._read()

    def __enter__(self):
        if self.interval and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="heap-sampler", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=30)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return False

    def fields(self):
        """What a sample keeps: peakHeapBytes (None when no read succeeded), heapSamples."""
        out = {"peakHeapBytes": self.peak, "heapSamples": self.samples,
               "heapSource": "hsperfdata" if self.perf is not None else "actuator"}
        if self.errors:
            out["heapErrors"] = self.errors
            out["heapError"] = self.last_error
        return out


# ----------------------------------------------------------------- the service
class Service:
    """Starts the service with the Maven wrapper in its own process group; stops it all."""

    def __init__(self, project, port, log_path, optimized_launch=False, heap="2g"):
        self.project = project
        self.heap = heap
        self.optimized_launch = optimized_launch
        self.port = port
        self.log_path = log_path
        self.proc = None
        self.log_file = None

    def start(self):
        mvnw = os.path.join(self.project, "mvnw")
        if not os.path.exists(mvnw):
            raise SystemExit(f"no mvnw in {self.project} (use --project)")
        cmd = spring_boot_run_command(self.port, self.heap, self.optimized_launch)
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        self.log_file = open(self.log_path, "wb")
        log(f"starting the service: (cd {self.project} && {' '.join(cmd)})  log: {self.log_path}")
        self.proc = subprocess.Popen(cmd, cwd=self.project, stdout=self.log_file,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        if self.proc.poll() is None or _group_alive(pgid):
            log(f"stopping the service (process group {pgid})")
            _signal_group(pgid, signal.SIGTERM)
            end = time.monotonic() + 30
            while time.monotonic() < end and _group_alive(pgid):
                try:
                    self.proc.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    pass
            if _group_alive(pgid):
                log("  still alive after 30 s: SIGKILL")
                _signal_group(pgid, signal.SIGKILL)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        if self.log_file:
            self.log_file.close()
        self.proc = None


def spring_boot_run_command(port, heap, optimized_launch):
    """./mvnw spring-boot:run on port with -Xmx<heap> (the bench's service and n's info row)."""
    cmd = ["./mvnw", "-q", "-B", "spring-boot:run",
           f"-Dspring-boot.run.arguments=--server.port={port}",
           f"-Dspring-boot.run.jvmArguments=-Xmx{heap}"]
    if not optimized_launch:
        # spring-boot:run's default optimizedLaunch=true adds -XX:TieredStopAtLevel=1
        # (C1 only): quicker start, much slower steady state. Benchmark the real JIT.
        cmd.append("-Dspring-boot.run.optimizedLaunch=false")
    return cmd


def stop_group(proc, grace=30):
    """SIGTERM to proc's process group (started with start_new_session), SIGKILL after grace s."""
    pgid = proc.pid
    if proc.poll() is None or _group_alive(pgid):
        _signal_group(pgid, signal.SIGTERM)
        end = time.monotonic() + grace
        while time.monotonic() < end and _group_alive(pgid):
            try:
                proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        if _group_alive(pgid):
            _signal_group(pgid, signal.SIGKILL)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def wait_ready(lab, service, timeout):
    log(f"waiting for {lab.url}/actuator/health UP (up to {timeout:.0f} s)")
    t0 = time.monotonic()
    while not lab.health():
        if service is not None and not service.alive():
            raise SystemExit("the service exited before it was ready; log tail:\n" + service.tail())
        if time.monotonic() - t0 > timeout:
            raise SystemExit(f"no /actuator/health UP after {timeout:.0f} s"
                             + ("; log tail:\n" + service.tail() if service else ""))
        time.sleep(1)
    log(f"  UP after {time.monotonic() - t0:.1f} s; waiting for GET /machine calibration MEASURED")
    t1 = time.monotonic()
    while True:
        try:
            machine = lab.get("/machine")
        except OSError as e:
            # e.g. the service was stopped from outside right after it came up
            if service is not None and not service.alive():
                code = service.proc.poll()
                raise SystemExit(f"the service exited (code {code}"
                                 + (", SIGTERM from outside the bench" if code in (143, -15) else "")
                                 + f") while waiting for calibration; log tail:\n{service.tail()}")
            if time.monotonic() - t1 > 300:
                raise SystemExit(f"GET /machine failing after 300 s: {e}")
            time.sleep(1)
            continue
        if machine.get("calibration") == "MEASURED" and machine.get("capacity"):
            log(f"  calibration MEASURED after {time.monotonic() - t1:.1f} s more")
            return machine
        if time.monotonic() - t1 > 300:
            raise SystemExit("GET /machine still not MEASURED after 300 s")
        time.sleep(1)


# ----------------------------------------------------------------- floor (f)
class Floor:
    """Compiles bench/floor/Floor.java once into a temporary directory, runs it per sample."""

    def __init__(self, jdk, heap="2g"):
        self.java = os.path.join(jdk, "bin", "java")
        self.javac = os.path.join(jdk, "bin", "javac")
        self.heap = heap
        self.dir = None

    def compile(self):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="lab-floor-")
            subprocess.run([self.javac, "-d", self.dir, FLOOR_SOURCE], check=True)
        return self.dir

    def run(self, kind, tasks, millis, pool=200):
        self.compile()
        cmd = [self.java, f"-Xmx{self.heap}", "-cp", self.dir, "Floor", kind, str(tasks),
               str(millis), "1", "1", str(pool)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            raise LabError(f"Floor {kind} exited {r.returncode}: {r.stderr.strip()[-500:]}")
        last = json.loads([line for line in r.stdout.splitlines() if line.startswith("{")][-1])
        # wallMillis: run start to the last task's end, as the lab's summary.wallMillis;
        # returnMillis also holds closing the executor (information only).
        # peakHeapBytes: the floor JVM's own heap in use, sampled every 100 ms like the service's.
        return {"wall": last["wallMillis"], "returnMillis": last.get("returnMillis"),
                "peakHeapBytes": last.get("peakHeapBytes"), "heapSamples": last.get("heapSamples")}

    def version(self):
        r = subprocess.run([self.java, "-version"], capture_output=True, text=True)
        return (r.stderr or r.stdout).splitlines()[0] if (r.stderr or r.stdout) else "?"

    def cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ----------------------------------------------------------------- bare JVM start (h)
HELLO_SOURCE = """public class Hello {
    public static void main(String[] args) {
        // With an argument: the runtime version, to check it is the service's JDK (untimed).
        System.out.println(args.length > 0 ? Runtime.version().toString() : "hello");
    }
}
"""


class HelloJvm:
    """A bare `java -cp DIR Hello`, timed from launch until its stdout line arrives.

    Hello.java is written and compiled into a temporary directory (same JDK as --jdk)."""

    def __init__(self, jdk):
        self.java = os.path.join(jdk, "bin", "java")
        self.javac = os.path.join(jdk, "bin", "javac")
        self.dir = None

    def compile(self):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="lab-hello-")
            with open(os.path.join(self.dir, "Hello.java"), "w") as f:
                f.write(HELLO_SOURCE)
            subprocess.run([self.javac, "-d", self.dir, os.path.join(self.dir, "Hello.java")], check=True)
            subprocess.run([self.javac, "-d", self.dir, HELLO_LAUNCHER_SOURCE], check=True)
            # the same class in a jar, as the worker's classes are (an AOT cache needs a jar)
            with zipfile.ZipFile(os.path.join(self.dir, "hello.jar"), "w") as jar:
                jar.write(os.path.join(self.dir, "Hello.class"), "Hello.class")
        return self.dir

    def runtime_version(self):
        self.compile()
        r = subprocess.run([self.java, "-cp", self.dir, "Hello", "version"], capture_output=True, text=True,
                           timeout=60)
        return r.stdout.strip() or "?"

    def start_ms(self, flags=(), jar=False):
        """Milliseconds from launching the JVM until its first stdout line has arrived; with
        jar=True, Hello is loaded from a jar instead of its class folder."""
        self.compile()
        cmd = [self.java, *flags, "-cp", os.path.join(self.dir, "hello.jar") if jar else self.dir, "Hello"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            line = proc.stdout.readline()
            t1 = time.perf_counter()
        finally:
            proc.stdout.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if line.strip() != b"hello":
            raise LabError(f"Hello printed {line!r}, exit code {proc.returncode}")
        return (t1 - t0) * 1000

    def launched_ms(self, count):
        """count Hello starts launched the way the service launches workers (ProcessBuilder
        in a running JVM, bench/floor/HelloLauncher.java), launch → first stdout line, in ms."""
        self.compile()
        r = subprocess.run([self.java, "-cp", self.dir, "HelloLauncher", self.java, self.dir, str(count)],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise LabError(f"HelloLauncher exited {r.returncode}: {r.stderr.strip()[-300:]}")
        return [float(line) for line in r.stdout.split()]

    def cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ----------------------------------------------------------------- Python peer (g)
class PythonPeer:
    """asyncio.gather of N x asyncio.sleep and N threads x time.sleep, in this process.

    Reuses ../shared/bench/python_peer.py when it can be found, else the same few lines."""

    def __init__(self, candidates):
        self.source = None
        self.module = None
        for path in candidates:
            if path and os.path.isfile(path):
                spec = importlib.util.spec_from_file_location("python_peer", path)
                module = importlib.util.module_from_spec(spec)
                try:
                    spec.loader.exec_module(module)
                except Exception as e:  # a broken peer file must not stop the bench
                    log(f"cannot import {path}: {e}; using the built-in equivalents")
                    continue
                if hasattr(module, "_gather") and hasattr(module, "run_threads"):
                    self.module, self.source = module, path
                    break
        if self.module is None:
            self.source = "built-in (python_peer.py not found)"

    def asyncio_ms(self, n, millis):
        import asyncio
        if self.module is not None:
            coro = self.module._gather(n, millis / 1000)
        else:
            async def gather():
                await asyncio.gather(*(asyncio.sleep(millis / 1000) for _ in range(n)))
            coro = gather()
        t0 = time.perf_counter()
        asyncio.run(coro)
        return (time.perf_counter() - t0) * 1000

    def threads_ms(self, n, millis):
        if self.module is not None:
            t0 = time.perf_counter()
            self.module.run_threads(n, self.module.sleeper, lambda i: (millis / 1000,))
            return (time.perf_counter() - t0) * 1000
        threads = [threading.Thread(target=time.sleep, args=(millis / 1000,), daemon=True)
                   for _ in range(n)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return (time.perf_counter() - t0) * 1000


# ----------------------------------------------------------------- measurements
class Results:
    """Samples by key, in the order taken: key -> list of dicts (round, wall, ideal, error, ...).

    A sample counts only when it has a wall and no error. Ratios of two keys are paired by
    round: a round in which either side failed drops out of the pair altogether."""

    def __init__(self):
        self.samples = {}

    def add(self, key, sample):
        self.samples.setdefault(key, []).append(sample)

    def good(self, key):
        return [s for s in self.samples.get(key, []) if ok(s)]

    def walls(self, key):
        return [s["wall"] for s in self.good(key)]

    def ratios(self, key):
        return [s["wall"] / s["ideal"] for s in self.good(key) if s.get("ideal")]

    def errors(self, key):
        return [s["error"] for s in self.samples.get(key, []) if s.get("error")]

    def by_round(self, key, field="wall"):
        """round -> the field's value, for the rounds in which key's sample counts."""
        return {s["round"]: s[field] for s in self.good(key) if s.get(field) is not None and "round" in s}

    def paired(self, num, den, num_field="wall", den_field="wall"):
        """Per-round ratios num ÷ den over the rounds where both samples count, and the
        number of rounds dropped because one side failed (or was missing)."""
        a, b = self.by_round(num, num_field), self.by_round(den, den_field)
        rounds = sorted({s["round"] for k in (num, den) for s in self.samples.get(k, []) if "round" in s})
        pairs = [a[r] / b[r] for r in rounds if r in a and r in b and b[r]]
        return pairs, len(rounds) - len(pairs)


def ok(sample):
    return sample.get("wall") is not None and not sample.get("error")


def rotated(items, r):
    """items rotated left by r: round r starts with item r, so drift hits every item in turn."""
    if not items:
        return []
    k = r % len(items)
    return list(items[k:]) + list(items[:k])


def paired_text(name, pairs, dropped):
    """'name 1.023 (1.01–1.05)' over the per-round pairs, with the rounds dropped."""
    if not pairs:
        return f"{name} -" + (f" ({dropped} round(s) dropped: one side failed)" if dropped else "")
    text = f"{name} {med(pairs):.3f}"
    if len(pairs) > 1:
        text += f" ({min(pairs):.3f}–{max(pairs):.3f})"
    if dropped:
        text += f" [{dropped} round(s) dropped: one side failed]"
    return text


def med(xs):
    return statistics.median(xs) if xs else None


def pct(xs, q):
    """Nearest-rank percentile q (0-100) of xs, None when empty."""
    if not xs:
        return None
    ys = sorted(xs)
    return ys[min(len(ys) - 1, max(0, int(-(-q * len(ys) // 100)) - 1))]


def lab_sample(lab, label, spec, timings=False):
    """Runs one experiment; returns a sample dict (never raises for a lab-side failure).

    The service's heap in use is sampled while the experiment runs (HeapSampler, every
    lab.heap_interval s): "peakHeapBytes" and "heapSamples".

    With timings=True it also reads every task timing (GET .../tasks pages) and keeps the
    per-task durationMillis, spawnMillis and pids in the sample ("durations", "spawns",
    "pids"; spawns only for the tasks that have one)."""
    t0 = time.monotonic()
    try:
        with HeapSampler(lab, lab.heap_interval) as heap:
            result = lab.experiment(spec)
        task_timings = lab.timings(result) if timings else None
    except (LabError, OSError) as e:
        log(f"    {label}: ERROR {e}")
        if isinstance(e, OSError) and not lab.alive():
            raise ServiceGone(f"the service stopped answering during {label} ({e})")
        return {"wall": None, "ideal": None, "error": str(e)}
    summary = result.get("summary") or {}
    sample = {
        "wall": summary.get("wallMillis"),
        "ideal": summary.get("idealMillis"),
        "cpuMillis": summary.get("cpuMillis"),
        "idealFormula": summary.get("idealFormula"),
        "efficiency": summary.get("efficiency"),
        "peakInFlight": summary.get("peakInFlight"),
        "threadsUsed": summary.get("threadsUsed"),
        "succeeded": summary.get("succeeded"),
        "failed": summary.get("failed"),
        "durationMillis": summary.get("durationMillis"),
        "queueMillis": summary.get("queueMillis"),
        "processesUsed": summary.get("processesUsed"),
        "status": result.get("status"),
        "concurrency": result.get("concurrency"),
        "id": result.get("id"),
        "openModel": summary.get("openModel"),
        "roundTripMillis": round((time.monotonic() - t0) * 1000, 1),
        **heap.fields(),
    }
    # Other runs, service CPU outside the tasks, host steal... as the service saw them
    # (optional: only services that report it).
    if isinstance(summary.get("interference"), dict):
        sample["interference"] = summary["interference"]
    if result.get("status") != "SUCCEEDED":
        sample["error"] = f"status {result.get('status')}, failed {summary.get('failed')}"
    extra = ""
    if task_timings is not None:
        sample["durations"] = [t["durationMillis"] for t in task_timings if t.get("durationMillis") is not None]
        sample["spawns"] = [t["spawnMillis"] for t in task_timings if t.get("spawnMillis") is not None]
        sample["pids"] = len({t.get("pid") for t in task_timings if t.get("pid") is not None})
        # a fresh worker's whole cost to a task: start-up plus the task itself
        sample["spawnPlusDuration"] = [t["spawnMillis"] + t["durationMillis"] for t in task_timings
                                       if t.get("spawnMillis") is not None and t.get("durationMillis") is not None]
        # Σ per-task cpuMillis (for process modes: measured inside the workers)
        cpus = [t["cpuMillis"] for t in task_timings if t.get("cpuMillis") is not None]
        sample["taskCpuSum"] = round(sum(cpus), 3) if cpus else None
        sample["timingsRead"] = len(task_timings)
        # (arrival, latency from it) of the tasks that ran to an end, in arrival order
        sample["latencies"] = [(t["queuedMillis"], round(t["endMillis"] - t["queuedMillis"], 3))
                               for t in task_timings if t.get("status") in ("SUCCEEDED", "FAILED")]
        expected = spec.get("tasks", result.get("tasks"))
        if len(task_timings) != expected:
            sample.setdefault("error", f"read {len(task_timings)} timings for {expected} tasks")
        extra = (f"; {len(task_timings)} timings: duration median "
                 f"{fmt_ms(med(sample['durations']))} ms"
                 + (f", spawn median {fmt_ms(med(sample['spawns']))} ms ({len(sample['spawns'])} spawns)"
                    if sample["spawns"] else "")
                 + f", {sample['pids']} pid(s), processesUsed {sample['processesUsed']}")
    ratio = (f" = {sample['wall'] / sample['ideal']:.3f} x ideal {sample['ideal']:.0f}"
             if sample["wall"] is not None and sample["ideal"] else "")
    wall = f"{sample['wall']:.1f} ms" if sample["wall"] is not None else "-"
    if sample.get("peakHeapBytes") is not None:
        extra += f", peak heap {sample['peakHeapBytes'] / 2**20:,.0f} MiB"
    log(f"    {label}: {result.get('status')} wall {wall}{ratio}, cpu {sample['cpuMillis']} ms{extra}"
        + (f"  ({sample['error']})" if sample.get("error") else ""))
    return sample


def timed_sample(label, fn, ideal=None):
    """Times fn, which returns the wall in ms or a dict with "wall" and other fields to keep."""
    try:
        got = fn()
    except Exception as e:
        log(f"    {label}: ERROR {type(e).__name__}: {e}")
        return {"wall": None, "ideal": ideal, "error": f"{type(e).__name__}: {e}"}
    sample = dict(got) if isinstance(got, dict) else {"wall": got}
    sample["ideal"] = ideal
    wall = sample["wall"]
    log(f"    {label}: wall {wall:.1f} ms" + (f" = {wall / ideal:.3f} x ideal" if ideal else "")
        + (f", peak heap {sample['peakHeapBytes'] / 2**20:,.0f} MiB" if sample.get("peakHeapBytes") else ""))
    return sample


def experiment_spec(mode, workload, tasks, concurrency=None, label=None):
    spec = {"mode": mode, "workload": workload, "tasks": tasks}
    if concurrency is not None:
        spec["concurrency"] = concurrency
    if label:
        spec["label"] = label[:100]
    return spec


def sleep_wl(millis):
    return {"type": "sleep", "millis": millis}


def http_wl(millis):
    return {"type": "http", "millis": millis}


def cpu_wl(iterations):
    return {"type": "cpu", "iterations": iterations}


# ----------------------------------------------------------------- the bench
class Bench:
    def __init__(self, args, lab, machine):
        self.args = args
        self.lab = lab
        self.machine = machine
        self.size = QUICK if args.quick else FULL
        self.results = Results()
        self.rows = []
        self.offered = self._offered_modes()
        self.floor = Floor(args.jdk, args.heap) if args.only & {"f", "j", "k"} else None
        self.peer = None
        self.start_dir = None
        if args.only & {"g", "j"}:
            project_parent = os.path.dirname(os.path.abspath(args.project))
            self.peer = PythonPeer([
                args.peer,
                os.path.join(project_parent, "shared", "bench", "python_peer.py"),
                os.path.join(os.path.dirname(REPO_ROOT), "shared", "bench", "python_peer.py"),
            ])
        self.hello = HelloJvm(args.jdk) if args.only & {"h", "o"} else None
        self.cleanups = []  # made folders and the like, undone when the bench ends
        self.capacity = None
        self.retained_known = {}  # experiment id -> heap bytes it retained, as k measured it
        self.calibrations = []
        self.isolation_broken = None

    def _offered_modes(self):
        try:
            return {m["id"] for m in self.lab.get("/modes")}
        except Exception as e:
            log(f"GET /modes failed ({e}); assuming every listed mode exists")
            return None

    def offers(self, mode):
        return self.offered is None or mode in self.offered

    def rounds(self):
        return range(self.args.repeats)

    def row(self, key=None, **kw):
        """Adds a row; with key, its "heap" holds the peak heap of each of key's samples."""
        if key is not None and "heap" not in kw:
            kw["heap"] = [s["peakHeapBytes"] for s in self.results.samples.get(key, [])
                          if s.get("peakHeapBytes") is not None]
        self.rows.append(kw)
        return kw

    def skip_rows(self, scenario, modes):
        for mode in modes:
            if not self.offers(mode):
                self.row(scenario=scenario, mode=mode, verdict="SKIP", notes="mode not offered by GET /modes")

    # -- isolation: no other run in the service while a sample is taken
    def active_runs(self):
        """{"running": n, "queued": m} experiments in the service now; None if it can't tell."""
        counts = {}
        for status in ("RUNNING", "QUEUED"):
            try:
                page = self.lab.get(f"/experiments?status={status}&size=1", timeout=10)
            except LabError as e:
                if not self.isolation_broken:
                    log(f"    isolation check failed ({e}); samples are taken without it")
                self.isolation_broken = str(e)
                return None
            except OSError as e:
                if not self.lab.alive():
                    raise ServiceGone(f"the service stopped answering during the isolation check ({e})")
                return None
            counts[status.lower()] = int((page or {}).get("total") or 0)
        return counts

    def await_isolation(self, label):
        """Waits (at most --isolation-wait s) until no experiment is RUNNING or QUEUED.

        Returns {"isolated": True/False/None (check failed), "running", "queued", "waitedMillis"}."""
        t0 = time.monotonic()
        deadline = t0 + self.args.isolation_wait
        logged = False
        while True:
            counts = self.active_runs()
            waited = round((time.monotonic() - t0) * 1000)
            if counts is None:
                return {"isolated": None, "waitedMillis": waited, "note": self.isolation_broken or "check failed"}
            if counts["running"] == 0 and counts["queued"] == 0:
                if logged:
                    log(f"    {label}: the service is idle again after {waited / 1000:.1f} s")
                return {"isolated": True, **counts, "waitedMillis": waited}
            if time.monotonic() >= deadline:
                return {"isolated": False, **counts, "waitedMillis": waited}
            if not logged:
                log(f"    {label}: {counts['running']} RUNNING, {counts['queued']} QUEUED experiment(s) in the "
                    f"service: waiting up to {self.args.isolation_wait:g} s for them to end")
                logged = True
            time.sleep(1.0)

    def take(self, key, r, position, label, fn, iso=None):
        """Takes one sample of key in round r, at its position in the round, once the service
        has no other run; a sample that can't be isolated is not taken and counts as failed."""
        iso = iso or self.await_isolation(label)
        if iso["isolated"] is False:
            note = (f"not isolated: {iso['running']} RUNNING, {iso['queued']} QUEUED experiment(s) in the service "
                    f"after waiting {iso['waitedMillis'] / 1000:.0f} s; not measured")
            log(f"    {label}: SKIPPED, {note}")
            sample = {"wall": None, "ideal": None, "error": note}
        else:
            sample = fn()
        sample["round"], sample["position"] = r, position
        sample["isolation"] = iso
        # Isolated: nobody else was running before it started and, when the service
        # reports interference, none overlapped it.
        sample["isolated"] = iso["isolated"]
        if other_runs(sample.get("interference")):
            sample["isolated"] = False
        self.results.add(key, sample)
        return sample

    def isolation_notes(self, key):
        """A row's notes on isolation: samples not isolated, the interference the service saw."""
        samples = self.results.samples.get(key, [])
        notes = []
        unchecked = sum(1 for s in samples if s.get("isolated") is None and "isolation" in s)
        if unchecked:
            notes.append(f"{unchecked} sample(s) without isolation check")
        overlapped = sum(1 for s in samples if other_runs(s.get("interference")))
        if overlapped:
            notes.append(f"{overlapped} sample(s) overlapped other lab runs")
        waited = [s["isolation"]["waitedMillis"] for s in samples
                  if (s.get("isolation") or {}).get("waitedMillis", 0) >= 1000]
        if waited:
            notes.append(f"{len(waited)} sample(s) waited for other runs (up to {max(waited) / 1000:.0f} s)")
        seen = [s["interference"] for s in samples if isinstance(s.get("interference"), dict)]
        if seen:
            parts = []
            for field, unit in (("otherRuns", ""), ("hostStealPercent", " %"),
                                ("otherProcessesCpuMillis", " ms")):
                values = [other_runs(i) if field == "otherRuns" else i.get(field) for i in seen]
                values = [v for v in values if isinstance(v, (int, float))]
                if values:
                    lo, hi = min(values), max(values)
                    parts.append(f"{field} {lo:g}{unit}" if lo == hi else f"{field} {lo:g}–{hi:g}{unit}")
            if parts:
                notes.append("interference: " + ", ".join(parts))
        return join_notes(notes)

    # -- warm-up: the service's first experiments run cold (class loading, JIT)
    def warmup(self):
        modes = [m for m in dict.fromkeys(["sequential", "platform-threads", "fork-join"]
                                           + WAIT_MODES + HTTP_MODES + CPU_MODES) if self.offers(m)]
        log(f"warm-up (untimed): {', '.join(modes)}")
        npi = self.machine["capacity"]["nanosPerIteration"]
        for mode in modes:
            specs = [experiment_spec(mode, cpu_wl(int(0.02e9 / npi)), 4)]
            if mode not in PROCESS_MODES:  # a process per task: keep their warm-up tiny
                specs += [experiment_spec(mode, sleep_wl(0), 2000 if mode != "sequential" else 200),
                          experiment_spec(mode, sleep_wl(5), 1000 if mode != "sequential" else 20)]
            if mode in HTTP_MODES:
                specs.append(experiment_spec(mode, http_wl(10), 200))
            if mode == "process-pool":  # the service side of i's round trips
                specs.append(experiment_spec(mode, sleep_wl(0), 300, concurrency=1))
            for spec in specs:
                try:
                    self.lab.experiment(spec)
                except (LabError, OSError) as e:
                    log(f"  warm-up {mode} {spec['workload']}: {e}")

    # -- a: harness overhead
    def scenario_a(self):
        n = self.size["a_tasks"]
        mode = "virtual-threads"
        log(f"\n[a] harness overhead: {n:,} tasks x sleep 0 ms, {mode}")
        key = ("a", mode)
        for r in self.rounds():
            label = f"round {r + 1} {mode}"
            self.take(key, r, 0, label, lambda: lab_sample(
                self.lab, label, experiment_spec(mode, sleep_wl(0), n, label="bench a")))
        walls = self.results.walls(key)
        target = TARGETS["a_wall_ms"]
        cpu = [s["cpuMillis"] for s in self.results.good(key) if s.get("cpuMillis") is not None]
        notes = [f"wall ÷ {target:.0f} ms; cpu {med(cpu):.0f} ms" if cpu else "", self.isolation_notes(key)]
        self.row(key=key, scenario=f"a overhead {n:,} x sleep 0", mode=mode, walls=walls,
                 target=f"wall ≤ {target:.0f} ms", ratio=(med(walls) / target) if walls else None,
                 ratios=[w / target for w in walls],
                 verdict=verdict(med(walls), hi=target), errors=self.results.errors(key),
                 notes=join_notes(notes))

    # -- b (+ f floor + g Python peers, interleaved in the same rounds)
    def scenario_bfg(self, do_b, do_f, do_g):
        n, millis = self.size["b_tasks"], self.size["b_millis"]
        modes = [m for m in WAIT_MODES if self.offers(m)]
        floor_kinds = sorted({FLOOR_FOR_MODE[m] for m in modes if m in FLOOR_FOR_MODE}) if do_f else []
        peers = sorted({PEER_FOR_MODE[m] for m in modes if m in PEER_FOR_MODE}) if do_g else []
        log(f"\n[{'b' if do_b else ''}{'f' if do_f else ''}{'g' if do_g else ''}] "
            f"{n:,} tasks x sleep {millis} ms: lab {modes if do_b else []}, floor {floor_kinds}, python {peers}")
        if self.peer and do_g:
            log(f"  python peer: {self.peer.source}")

        def lab(mode):
            return lambda: lab_sample(self.lab, mode, experiment_spec(mode, sleep_wl(millis), n, label="bench b"))

        def floor(kind):
            return lambda: timed_sample(f"floor {kind}", lambda: self.floor.run(kind, n, millis), ideal=millis)

        def python(peer):
            fn = self.peer.asyncio_ms if peer == "asyncio" else self.peer.threads_ms
            return lambda: timed_sample(f"python {peer}", lambda: fn(n, millis), ideal=millis)

        # Everything a round measures, in one list that each round rotates.
        items = ([(("b", m), m, lab(m)) for m in (modes if do_b else [])]
                 + [(("f", k), f"floor {k}", floor(k)) for k in floor_kinds]
                 + [(("g", p), f"python {p}", python(p)) for p in peers])
        for r in self.rounds():
            order = rotated(items, r)
            log(f"  round {r + 1}/{self.args.repeats}: {', '.join(label for _, label, _ in order)}")
            for position, (key, label, fn) in enumerate(order):
                self.take(key, r, position, label, fn)

        scen = f"b {n:,} x sleep {millis} ms"
        if do_b:
            target = TARGETS["b_ratio"]
            for mode in modes:
                key = ("b", mode)
                walls, ratios = self.results.walls(key), self.results.ratios(key)
                notes = []
                fk = FLOOR_FOR_MODE.get(mode)
                if do_f and fk:
                    notes.append(paired_text(f"÷ floor({fk})", *self.results.paired(key, ("f", fk))))
                pk = PEER_FOR_MODE.get(mode)
                if do_g and pk:
                    notes.append(paired_text(f"Java ÷ Python {pk}", *self.results.paired(key, ("g", pk))))
                notes.append(self.isolation_notes(key))
                self.row(key=key, scenario=scen, mode=mode, walls=walls, ideal=ideal_of(self.results, key),
                         target=f"≤ {target:.2f}", ratio=med(ratios), ratios=ratios,
                         verdict=verdict(med(ratios), hi=target), errors=self.results.errors(key),
                         notes=join_notes(notes))
            self.skip_rows(scen, WAIT_MODES)
        if do_f:
            target = TARGETS["floor_ratio"]
            for kind in floor_kinds:
                fkey = ("f", kind)
                fwalls = self.results.walls(fkey)
                users = [m for m in modes if FLOOR_FOR_MODE.get(m) == kind]
                for mode in users if do_b else [None]:
                    pairs, dropped = self.results.paired(("b", mode), fkey) if mode else ([], 0)
                    ratio = med(pairs)
                    notes = [f"floor ÷ ideal {med(fwalls) / millis:.3f}" if fwalls else "",
                             f"{dropped} round(s) dropped: one side failed" if dropped else "",
                             self.isolation_notes(fkey)]
                    self.row(key=fkey, scenario=f"f floor for b ({n:,} x {millis} ms)",
                             mode=f"{mode} ÷ floor({kind})" if mode else f"floor({kind})",
                             walls=fwalls, ideal=millis, target=f"lab ÷ floor ≤ {target:.2f}" if mode else "-",
                             ratio=ratio, ratios=pairs,
                             verdict=verdict(ratio, hi=target) if mode else "INFO",
                             errors=self.results.errors(fkey), notes=join_notes(notes))
        if do_g:
            for peer in peers:
                gkey = ("g", peer)
                pwalls = self.results.walls(gkey)
                users = [m for m in modes if PEER_FOR_MODE.get(m) == peer]
                notes = []
                if do_b:
                    for m in users:
                        notes.append(paired_text(f"Java {m} ÷ Python", *self.results.paired(("b", m), gkey)))
                notes.append(self.isolation_notes(gkey))
                pratios = [w / millis for w in pwalls]
                label = "asyncio.gather(asyncio.sleep)" if peer == "asyncio" else "threads × time.sleep"
                self.row(scenario=f"g Python {platform.python_version()} ({n:,} x {millis} ms)", mode=label,
                         walls=pwalls, ideal=millis, target="info", ratio=med(pratios), ratios=pratios,
                         verdict="INFO", errors=self.results.errors(gkey), notes=join_notes(notes))

    # -- c: platform-threads, pool of 200 (+ floor when f is selected)
    def scenario_c(self, do_f):
        n, millis, pool = self.size["c_tasks"], self.size["c_millis"], self.size["c_pool"]
        mode = "platform-threads"
        scen = f"c {n:,} x sleep {millis} ms, pool {pool}"
        if not self.offers(mode):
            self.skip_rows(scen, [mode])
            return
        log(f"\n[c{'f' if do_f else ''}] {n:,} tasks x sleep {millis} ms, {mode} concurrency {pool}")
        key, fkey = ("c", mode), ("f", "platform")
        expected_ideal = -(-n // pool) * millis
        items = [(key, mode, lambda: lab_sample(self.lab, mode, experiment_spec(
            mode, sleep_wl(millis), n, concurrency=pool, label="bench c")))]
        if do_f:
            items.append((fkey, "floor platform", lambda: timed_sample(
                "floor platform", lambda: self.floor.run("platform", n, millis, pool), ideal=expected_ideal)))
        for r in self.rounds():
            order = rotated(items, r)
            log(f"  round {r + 1}/{self.args.repeats}: {', '.join(label for _, label, _ in order)}")
            for position, (k, label, fn) in enumerate(order):
                self.take(k, r, position, label, fn)
        walls, ratios = self.results.walls(key), self.results.ratios(key)
        target = TARGETS["c_ratio"]
        ideal = ideal_of(self.results, key)
        notes = []
        if ideal is not None and abs(ideal - expected_ideal) > 0.5:
            notes.append(f"service idealMillis {ideal} ≠ expected {expected_ideal}")
        pairs, dropped = self.results.paired(key, fkey) if do_f else ([], 0)
        if do_f:
            notes.append(paired_text("÷ floor(platform)", pairs, dropped))
        notes.append(self.isolation_notes(key))
        self.row(key=key, scenario=scen, mode=mode, walls=walls, ideal=ideal, target=f"≤ {target:.2f}",
                 ratio=med(ratios), ratios=ratios, verdict=verdict(med(ratios), hi=target),
                 errors=self.results.errors(key), notes=join_notes(notes))
        if do_f:
            fwalls = self.results.walls(fkey)
            ratio = med(pairs)
            fnotes = [f"floor ÷ ideal {med(fwalls) / expected_ideal:.3f}" if fwalls else "",
                      f"{dropped} round(s) dropped: one side failed" if dropped else "",
                      self.isolation_notes(fkey)]
            self.row(key=fkey, scenario=f"f floor for c ({n:,} x {millis} ms, pool {pool})",
                     mode=f"{mode} ÷ floor(platform)", walls=fwalls, ideal=expected_ideal,
                     target=f"lab ÷ floor ≤ {TARGETS['floor_ratio']:.2f}", ratio=ratio,
                     ratios=pairs, verdict=verdict(ratio, hi=TARGETS["floor_ratio"]),
                     errors=self.results.errors(fkey), notes=join_notes(fnotes))

    # -- d: loopback HTTP
    def scenario_d(self):
        n, millis = self.size["d_tasks"], self.size["d_millis"]
        modes = [m for m in HTTP_MODES if self.offers(m)]
        scen = f"d {n:,} x http {millis} ms"
        log(f"\n[d] {n:,} tasks x http {millis} ms: {modes}")
        # Both ends of loopback HTTP run in the service's JVM; C2 needs tens of full-size rounds
        # to compile that path (measured: ~50), so the timed rounds measure the steady state.
        warm = 0 if self.args.no_warmup else self.args.http_warmup
        if warm:
            log(f"  http warm-up (untimed): {warm} rounds per mode")
            for _ in range(warm):
                for mode in modes:
                    try:
                        self.lab.experiment(experiment_spec(mode, http_wl(millis), n, label="bench d warm-up"))
                    except (LabError, OSError) as e:
                        log(f"  warm-up {mode}: {e}")
        for r in self.rounds():
            order = rotated(modes, r)
            log(f"  round {r + 1}/{self.args.repeats}: {', '.join(order)}")
            for position, mode in enumerate(order):
                self.take(("d", mode), r, position, mode, lambda mode=mode: lab_sample(
                    self.lab, mode, experiment_spec(mode, http_wl(millis), n, label="bench d")))
        target = TARGETS["d_ratio"]
        for mode in modes:
            key = ("d", mode)
            walls, ratios = self.results.walls(key), self.results.ratios(key)
            self.row(key=key, scenario=scen, mode=mode, walls=walls, ideal=ideal_of(self.results, key),
                     target=f"≤ {target:.2f}", ratio=med(ratios), ratios=ratios,
                     verdict=verdict(med(ratios), hi=target), errors=self.results.errors(key),
                     notes=self.isolation_notes(key))
        self.skip_rows(scen, HTTP_MODES)

    # -- e: the capacity C
    def calibrate(self):
        """POST /machine/calibrate; the capacity it measured (GET /machine when that fails)."""
        t0 = time.monotonic()
        try:
            status, _, machine = self.lab.call("POST", "/machine/calibrate", timeout=600)
        except OSError as e:
            if not self.lab.alive():
                raise ServiceGone(f"the service stopped answering during POST /machine/calibrate ({e})")
            status, machine = None, None
        if status != 200 or not (machine or {}).get("capacity"):
            log(f"    calibrate answered HTTP {status}; using GET /machine")
            machine = self.lab.get("/machine")
        cap = machine["capacity"]
        log(f"    calibration: C = {cap['parallelCapacity']:.3f} (t1 {cap['singleThreadMillis']} ms, "
            f"tN {cap['allThreadsMillis']} ms) in {time.monotonic() - t0:.1f} s")
        self.calibrations.append(cap)
        return cap

    # -- e: computation, vsSequential (sequential wall ÷ mode wall) compared to the capacity C
    def scenario_e(self):
        # The capacity is measured in the same run: before every round and once after
        # them (a calibration disturbed by other load on a shared host would otherwise set
        # C alone); C is the median of those measurements, all of them are reported.
        self.calibrations = []
        log("\n[e] computation")
        cap = self.calibrate() if self.args.recalibrate else self.lab.get("/machine")["capacity"]
        npi = cap["nanosPerIteration"]
        n = self.size["e_tasks"]
        iterations = int(round(self.size["e_task_seconds"] * 1e9 / npi))
        log(f"  {n} tasks x cpu {iterations:,} iterations (~{self.size['e_task_seconds']:g} s at "
            f"{npi:.3f} ns/iteration)")
        scen = f"e {n} x cpu {self.size['e_task_seconds']:g} s"
        if not self.offers("sequential"):
            self.row(scenario=scen, mode="sequential", verdict="SKIP", notes="no sequential mode: no baseline")
            return
        modes = [m for m in CPU_MODES if self.offers(m)]
        # sequential, the baseline, takes its turn in the rotation like every other mode
        everyone = ["sequential"] + modes
        for r in self.rounds():
            order = rotated(everyone, r)
            log(f"  round {r + 1}/{self.args.repeats}: {', '.join(order)}")
            if r > 0 and self.args.recalibrate:
                self.calibrate()
            for position, mode in enumerate(order):
                self.take(("e", mode), r, position, mode, lambda mode=mode: lab_sample(
                    self.lab, mode, experiment_spec(mode, cpu_wl(iterations), n,
                                                    concurrency=CPU_CONCURRENCY.get(mode), label="bench e"),
                    timings=mode in PROCESS_MODES))
        if self.args.recalibrate:
            self.calibrate()
        cs = [x["parallelCapacity"] for x in self.calibrations] or [cap["parallelCapacity"]]
        c = med(cs)
        self.capacity = dict(cap, parallelCapacity=c, calibrations=cs)
        c_text = f"C = {c:.3f}" + (f" (median of {', '.join(f'{x:.2f}' for x in cs)})" if len(cs) > 1 else "")
        if max(cs) - min(cs) > 0.25:
            c_text += " UNSTABLE: the host's capacity changed during the run"
        log(f"  capacity {c_text}")
        seq_key = ("e", "sequential")
        seq = self.results.walls(seq_key)
        seq_ratios = self.results.ratios(seq_key)
        self.row(key=seq_key, scenario=scen, mode="sequential", walls=seq, ideal=ideal_of(self.results, seq_key),
                 target="baseline", ratio=med(seq_ratios), ratios=seq_ratios, verdict="INFO",
                 errors=self.results.errors(seq_key),
                 notes=join_notes([f"{c_text}; wall ÷ ideal checks {npi:.3f} ns/iteration",
                                   self.isolation_notes(seq_key)]))
        for mode in modes:
            key = ("e", mode)
            samples = self.results.samples.get(key, [])
            # vsSequential per round: the sequential run of the same round ÷ this mode's run
            # (not the service's summary.speedup, which means something else)
            speedups, dropped = self.results.paired(seq_key, key)
            sp = med(speedups)
            t = CPU_TARGETS.get(mode, CPU_TARGETS["default"])
            if "absolute" in t:
                lo, hi = t["absolute"]
                target_text = f"vsSequential {lo:g}–{hi:g}"
            else:
                lo, hi = t["min_c"] * c, None
                target_text = f"vsSequential ≥ {t['min_c']:.2f} × C = {lo:.2f}"
            notes = [f"vsSequential ÷ C {sp / c:.3f}" if sp else "",
                     f"wall ÷ ideal {med(self.results.ratios(key)):.3f}" if self.results.ratios(key) else "",
                     f"{dropped} round(s) dropped: one side failed" if dropped else ""]
            if mode in PROCESS_MODES:
                notes.append(process_notes([x for x in samples if ok(x)]))
            notes.append(self.isolation_notes(key))
            self.row(key=key, scenario=scen, mode=mode + (f" ({CPU_CONCURRENCY[mode]})" if mode in CPU_CONCURRENCY else ""),
                     walls=self.results.walls(key), ideal=ideal_of(self.results, key), target=target_text,
                     ratio=sp, ratios=speedups, vsSequential=sp, vsSequentialPerRound=speedups,
                     verdict=verdict(sp, lo=lo, hi=hi),
                     errors=self.results.errors(key), notes=join_notes(notes))
        self.skip_rows(scen, CPU_MODES)

    # -- h: per-task spawn cost of the processes mode vs a bare JVM Hello start
    def scenario_h(self):
        mode = "processes"
        n, k = self.size["h_tasks"], self.size["h_hello_starts"]
        scen = f"h process spawn ({n} x sleep 0, concurrency 1)"
        if not self.offers(mode):
            self.skip_rows(scen, [mode])
            return
        log(f"\n[h] process spawn: {mode}, {n} tasks x sleep 0 ms, concurrency 1; "
            f"bare java Hello x {k} per round (half before, half after the experiment)")
        service_jdk = (self.machine.get("jdk") or {}).get("version")
        try:
            hello_jdk = self.hello.runtime_version()
        except Exception as e:  # the Hello rows then show the error
            hello_jdk = f"? ({type(e).__name__}: {e})"
        jdk_note = (f"{self.hello.java} = {hello_jdk}" + ("" if hello_jdk == service_jdk
                                                         else f" ≠ service JDK {service_jdk}"))
        log(f"  Hello JDK: {jdk_note}")
        hkey, fkey, pkey, lkey = ("h", "hello"), ("h", "hello-worker-flags"), ("h", mode), ("h", "hello-launched")
        jarred = []
        launched = []

        def hellos(count, bare, flagged):
            for _ in range(count):  # alternate, so all see the same host load
                bare.append(self.hello.start_ms())
                flagged.append(self.hello.start_ms(WORKER_JVM_FLAGS))
                jarred.append(self.hello.start_ms(jar=True))
            launched.extend(self.hello.launched_ms(count))

        for r in self.rounds():
            log(f"  round {r + 1}/{self.args.repeats}")
            bare, flagged, error = [], [], None
            launched.clear()
            iso = self.await_isolation("Hello starts")
            if iso["isolated"] is not False:
                try:
                    hellos(k // 2, bare, flagged)
                except Exception as e:
                    error = f"{type(e).__name__}: {e}"
            # a round whose Hello check found the service busy skips its experiment too
            sample = self.take(pkey, r, 1, mode, lambda: lab_sample(self.lab, mode, experiment_spec(
                mode, sleep_wl(0), n, concurrency=1, label="bench h"), timings=True),
                iso=iso if iso["isolated"] is False else None)
            sample["spawnMedian"] = med(sample.get("spawns") or [])
            if iso["isolated"] is False:
                error = (f"not isolated: {iso['running']} RUNNING, {iso['queued']} QUEUED experiment(s) in the "
                         f"service after waiting {iso['waitedMillis'] / 1000:.0f} s; not measured")
            elif error is None:
                try:
                    hellos(k - k // 2, bare, flagged)
                except Exception as e:
                    error = f"{type(e).__name__}: {e}"
            for key, starts in ((hkey, bare), (fkey, flagged), (lkey, list(launched))):
                self.results.add(key, {"round": r, "position": 0, "wall": med(starts),
                                       "starts": [round(x, 3) for x in starts], "ideal": None,
                                       "isolation": iso, "isolated": iso["isolated"],
                                       **({"error": error} if error else {})})
            log(f"    bare Hello median {fmt_ms(med(bare))} ms ({len(bare)} starts), with the worker's flags "
                f"{fmt_ms(med(flagged))} ms; processes spawn median {fmt_ms(sample['spawnMedian'])} ms"
                + (f"  (Hello ERROR {error})" if error else ""))

        hello_all = [x for s in self.results.good(hkey) for x in s.get("starts", [])]
        launched_all = [x for s in self.results.good(lkey) for x in s.get("starts", [])]
        flagged_all = [x for s in self.results.good(fkey) for x in s.get("starts", [])]
        psamples = self.results.good(pkey)
        spawns_all = [x for s in psamples for x in s.get("spawns") or []]
        hello_med, spawn_med = med(hello_all), med(spawns_all)
        round_hello = self.results.walls(hkey)
        round_spawn = [s.get("spawnMedian") for s in psamples if s.get("spawnMedian") is not None]
        target = TARGETS["h_spawn_vs_hello"]
        self.row(scenario=scen, mode="bare `java -cp DIR Hello` start, launched as the service launches workers",
                 median=med(launched_all), walls=self.results.walls(lkey), target="reference", verdict="INFO",
                 errors=self.results.errors(lkey),
                 notes=(f"median of {len(launched_all)} starts by ProcessBuilder in a running JVM "
                        "(bench/floor/HelloLauncher.java), launch → first stdout line, as spawnMillis is measured"))
        self.row(scenario=scen, mode="bare `java -cp DIR Hello` start, launched by the bench", median=hello_med,
                 walls=round_hello, target="information", verdict="INFO",
                 errors=self.results.errors(hkey),
                 notes=(f"median of {len(hello_all)} starts by Python's subprocess (one exec fewer than the JDK's "
                        f"launcher helper), launch → stdout line (min–max: round medians); "
                        f"{jdk_note}; with the worker's flags {fmt_ms(med(flagged_all))} ms; "
                        f"Hello in a jar (as the worker is) {fmt_ms(med(jarred))} ms"))
        # the ratio: per round, that round's spawn median ÷ that round's median of Hello
        # launched by ProcessBuilder in a JVM, as workers are
        pairs, dropped = self.results.paired(pkey, lkey, num_field="spawnMedian")
        ratio = med(pairs)
        bench_pairs, _ = self.results.paired(pkey, hkey, num_field="spawnMedian")
        notes = [f"median of {len(spawns_all)} spawnMillis (min–max: round medians); ratio: per-round "
                 f"spawn median ÷ median of Hello launched the same way (ProcessBuilder)",
                 f"÷ Hello launched by the bench {med(bench_pairs):.3f}" if bench_pairs else ""]
        if dropped:
            notes.append(f"{dropped} round(s) dropped: one side failed")
        if launched_all:
            notes.append(f"Hello {fmt_ms(med(launched_all))} ms × {target:g} = {fmt_ms(target * med(launched_all))} ms")
        flag_pairs, _ = self.results.paired(pkey, fkey, num_field="spawnMedian")
        if flag_pairs:
            notes.append(f"spawn ÷ Hello with the worker's flags {med(flag_pairs):.3f}")
        durations = [x for s in psamples for x in s.get("durations") or []]
        if durations:
            notes.append(f"task durationMillis median {fmt_ms(med(durations))} ms")
        whole = [x for s in psamples for x in s.get("spawnPlusDuration") or []]
        if whole and hello_med:
            notes.append(f"spawn + duration median {fmt_ms(med(whole))} ms = {med(whole) / hello_med:.2f} × Hello")
        walls = [s["wall"] for s in psamples]
        if walls:
            notes.append(f"wall ÷ tasks {fmt_ms(med(walls) / n)} ms")
        pids = [s.get("pids") for s in psamples if s.get("pids") is not None]
        if pids and min(pids) != n:
            notes.append(f"pids per run {pids} (expected {n}: one per task)")
        notes.append(self.isolation_notes(pkey))
        self.row(key=pkey, scenario=scen, mode=f"{mode} (1) spawnMillis", median=spawn_med, walls=round_spawn,
                 target=f"spawn ≤ {target:g} × Hello", ratio=ratio, ratios=pairs,
                 verdict=verdict(ratio, hi=target), errors=self.results.errors(pkey), notes=join_notes(notes))

    # -- i: process-pool round trip of a no-op task
    def scenario_i(self):
        mode = "process-pool"
        n = self.size["i_tasks"]
        scen = f"i process-pool round trip ({n:,} x sleep 0, concurrency 1)"
        if not self.offers(mode):
            self.skip_rows(scen, [mode])
            return
        log(f"\n[i] process-pool round trip: {n:,} tasks x sleep 0 ms, concurrency 1")
        key = ("i", mode)
        for r in self.rounds():
            log(f"  round {r + 1}/{self.args.repeats}")
            sample = self.take(key, r, 0, mode, lambda: lab_sample(self.lab, mode, experiment_spec(
                mode, sleep_wl(0), n, concurrency=1, label="bench i"), timings=True))
            sample["durationMedian"] = med(sample.get("durations") or [])
        samples = self.results.good(key)
        durations = [x for s in samples for x in s.get("durations") or []]
        per_round = [s["durationMedian"] for s in samples if s.get("durationMedian") is not None]
        target = TARGETS["i_round_trip_ms"]
        m = med(durations)
        spawns = [x for s in samples for x in s.get("spawns") or []]
        notes = [f"median of {len(durations):,} task durationMillis (min–max: round medians)"]
        if durations:
            notes.append(f"p90 {fmt_ms(pct(durations, 90))}, p99 {fmt_ms(pct(durations, 99))}, "
                         f"max {fmt_ms(max(durations))} ms")
        if spawns:
            notes.append(f"worker spawnMillis (first task) {fmt_ms(med(spawns))} ms")
        procs = sorted({s.get("processesUsed") for s in samples if s.get("processesUsed") is not None})
        if procs:
            notes.append(f"processesUsed {procs}")
        notes.append(self.isolation_notes(key))
        self.row(key=key, scenario=scen, mode=f"{mode} (1) task durationMillis", median=m, walls=per_round,
                 target=f"median ≤ {target:g} ms", ratio=(m / target) if m is not None else None,
                 ratios=[x / target for x in per_round], verdict=verdict(m, hi=target),
                 errors=self.results.errors(key), notes=join_notes(notes))
        walls = self.results.walls(key)
        per_task = [w / n for w in walls]
        wnotes = [f"wall {fmt_ms(med(walls))} ms for {n:,} tasks" if walls else ""]
        if walls and spawns:
            wnotes.append(f"(wall − spawn) ÷ tasks {fmt_ms((med(walls) - med(spawns)) / n)} ms")
        self.row(scenario=scen, mode=f"{mode} (1) wall ÷ tasks", walls=per_task, target="info", verdict="INFO",
                 notes="; ".join(x for x in wnotes if x))

    # -- j, k: 100,000 and 1,000,000 waits with their floors (and, for j, Python asyncio)
    def scenario_scale(self, letter):
        """j (100,000 x 1 s) or k (1,000,000 x 1 s): every wait mode, its bare-JDK floor and
        (j) Python asyncio, in the same rounds in a rotated order; k also measures the
        heap a finished run still holds per task (retained_sample)."""
        n, millis = self.size[f"{letter}_tasks"], self.size[f"{letter}_millis"]
        modes = [m for m in WAIT_MODES if self.offers(m)]
        floor_kinds = sorted({FLOOR_FOR_MODE[m] for m in modes if m in FLOOR_FOR_MODE})
        peers = ["asyncio"] if letter == "j" else []
        retained = letter == "k"
        scen = f"{letter} {n:,} x sleep {millis} ms"
        log(f"\n[{letter}] {n:,} tasks x sleep {millis} ms: lab {modes}, floor {floor_kinds} "
            f"(-Xmx{self.floor.heap}), python {peers}")
        warm = self.size.get(f"{letter}_warmup_tasks", 0)
        if warm and not self.args.no_warmup:
            log(f"  warm-up (untimed): {warm:,} tasks x sleep {millis} ms per mode")
            for mode in modes:
                try:
                    self.lab.experiment(experiment_spec(mode, sleep_wl(millis), warm, label=f"bench {letter} warm-up"))
                except (LabError, OSError) as e:
                    log(f"  warm-up {mode}: {e}")

        def lab(mode):
            spec = experiment_spec(mode, sleep_wl(millis), n, label=f"bench {letter}")
            if retained:
                return lambda: self.retained_sample(mode, spec)
            return lambda: lab_sample(self.lab, mode, spec)

        def floor(kind):
            return lambda: timed_sample(f"floor {kind}", lambda: self.floor.run(kind, n, millis), ideal=millis)

        def python(peer):
            return lambda: timed_sample(f"python {peer}", lambda: self.peer.asyncio_ms(n, millis), ideal=millis)

        items = ([((letter, m), m, lab(m)) for m in modes]
                 + [((letter, f"floor {k}"), f"floor {k}", floor(k)) for k in floor_kinds]
                 + [((letter, f"python {p}"), f"python {p}", python(p)) for p in peers])
        for r in self.rounds():
            order = rotated(items, r)
            log(f"  round {r + 1}/{self.args.repeats}: {', '.join(label for _, label, _ in order)}")
            for position, (key, label, fn) in enumerate(order):
                self.take(key, r, position, label, fn)

        floor_target = TARGETS[f"{letter}_floor_ratio"]
        for mode in modes:
            key = (letter, mode)
            fk = FLOOR_FOR_MODE.get(mode)
            fkey = (letter, f"floor {fk}")
            walls, ratios = self.results.walls(key), self.results.ratios(key)
            pairs, dropped = self.results.paired(key, fkey)
            floor_text = paired_text(f"÷ floor({fk})", pairs, dropped)
            if letter == "j":
                target = TARGETS["j_ratio"]
                notes = [floor_text]
                for p in peers:
                    if PEER_FOR_MODE.get(mode) == p:
                        notes.append(paired_text(f"Java ÷ Python {p}", *self.results.paired(key, (letter, f"python {p}"))))
                notes.append(self.isolation_notes(key))
                self.row(key=key, scenario=scen, mode=mode, walls=walls, ideal=ideal_of(self.results, key),
                         target=f"≤ {target:.2f}", ratio=med(ratios), ratios=ratios,
                         verdict=verdict(med(ratios), hi=target), errors=self.results.errors(key),
                         notes=join_notes(notes))
            else:
                # the lab's walls and peak heap; the verdict is on the peak heap
                limit = TARGETS["k_peak_heap_bytes"]
                # The run's own peak (its peak minus the heap in use after a full GC just before
                # it), where measured; else the service's whole peak heap.
                peaks = [s.get("runPeakHeapBytes", s["peakHeapBytes"]) for s in self.results.good(key)
                         if s.get("peakHeapBytes") is not None]
                whole = [s["peakHeapBytes"] for s in self.results.good(key) if s.get("peakHeapBytes") is not None]
                hratio = med(peaks) / limit if peaks else None
                notes = [f"wall ÷ ideal {med(ratios):.3f}" + (f" ({min(ratios):.3f}–{max(ratios):.3f})"
                                                               if len(ratios) > 1 else "") if ratios else "",
                         floor_text,
                         (f"the run's own peak heap {med(peaks) / 2**20:,.0f} MiB (peak − heap in use after a "
                          f"full GC before it); the service's whole peak {med(whole) / 2**20:,.0f} MiB, with the "
                          "finished runs it keeps" if peaks and whole and peaks != whole else ""),
                         heap_notes(self.results.good(key)), self.isolation_notes(key)]
                self.row(key=key, scenario=scen, mode=f"{mode}: peak heap (the run's own)", walls=walls,
                         ideal=ideal_of(self.results, key),
                         target=f"peak heap ≤ {limit / 2**20:,.0f} MiB", ratio=hratio,
                         ratios=[p / limit for p in peaks], verdict=verdict(hratio, hi=1.0),
                         errors=self.results.errors(key), notes=join_notes(notes))
            fwalls = self.results.walls(fkey)
            lab_walls = self.results.by_round(key)
            fnotes = [f"floor ÷ ideal {med(fwalls) / millis:.3f}" if fwalls else "",
                      f"lab wall {fmt_ms(med(list(lab_walls.values())))} ms" if lab_walls else "",
                      f"{dropped} round(s) dropped: one side failed" if dropped else "",
                      "ms and heap columns: the floor program's", self.isolation_notes(fkey)]
            self.row(key=fkey, scenario=f"{scen} ÷ floor", mode=f"{mode} ÷ floor({fk})", walls=fwalls, ideal=millis,
                     target=f"lab ÷ floor ≤ {floor_target:.2f}", ratio=med(pairs), ratios=pairs,
                     verdict=verdict(med(pairs), hi=floor_target), errors=self.results.errors(fkey),
                     notes=join_notes(fnotes))
            if retained:
                self.retained_row(scen, mode, key, n)
        self.skip_rows(scen, WAIT_MODES)
        for p in peers:
            gkey = (letter, f"python {p}")
            pwalls = self.results.walls(gkey)
            notes = [paired_text(f"Java {m} ÷ Python", *self.results.paired((letter, m), gkey))
                     for m in modes if PEER_FOR_MODE.get(m) == p]
            notes.append(self.isolation_notes(gkey))
            pratios = [w / millis for w in pwalls]
            self.row(scenario=f"{letter} Python {platform.python_version()} ({n:,} x {millis} ms)",
                     mode="asyncio.gather(asyncio.sleep)", walls=pwalls, ideal=millis, target="info",
                     ratio=med(pratios), ratios=pratios, verdict="INFO", errors=self.results.errors(gkey),
                     notes=join_notes(notes))

    def heap_after_gc(self):
        """The service's heap in use right after a full GC (jcmd PID GC.run), and how many
        experiments it holds; {"error": ...} when that can't be measured (e.g. the service
        runs on another host, or as another user)."""
        pid = self.machine.get("pid")
        if not pid:
            return {"error": "GET /machine has no pid"}
        jcmd = os.path.join(self.args.jdk, "bin", "jcmd")
        try:
            r = subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                raise LabError(f"{jcmd} {pid} GC.run exited {r.returncode}: {(r.stderr or r.stdout).strip()[-200:]}")
            return {"heap": self.lab.heap_used(), "runs": self.lab.retained_runs()}
        except (LabError, OSError, ValueError, subprocess.TimeoutExpired) as e:
            return {"error": f"{type(e).__name__}: {e}"}

    def retained_sample(self, label, spec):
        """lab_sample, plus the heap the finished run still holds per task: heap in use after
        a full GC right after the run minus the same right before it, ÷ tasks. When the service
        evicted older experiments to make room (its retention limits), the heap those held is
        added back for the ones this bench measured the same way; the sample counts only when
        the evicted experiments it did not measure held at most 1 % as many tasks (their heap
        would otherwise hide part of the new run's)."""
        before = self.heap_after_gc()
        sample = lab_sample(self.lab, label, spec)
        if not ok(sample):
            return sample
        after = self.heap_after_gc()
        problem = before.get("error") or after.get("error")
        if problem:
            sample["retainedError"] = problem
            log(f"    {label}: retained heap not measured ({problem})")
            return sample
        sample["heapAfterGcBefore"], sample["heapAfterGcAfter"] = before["heap"], after["heap"]
        if sample.get("peakHeapBytes") is not None:
            # What the run itself added at its peak: the service also holds the finished runs
            # it keeps (up to lab.retained-timings-memory), which are not this run's cost.
            sample["runPeakHeapBytes"] = sample["peakHeapBytes"] - before["heap"]
        evicted = {k: v for k, v in before["runs"].items() if k not in after["runs"]}
        known = {k: self.retained_known[k] for k in evicted if k in self.retained_known}
        unknown_tasks = sum(v for k, v in evicted.items() if k not in known)
        sample["evictedRuns"], sample["evictedTasks"] = len(evicted), sum(evicted.values())
        sample["evictedMeasuredBytes"] = sum(known.values())
        per_task = (after["heap"] - before["heap"] + sum(known.values())) / spec["tasks"]
        if sample.get("id") not in after["runs"]:
            sample["retainedError"] = "the service no longer holds the run"
        elif unknown_tasks > spec["tasks"] // 100:
            sample["retainedError"] = (f"the service evicted {len(evicted) - len(known)} older experiment(s) of "
                                       f"{unknown_tasks:,} tasks the bench had not measured to keep it")
        else:
            sample["retainedBytesPerTask"] = round(per_task, 2)
            self.retained_known[sample["id"]] = per_task * spec["tasks"]
        log(f"    {label}: heap after GC {before['heap'] / 2**20:,.1f} → {after['heap'] / 2**20:,.1f} MiB"
            + (f" + {sum(known.values()) / 2**20:,.1f} MiB of {len(known)} evicted measured run(s)" if known else "")
            + f" = {per_task:.1f} B/task retained (experiments held {len(before['runs'])} → {len(after['runs'])}, "
            f"{len(evicted)} evicted)" + (f"; NOT COUNTED: {sample['retainedError']}" if sample.get("retainedError") else ""))
        return sample

    def retained_row(self, scen, mode, key, n):
        limit = TARGETS["k_retained_bytes_per_task"]
        samples = self.results.good(key)
        per_task = [s["retainedBytesPerTask"] for s in samples if s.get("retainedBytesPerTask") is not None]
        problems = [s["retainedError"] for s in samples if s.get("retainedError")]
        notes = ["heap in use after a full GC (jcmd GC.run) after the run − before it, ÷ tasks"]
        if per_task:
            notes.append(f"{med(per_task) * n / 2**20:,.1f} MiB for {n:,} tasks")
        corrected = sum(1 for s in samples if s.get("retainedBytesPerTask") is not None
                        and s.get("evictedMeasuredBytes"))
        if corrected:
            notes.append(f"{corrected} sample(s) add back the heap of older runs of this scenario the service "
                         "evicted (as measured)")
        if problems:
            notes.append(f"{len(problems)} sample(s) not counted: {problems[0]}")
        m = med(per_task)
        self.row(scenario=scen, mode=f"{mode}: retained bytes/task", median=None, walls=[],
                 target=f"≤ {limit} B/task", ratio=(m / limit) if m is not None else None,
                 ratios=[x / limit for x in per_task],
                 verdict=verdict(m, hi=limit) if m is not None else ("ERROR" if samples else "-"),
                 notes=join_notes([f"median {m:.1f} B/task" + (f" ({min(per_task):.1f}–{max(per_task):.1f})"
                                                              if len(per_task) > 1 else "") if m is not None else ""]
                                  + notes))

    # -- l: tiny POSTs under load (wrk)
    def find_wrk(self):
        """wrk's path, installing the Debian package when it is missing and we may; else None."""
        found = shutil.which(self.args.wrk)
        if found or self.args.no_install:
            return found, None if found else f"{self.args.wrk} not found (--no-install)"
        apt = shutil.which("apt-get")
        if not apt or os.geteuid() != 0:
            return None, f"{self.args.wrk} not found; install it (apt-get install wrk)"
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in ([apt, "install", "-y", "-q", "wrk"], [apt, "update", "-q"], [apt, "install", "-y", "-q", "wrk"]):
            log(f"  wrk not found: {' '.join(cmd)}")
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
            if r.returncode == 0 and cmd[-1] == "wrk" and shutil.which("wrk"):
                return shutil.which("wrk"), None
        return None, f"wrk not found and apt-get install wrk failed: {(r.stderr or r.stdout).strip()[-200:]}"

    def wrk_sample(self, wrk, script, connections, seconds):
        threads = max(1, min(connections, os.cpu_count() or 2))
        cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-s", script, self.lab.url + "/experiments"]
        log(f"    {' '.join(cmd)}")
        try:
            with HeapSampler(self.lab, self.lab.heap_interval) as heap:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
        except (OSError, subprocess.TimeoutExpired) as e:
            return {"wall": None, "error": f"{type(e).__name__}: {e}"}
        line = next((x for x in r.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if r.returncode != 0 or line is None:
            return {"wall": None, "error": f"wrk exited {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}"}
        w = json.loads(line[len("BENCH_JSON "):])
        secs = w["durationMicros"] / 1e6
        sample = {
            "wall": w["p99Micros"] / 1000,  # the verdict's figure: p99 of every answer
            "p50": w["p50Micros"] / 1000, "p90": w["p90Micros"] / 1000, "max": w["maxMicros"] / 1000,
            "requestsPerSec": w["requests"] / secs, "acceptedPerSec": w["accepted"] / secs,
            "rejectedPerSec": w["rejected"] / secs, "serverErrors": w["serverErrors"], "otherStatus": w["other"],
            "socketErrors": {k: w[k] for k in ("connectErrors", "readErrors", "writeErrors", "timeouts")},
            "wrk": w, "threads": threads, **heap.fields(),
        }
        log(f"    wrk: {sample['requestsPerSec']:,.0f} requests/s, accepted {sample['acceptedPerSec']:,.1f}/s, "
            f"rejected {sample['rejectedPerSec']:,.1f}/s, 5xx {w['serverErrors']}, other {w['other']}, "
            f"p50 {sample['p50']:.1f} ms, p99 {sample['wall']:.1f} ms, socket errors {sample['socketErrors']}")
        return sample

    def scenario_l(self):
        secs, conns = self.size["l_seconds"], self.size["l_connections"]
        scen = f"l tiny POSTs, wrk {conns} connections × {secs} s"
        log(f"\n[l] tiny POSTs under load: wrk, {conns} connections, {secs} s, body {json.dumps(TINY_SPEC)}")
        wrk, why = self.find_wrk()
        if wrk is None:
            self.row(scenario=scen, mode="POST /experiments", verdict="SKIP", notes=why)
            return
        tmp = tempfile.mkdtemp(prefix="lab-wrk-")
        try:
            script = os.path.join(tmp, "tiny_post.lua")
            with open(script, "w") as f:
                f.write(WRK_SCRIPT.replace("@BODY@", json.dumps(TINY_SPEC)))
            key = ("l", "wrk")
            for r in self.rounds():
                log(f"  round {r + 1}/{self.args.repeats}")
                self.take(key, r, 0, "wrk", lambda: self.wrk_sample(wrk, script, conns, secs))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        samples = self.results.good(key)
        p99 = self.results.walls(key)
        target = TARGETS["l_p99_ms"]
        rps = [s["requestsPerSec"] for s in samples]
        rej = [s["rejectedPerSec"] for s in samples]
        acc = [s["acceptedPerSec"] for s in samples]
        other = sum(s["otherStatus"] for s in samples)
        sock = {k: sum(s["socketErrors"][k] for s in samples) for k in ("connectErrors", "readErrors",
                                                                         "writeErrors", "timeouts")}
        notes = ["one p99 over accepted and rejected answers alike (wrk can't split latency by status)",
                 f"p50 {fmt_ms(med([s['p50'] for s in samples]))}, p90 {fmt_ms(med([s['p90'] for s in samples]))}, "
                 f"max {fmt_ms(max(s['max'] for s in samples))} ms" if samples else "",
                 f"{med(rps):,.0f} requests/s ({med(rej):,.0f}/s rejected with 429)" if samples else "",
                 f"{other} answer(s) neither 201/202, 429 nor 5xx" if other else "",
                 ("socket errors " + ", ".join(f"{k} {v}" for k, v in sock.items() if v)) if any(sock.values()) else "",
                 f"wrk -t{samples[0]['threads']} shares the {os.cpu_count()} cores with the service" if samples else "",
                 self.isolation_notes(key)]
        self.row(key=key, scenario=scen, mode="p99 latency, all answers", walls=p99,
                 target=f"p99 ≤ {target:g} ms", ratio=(med(p99) / target) if p99 else None,
                 ratios=[x / target for x in p99], verdict=verdict(med(p99), hi=target),
                 errors=self.results.errors(key), notes=join_notes(notes))
        five = [s["serverErrors"] for s in samples]
        self.row(scenario=scen, mode="5xx answers", median=None, target="none",
                 ratio=None,
                 verdict=("PASS" if sum(five) == 0 else "MISS") if samples else "ERROR",
                 notes=f"{sum(five)} 5xx in {len(samples)} run(s)" if samples else "")
        lo = TARGETS["l_accepted_per_s"]
        self.row(scenario=scen, mode="accepted experiments/s (201/202)", median=None,
                 target=f"≥ {lo}/s (5 × the ~67/s of issue 9)", ratio=(med(acc) / lo) if acc else None,
                 ratios=[x / lo for x in acc], verdict=verdict(med(acc), lo=lo),
                 notes=join_notes([f"{med(acc):,.1f}/s" + (f" ({min(acc):,.1f}–{max(acc):,.1f})" if len(acc) > 1 else "")
                                   if acc else "", "ratio: accepted/s ÷ target"]))

    # -- m: service time of one tiny experiment
    def tiny_sample(self, n, warm):
        """n sequential tiny POSTs (after warm ones) over one kept-alive connection: HTTP round
        trip, the experiment's own summary.wallMillis, and their difference; each POST is
        followed by a timed GET /modes (the HTTP round trip of a static answer)."""
        parsed = urllib.parse.urlparse(self.lab.url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=30)
        body = json.dumps(dict(TINY_SPEC, label="bench m")).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        services, trips, walls, gets, rejected = [], [], [], [], 0
        try:
            with HeapSampler(self.lab, self.lab.heap_interval) as heap:
                i = 0
                while i < warm + n:
                    t0 = time.perf_counter()
                    conn.request("POST", "/experiments?waitMillis=10000", body, headers)
                    resp = conn.getresponse()
                    raw = resp.read()
                    t1 = time.perf_counter()
                    if resp.status == 429:
                        rejected += 1
                        time.sleep(0.2)
                        continue
                    payload = json.loads(raw) if raw else {}
                    if resp.status != 201 or payload.get("status") != "SUCCEEDED":
                        raise LabError(f"tiny POST: HTTP {resp.status}, status {payload.get('status')}")
                    t2 = time.perf_counter()
                    conn.request("GET", "/modes", headers={"Accept": "application/json"})
                    get = conn.getresponse()
                    get.read()
                    t3 = time.perf_counter()
                    if i >= warm:
                        trip, wall = (t1 - t0) * 1000, payload["summary"]["wallMillis"]
                        trips.append(trip)
                        walls.append(wall)
                        services.append(trip - wall)
                        gets.append((t3 - t2) * 1000)
                    i += 1
        except (OSError, LabError, ValueError, KeyError) as e:
            if isinstance(e, OSError) and not self.lab.alive():
                raise ServiceGone(f"the service stopped answering during m ({e})")
            return {"wall": None, "error": f"{type(e).__name__}: {e}"}
        finally:
            conn.close()
        sample = {"wall": med(services), "services": [round(x, 3) for x in services],
                  "roundTrips": [round(x, 3) for x in trips], "experimentWalls": walls,
                  "getModes": [round(x, 3) for x in gets], "rejected": rejected, **heap.fields()}
        log(f"    {n} tiny experiments: round trip median {fmt_ms(med(trips))} ms, own wall median "
            f"{fmt_ms(med(walls))} ms, service time median {fmt_ms(med(services))} ms (p90 "
            f"{fmt_ms(pct(services, 90))}); GET /modes median {fmt_ms(med(gets))} ms")
        return sample

    def scenario_m(self):
        n, warm = self.size["m_requests"], self.size["m_warmup"]
        scen = f"m tiny experiment ({n} sequential POSTs)"
        log(f"\n[m] service time of a tiny experiment: {warm} warm-up + {n} sequential POSTs "
            f"{json.dumps(TINY_SPEC)}, one connection")
        key = ("m", "virtual-threads")
        for r in self.rounds():
            log(f"  round {r + 1}/{self.args.repeats}")
            self.take(key, r, 0, "tiny experiments", lambda: self.tiny_sample(n, warm))
        samples = self.results.good(key)
        services = [x for s in samples for x in s["services"]]
        trips = [x for s in samples for x in s["roundTrips"]]
        walls = [x for s in samples for x in s["experimentWalls"]]
        gets = [x for s in samples for x in s["getModes"]]
        target = TARGETS["m_service_ms"]
        m = med(services)
        notes = [f"HTTP round trip − summary.wallMillis, median of {len(services)} (min–max: round medians)",
                 f"p90 {fmt_ms(pct(services, 90))}, p99 {fmt_ms(pct(services, 99))} ms" if services else "",
                 f"round trip {fmt_ms(med(trips))} ms, own wall {fmt_ms(med(walls))} ms" if trips else "",
                 f"GET /modes round trip {fmt_ms(med(gets))} ms (HTTP + the bench's client alone)" if gets else "",
                 f"{sum(s['rejected'] for s in samples)} answered 429" if any(s["rejected"] for s in samples) else "",
                 self.isolation_notes(key)]
        self.row(key=key, scenario=scen, mode="virtual-threads: service time", median=m,
                 walls=self.results.walls(key), target=f"≤ {target:g} ms (the client's own time included)",
                 ratio=(m / target) if m is not None else None,
                 ratios=[x / target for x in self.results.walls(key)], verdict=verdict(m, hi=target),
                 errors=self.results.errors(key), notes=join_notes(notes))

    # -- n: start-up time
    def find_jar(self):
        """The packaged jar in --project/target (built with ./mvnw -DskipTests package when
        missing) and a note on its age; (None, why) when there is none."""
        project = self.args.project

        def jars():
            return [j for j in glob.glob(os.path.join(project, "target", "*.jar"))
                    if not j.endswith(("-plain.jar", "-sources.jar", "-javadoc.jar"))]

        if not jars():
            cmd = ["./mvnw", "-q", "-B", "-DskipTests", "package"]
            log(f"  no packaged jar in {project}/target: building it ({' '.join(cmd)})")
            t0 = time.monotonic()
            try:
                r = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=1800)
            except (OSError, subprocess.TimeoutExpired) as e:
                return None, f"building the jar failed: {e}"
            if r.returncode != 0 or not jars():
                return None, f"./mvnw package exited {r.returncode}: {(r.stdout + r.stderr).strip()[-300:]}"
            log(f"  built in {time.monotonic() - t0:.0f} s")
        jar = max(jars(), key=os.path.getmtime)
        sources = [os.path.getmtime(f) for f in glob.glob(os.path.join(project, "src", "main", "**", "*"),
                                                          recursive=True) if os.path.isfile(f)]
        stale = sources and max(sources) > os.path.getmtime(jar)
        note = (f"{os.path.relpath(jar, project)} of "
                f"{dt.datetime.fromtimestamp(os.path.getmtime(jar)).strftime('%Y-%m-%d %H:%M')}"
                + (" — OLDER than src/main: rebuild it (./mvnw -DskipTests package) to measure this code"
                   if stale else ""))
        return jar, note

    def start_sample(self, label, cmd_for_port, cwd, timeout=300):
        """Launches a second service on a free port, times launch → /actuator/health UP, stops it."""
        port = free_port()
        cmd = cmd_for_port(port)
        log_path = os.path.join(self.start_dir, f"start-{port}.log")
        proc = None
        try:
            proc, seconds = launch_until_up(label, cmd, cwd, log_path, port, timeout)
        except (LabError, OSError) as e:
            log(f"    {label}: ERROR {e}")
            return {"wall": None, "error": str(e)}
        finally:
            if proc is not None:
                stop_group(proc)
        sample = {"wall": seconds * 1000, "port": port, "command": " ".join(cmd)}
        started = re.search(r"Started \S+ in ([\d.]+) seconds \(process running for ([\d.]+)\)",
                            tail_of(log_path, 400))
        if started:
            sample["bootStartedSeconds"] = float(started.group(1))
            sample["processRunningSeconds"] = float(started.group(2))
        log(f"    {label}: UP after {sample['wall']:,.0f} ms"
            + (f" (Boot: started in {started.group(1)} s, process running for {started.group(2)} s)" if started else ""))
        return sample

    def dockerfile_layout(self, jar):
        """The packaged jar laid out as the Dockerfile does it (extracted with the launcher,
        an AOT cache from a training run with spring.context.exit=onRefresh), in a folder
        of this bench run; (folder, None) or (None, why). Made once per run."""
        if getattr(self, "_layout", None) is not None:
            return self._layout
        java = os.path.join(self.args.jdk, "bin", "java")
        folder = tempfile.mkdtemp(prefix="lab-layout-")
        self.cleanups.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        steps = [[java, "-Djarmode=tools", "-jar", jar, "extract", "--launcher", "--destination", folder],
                 [java, f"-Xmx{self.args.heap}", "-XX:AOTCacheOutput=app.aot", "-Dspring.context.exit=onRefresh",
                  LAUNCHER, "--server.port=0"]]
        t0 = time.monotonic()
        for cmd in steps:
            try:
                r = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=600,
                                   stdin=subprocess.DEVNULL)
            except (OSError, subprocess.TimeoutExpired) as e:
                self._layout = (None, f"{' '.join(cmd[:4])}…: {e}")
                return self._layout
            if r.returncode != 0:
                self._layout = (None, f"{' '.join(cmd[:4])}… exited {r.returncode}: "
                                      f"{(r.stdout + r.stderr).strip()[-300:]}")
                return self._layout
        log(f"  the Dockerfile's layout (extracted, AOT cache {os.path.getsize(os.path.join(folder, 'app.aot')) / 2**20:,.0f} MiB) "
            f"made in {time.monotonic() - t0:.0f} s in {folder}")
        self._layout = (folder, None)
        return self._layout

    def layout_commands(self, jar):
        """[(key label, note, cwd, command for a port)] for the packaged jar and, when it can be
        made, the Dockerfile's layout."""
        java = os.path.join(self.args.jdk, "bin", "java")
        heap = f"-Xmx{self.args.heap}"
        items = [("java -jar", f"{java} {heap} -jar {os.path.relpath(jar, self.args.project)}", self.args.project,
                  lambda port: [java, heap, "-jar", jar, f"--server.port={port}"])]
        folder, why = self.dockerfile_layout(jar)
        if folder:
            items.append(("Dockerfile layout", f"extracted (--launcher), {java} {heap} -XX:AOTCache=app.aot {LAUNCHER}",
                          folder, lambda port: [java, heap, "-XX:AOTCache=app.aot", LAUNCHER,
                                                f"--server.port={port}"]))
        return items, why

    # -- o: worker spawn and the five-process preset, however the service was started
    def scenario_o(self):
        n, k, rounds = self.size["o_tasks"], self.size["o_hello_starts"], self.size["o_rounds"]
        scen = f"o workers by launch ({n} x sleep 0, concurrency 1; five-process preset)"
        log(f"\n[o] worker spawn and the five-process preset in a second service started as java -jar and "
            f"in the Dockerfile's layout; {k} bare Hello starts per round around each")
        jar, jar_note = self.find_jar()
        if jar is None:
            self.row(scenario=scen, mode="processes spawnMillis", verdict="SKIP", notes=jar_note)
            return
        items, why = self.layout_commands(jar)
        if why:
            self.row(scenario=scen, mode="Dockerfile layout", verdict="ERROR", notes=why)
        for label, note, cwd, command in items:
            skey, hkey, pkey = ("o", label, "spawn"), ("o", label, "hello"), ("o", label, "preset")
            bkey = ("o", label, "hello-bench")
            for r in range(rounds):
                log(f"  {label}, round {r + 1}/{rounds}")
                iso = self.await_isolation(f"{label} workers")
                if iso["isolated"] is False:
                    for key in (skey, hkey, pkey, bkey):
                        self.results.add(key, {"round": r, "position": 0, "wall": None, "ideal": None,
                                               "error": "the bench's service was busy; not measured"})
                    continue
                port = free_port()
                log_path = os.path.join(tempfile.gettempdir(), f"lab-o-{port}.log")
                proc = None
                try:
                    proc, _ = launch_until_up(label, command(port), cwd, log_path, port)
                    other = Lab(f"http://127.0.0.1:{port}")
                    other.heap_interval = 0
                    spec = experiment_spec("processes", sleep_wl(0), n, concurrency=1, label="bench o")
                    # untimed: the worker image is made at start-up, and the first run waits for it
                    lab_sample(other, f"{label} warm-up", spec)
                    hellos = [self.hello.start_ms() for _ in range(k // 2)]
                    launched = self.hello.launched_ms(k // 2)
                    sample = lab_sample(other, f"{label} processes", spec, timings=True)
                    hellos += [self.hello.start_ms() for _ in range(k - k // 2)]
                    launched += self.hello.launched_ms(k - k // 2)
                    sample["spawnMedian"] = med(sample.get("spawns") or [])
                    sample["round"], sample["position"] = r, 0
                    self.results.add(skey, sample)
                    self.results.add(hkey, {"round": r, "position": 0, "wall": med(launched), "ideal": None,
                                            "starts": [round(x, 3) for x in launched]})
                    self.results.add(bkey, {"round": r, "position": 0, "wall": med(hellos), "ideal": None,
                                            "starts": [round(x, 3) for x in hellos]})
                    status, _, payload = other.call("POST", "/presets/five-processes-squaring/run?waitMillis=60000",
                                                    timeout=90)
                    summary = ((payload or {}).get("experiment") or {}).get("summary") or {}
                    wall = summary.get("wallMillis")
                    log(f"    bare Hello median {fmt_ms(med(launched))} ms launched as workers are, "
                        f"{fmt_ms(med(hellos))} ms by the bench; spawn median "
                        f"{fmt_ms(sample['spawnMedian'])} ms; five-process preset HTTP {status}, wall {fmt_ms(wall)} ms")
                    self.results.add(pkey, {"round": r, "position": 0, "wall": wall, "ideal": None,
                                            **({} if status == 201 and wall is not None
                                               else {"error": f"HTTP {status}: {payload}"})})
                except (LabError, OSError, ValueError) as e:
                    log(f"    {label}: ERROR {e}")
                    for key in (skey, hkey, pkey, bkey):
                        self.results.add(key, {"round": r, "position": 0, "wall": None, "ideal": None,
                                               "error": str(e)})
                finally:
                    if proc is not None:
                        stop_group(proc)
                    try:
                        os.remove(log_path)
                    except OSError:
                        pass
            pairs, _ = self.results.paired(skey, hkey, num_field="spawnMedian")
            spawns = [x for s in self.results.good(skey) for x in s.get("spawns") or []]
            hellos = [x for s in self.results.good(hkey) for x in s.get("starts", [])]
            bench_hellos = [x for s in self.results.good(bkey) for x in s.get("starts", [])]
            bench_pairs, _ = self.results.paired(skey, bkey, num_field="spawnMedian")
            target = TARGETS["h_spawn_vs_hello"]
            self.row(key=skey, scenario=scen, mode=f"{label}: processes spawnMillis", median=med(spawns),
                     walls=[s["spawnMedian"] for s in self.results.good(skey) if s.get("spawnMedian") is not None],
                     target=f"spawn ≤ {target:g} × Hello", ratio=med(pairs), ratios=pairs,
                     verdict=verdict(med(pairs), hi=target), errors=self.results.errors(skey),
                     notes=join_notes([note, f"bare Hello median {fmt_ms(med(hellos))} ms ({len(hellos)} starts "
                                             "launched by ProcessBuilder as workers are, as in h)",
                                       "ratio: per round, spawn median ÷ that Hello median",
                                       f"Hello launched by the bench {fmt_ms(med(bench_hellos))} ms, ÷ it "
                                       f"{med(bench_pairs):.3f}" if bench_pairs else ""]))
            pwalls = self.results.walls(pkey)
            ptarget = TARGETS["o_preset_ms"]
            self.row(key=pkey, scenario=scen, mode=f"{label}: five-process preset wall", walls=pwalls,
                     target=f"≤ {ptarget:,.0f} ms", ratio=(med(pwalls) / ptarget) if pwalls else None,
                     ratios=[w / ptarget for w in pwalls], verdict=verdict(med(pwalls), hi=ptarget),
                     errors=self.results.errors(pkey),
                     notes="POST /presets/five-processes-squaring/run: 5 workers, each squaring and waiting 1 s")

    def scenario_p(self):
        rate, millis = self.size["p_rate"], self.size["p_millis"]
        arrival = {"ratePerSecond": rate, "durationMillis": millis}
        scen = f"p open model {rate:,}/s x sleep 10 ms for {millis / 1000:g} s"
        log(f"\n[p] the open model: {rate:,} arrivals/s of sleep 10 ms for {millis / 1000:g} s on virtual threads, "
            f"then on a platform pool of 5 (at most 500/s), in the same rounds")
        vkey, pkey = ("p", "virtual-threads"), ("p", "platform-threads")
        for r in self.rounds():
            for position, (key, mode, pool) in enumerate(((vkey, "virtual-threads", None),
                                                          (pkey, "platform-threads", 5))):
                spec = {"mode": mode, "workload": sleep_wl(10), "arrival": arrival, "label": f"bench p {mode}"}
                if pool:
                    spec["concurrency"] = pool
                label = f"round {r + 1} {mode}" + (f" ({pool})" if pool else "")
                self.take(key, r, position, label,
                          lambda spec=spec, label=label, pool=pool: lab_sample(self.lab, label, spec,
                                                                               timings=pool is not None))
        opens = [s["openModel"] for s in self.results.good(vkey) if s.get("openModel")]
        achieved = [o["achievedPerSecond"] / rate for o in opens]
        p99s = [o["latencyMillis"]["p99"] for o in opens if o.get("latencyMillis")]
        share, p99_target = TARGETS["p_achieved_share"], TARGETS["p_p99_ms"]
        ok = (achieved and p99s and min(achieved) >= share and max(p99s) <= p99_target)
        self.row(key=vkey, scenario=scen, mode="virtual-threads", walls=self.results.walls(vkey),
                 target=f"achieved ≥ {share:g} × rate; p99 ≤ {p99_target:g} ms",
                 ratio=med(achieved), ratios=achieved,
                 verdict=("PASS" if ok else "MISS") if opens else "ERROR", errors=self.results.errors(vkey),
                 notes=join_notes([f"achieved {', '.join(f'{a * rate:,.1f}/s' for a in achieved)}",
                                   f"p99 from arrival {', '.join(f'{p:.1f}' for p in p99s)} ms",
                                   f"dropped {', '.join(str(o['dropped']) for o in opens)}, "
                                   f"late {', '.join(str(o['late']) for o in opens)}",
                                   "ratio: achieved ÷ rate"]))
        popen = [s for s in self.results.good(pkey) if s.get("openModel")]
        growth, by_second = [], []
        for s in popen:
            lat = s.get("latencies") or []
            if len(lat) >= 100:
                # in arrival order: the first 1 % met no backlog, the last tenth a full one
                first, last = lat[:len(lat) // 100], lat[-(len(lat) // 10):]
                growth.append((med([x for _, x in first]), med([x for _, x in last])))
                seconds = {}
                for arrived, latency in lat:
                    seconds.setdefault(int(arrived // 1000), []).append(latency)
                by_second.append(" → ".join(f"{med(v):.0f}" for _, v in sorted(seconds.items())))
        collapsed = bool(popen) and all(s["openModel"]["dropped"] > 0 for s in popen) \
            and all(late > early * 10 for early, late in growth) and len(growth) == len(popen)
        self.row(key=pkey, scenario=scen, mode="platform-threads (5)", walls=self.results.walls(pkey),
                 target="collapse shown: drops, latency growing with the backlog",
                 ratio=med([s["openModel"]["achievedPerSecond"] / rate for s in popen]) if popen else None,
                 ratios=[s["openModel"]["achievedPerSecond"] / rate for s in popen],
                 verdict=("PASS" if collapsed else "MISS") if popen else "ERROR", errors=self.results.errors(pkey),
                 notes=join_notes([f"dropped {', '.join(str(s['openModel']['dropped']) for s in popen)} of "
                                   f"{popen[0]['openModel']['arrived'] if popen else '?'}",
                                   "p99 from arrival " + ", ".join(
                                       f"{s['openModel']['latencyMillis']['p99']:.0f}" for s in popen) + " ms",
                                   "latency median, first 1 % → last tenth of the tasks that ran: "
                                   + ", ".join(f"{a:.0f} → {b:.0f} ms" for a, b in growth),
                                   "by second of arrival (first round): " + (by_second[0] if by_second else "-")
                                   + " ms",
                                   "ratio: achieved ÷ rate (at most 5 ÷ 10 ms = 500/s)"]))

    def scenario_n(self):
        k, kmvn = self.size["n_starts"], self.size["n_mvn_starts"]
        scen = f"n start-up to /actuator/health UP (median of {k})"
        log(f"\n[n] start-up: {k} × java -jar{f', {kmvn} × spring-boot:run' if kmvn else ''}")
        jar, jar_note = self.find_jar()
        if jar is None:
            self.row(scenario=scen, mode="java -jar", verdict="SKIP", notes=jar_note)
            return
        java = os.path.join(self.args.jdk, "bin", "java")
        jar_flags = [f"-Xmx{self.args.heap}"]
        jkey, mkey, dkey = ("n", "java -jar"), ("n", "spring-boot:run"), ("n", "Dockerfile layout")
        items = [(jkey, "java -jar", lambda port: [java, *jar_flags, "-jar", jar, f"--server.port={port}"],
                  self.args.project)]
        layouts, layout_error = self.layout_commands(jar)
        layout = next((item for item in layouts if item[0] == "Dockerfile layout"), None)
        if layout:
            items.append((dkey, "Dockerfile layout", layout[3], layout[2]))
        if kmvn:
            items.append((mkey, "spring-boot:run",
                          lambda port: spring_boot_run_command(port, self.args.heap, self.args.optimized_launch),
                          self.args.project))
        self.start_dir = tempfile.mkdtemp(prefix="lab-start-")
        try:
            for i in range(k):
                order = rotated([item for item in items if i < kmvn or item[0] != mkey], i)
                for position, (key, label, cmd, cwd) in enumerate(order):
                    self.take(key, i, position, label,
                              lambda label=label, cmd=cmd, cwd=cwd: self.start_sample(label, cmd, cwd))
        finally:
            shutil.rmtree(self.start_dir, ignore_errors=True)
        target = TARGETS["n_start_ms"]
        walls = self.results.walls(jkey)
        boot = [s["bootStartedSeconds"] for s in self.results.good(jkey) if s.get("bootStartedSeconds")]
        notes = [f"{java} {' '.join(jar_flags)} -jar {jar_note} --server.port=<free port>",
                 "launch → first /actuator/health UP (polled every 20 ms)",
                 f"Boot's own 'Started … in' median {med(boot):.2f} s" if boot else "",
                 self.isolation_notes(jkey)]
        self.row(scenario=scen, mode="java -jar (packaged)", walls=walls, target=f"≤ {target:,.0f} ms",
                 ratio=(med(walls) / target) if walls else None, ratios=[w / target for w in walls],
                 verdict=verdict(med(walls), hi=target), errors=self.results.errors(jkey), notes=join_notes(notes))
        if layout:
            dwalls = self.results.walls(dkey)
            dboot = [s["bootStartedSeconds"] for s in self.results.good(dkey) if s.get("bootStartedSeconds")]
            self.row(scenario=scen, mode="Dockerfile layout (extracted, AOT cache)", walls=dwalls,
                     target=f"≤ {target:,.0f} ms", ratio=(med(dwalls) / target) if dwalls else None,
                     ratios=[w / target for w in dwalls], verdict=verdict(med(dwalls), hi=target),
                     errors=self.results.errors(dkey),
                     notes=join_notes([layout[1], "what the container runs, without the container",
                                       f"Boot's own 'Started … in' median {med(dboot):.2f} s" if dboot else "",
                                       f"÷ java -jar {med(dwalls) / med(walls):.2f}" if dwalls and walls else ""]))
        elif layout_error:
            self.row(scenario=scen, mode="Dockerfile layout (extracted, AOT cache)", verdict="ERROR",
                     notes=layout_error)
        if kmvn:
            mwalls = self.results.walls(mkey)
            self.row(scenario=f"n start-up to /actuator/health UP ({kmvn} starts)", mode="./mvnw spring-boot:run",
                     walls=mwalls, target="info", verdict="INFO", errors=self.results.errors(mkey),
                     notes=join_notes(["includes Maven's own start and its up-to-date checks (what --start waits for)",
                                       self.isolation_notes(mkey)]))

    def run(self):
        only = self.args.only
        if not self.args.no_warmup:
            self.warmup()
        if "a" in only:
            self.scenario_a()
        if only & {"b", "f", "g"}:
            self.scenario_bfg("b" in only, "f" in only, "g" in only)
        if "c" in only:
            self.scenario_c("f" in only)
        if "d" in only:
            self.scenario_d()
        if "e" in only:
            self.scenario_e()
        if "h" in only:
            self.scenario_h()
        if "i" in only:
            self.scenario_i()
        # j and k before l and m: those create thousands of experiments, which evict the
        # retained ones (k's retained-heap figure needs the service's retention stable).
        if "j" in only:
            self.scenario_scale("j")
        if "k" in only:
            self.scenario_scale("k")
        if "l" in only:
            self.scenario_l()
        if "m" in only:
            self.scenario_m()
        if "n" in only:
            self.scenario_n()
        if "o" in only:
            self.scenario_o()
        if "p" in only:
            self.scenario_p()


WRK_SCRIPT = """-- Tiny POSTs for the Concurrency Lab bench (l), written by bench/run.py.
wrk.method = "POST"
wrk.body = '@BODY@'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  accepted, rejected, server_errors, other = 0, 0, 0, 0
end

-- counts answers by status in each wrk thread; done() adds them up
function response(status, headers, body)
  if status == 201 or status == 202 then
    accepted = accepted + 1
  elseif status == 429 then
    rejected = rejected + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, r, s, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    r = r + t:get("rejected")
    s = s + t:get("server_errors")
    o = o + t:get("other")
  end
  io.write(string.format('BENCH_JSON {"requests": %d, "durationMicros": %d, "accepted": %d, "rejected": %d, '
    .. '"serverErrors": %d, "other": %d, "connectErrors": %d, "readErrors": %d, "writeErrors": %d, '
    .. '"statusErrors": %d, "timeouts": %d, "p50Micros": %d, "p90Micros": %d, "p99Micros": %d, '
    .. '"maxMicros": %d, "meanMicros": %.1f}\\n',
    summary.requests, summary.duration, a, r, s, o, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def own_store(cmd, log_path, port):
    """The command with a store of its own, fresh, beside its log: a second service must not
    open the first one's H2 file (./data), which H2 locks."""
    url = f"--spring.datasource.url=jdbc:h2:file:{os.path.dirname(os.path.abspath(log_path))}/store-{port}/lab"
    if any(arg.startswith("-Dspring-boot.run.arguments=") for arg in cmd):
        return [arg + " " + url if arg.startswith("-Dspring-boot.run.arguments=") else arg for arg in cmd]
    return [*cmd, url]


def launch_until_up(label, cmd, cwd, log_path, port, timeout=300):
    """Starts a service (its output to log_path, its store a fresh one beside it) and waits
    for /actuator/health UP on port; returns (process, seconds from launch to UP). If it
    exits first or is not UP within timeout, it is stopped and LabError raised."""
    cmd = own_store(cmd, log_path, port)
    with open(log_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        while not health_up(port):
            if proc.poll() is not None:
                raise LabError(f"{label} exited {proc.returncode} before UP: " + tail_of(log_path, 3))
            if time.perf_counter() - t0 > timeout:
                raise LabError(f"{label}: no /actuator/health UP after {timeout} s")
            time.sleep(0.02)
        return proc, time.perf_counter() - t0
    except BaseException:
        stop_group(proc)
        raise


def free_port():
    """A loopback port nothing listens on now (the OS's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health_up(port):
    """Whether http://127.0.0.1:port/actuator/health answers UP now."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/actuator/health", headers={"Accept": "application/json"})
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status == 200 and json.loads(raw).get("status") == "UP"
    except (OSError, ValueError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def tail_of(path, lines):
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode(errors="replace")
    except OSError:
        return ""


def heap_notes(samples):
    """k's notes on the service's peak heap: range, reads per run, read errors."""
    peaks = [s["peakHeapBytes"] for s in samples if s.get("peakHeapBytes") is not None]
    if not peaks:
        return "no heap reading (GET /actuator/metrics/jvm.memory.used failed)"
    reads = [s.get("heapSamples") or 0 for s in samples]
    text = (f"peak heap {med(peaks) / 2**20:,.0f} MiB" + (f" ({min(peaks) / 2**20:,.0f}–{max(peaks) / 2**20:,.0f})"
                                                          if len(peaks) > 1 else "")
            + f", {min(reads)}–{max(reads)} reads per run")
    errors = [s for s in samples if s.get("heapErrors")]
    if errors:
        text += f"; {len(errors)} run(s) with failed heap reads: {errors[0].get('heapError')}"
    return text


def process_notes(samples):
    """e's notes for a process mode: concurrency used and the workers' spawnMillis."""
    notes = []
    conc = sorted({s.get("concurrency") for s in samples if s.get("concurrency") is not None})
    if conc:
        notes.append(f"concurrency {'/'.join(str(x) for x in conc)} (default)")
    spawns = [x for s in samples for x in s.get("spawns") or []]
    if spawns:
        per_round = [med(s["spawns"]) for s in samples if s.get("spawns")]
        notes.append(f"spawnMillis median {fmt_ms(med(spawns))} ms over {len(spawns)} spawns"
                     + (f" (round medians {fmt_ms(min(per_round))}–{fmt_ms(max(per_round))})"
                        if len(per_round) > 1 else ""))
    procs = [s.get("processesUsed") for s in samples if s.get("processesUsed") is not None]
    if procs:
        notes.append(f"processesUsed {med(procs):g}")
    task_cpu = [s["taskCpuSum"] for s in samples if s.get("taskCpuSum") is not None]
    summary_cpu = [s["cpuMillis"] for s in samples if s.get("cpuMillis") is not None]
    if task_cpu and summary_cpu:
        notes.append(f"Σ task cpuMillis {fmt_ms(med(task_cpu))} ms vs summary cpuMillis {fmt_ms(med(summary_cpu))} ms")
    return "; ".join(notes)


def ideal_of(results, key):
    ideals = [s["ideal"] for s in results.good(key) if s.get("ideal") is not None]
    return med(ideals)


def other_runs(interference):
    """How many other lab runs overlapped a sample, from summary.interference (0 if unknown)."""
    if not isinstance(interference, dict):
        return 0
    value = interference.get("otherRuns")
    if isinstance(value, dict):  # e.g. {"count": n, ...}
        value = value.get("count")
    return value if isinstance(value, (int, float)) else 0


def join_notes(notes):
    return "; ".join(x for x in notes if x)


def verdict(value, lo=None, hi=None):
    if value is None:
        return "ERROR"
    if lo is not None and value < lo:
        return "MISS"
    if hi is not None and value > hi:
        return "MISS"
    return "PASS"


# ----------------------------------------------------------------- report
def fmt_ms(v):
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v >= 1 else f"{v:.3f}"  # sub-millisecond round trips (i)


def fmt_heap(peaks):
    """Peak heap column: the median of the samples' peaks in MiB, and their max when they differ."""
    if not peaks:
        return "-"
    m, hi = med(peaks) / 2**20, max(peaks) / 2**20
    return f"{m:,.0f}" + (f" (max {hi:,.0f})" if len(peaks) > 1 and round(hi) != round(m) else "")


def fmt_ratio(v):
    return "-" if v is None else f"{v:.3f}"


def table(rows):
    out = ["| scenario | mode | median ms | min–max ms | peak heap MiB | ideal / target | ratio (min–max) | verdict "
           "| notes |",
           "|---|---|---:|---:|---:|---|---:|---|---|"]
    for r in rows:
        walls = r.get("walls") or []
        ratios = r.get("ratios") or []
        ideal = r.get("ideal")
        ideal_target = " · ".join(x for x in [
            f"ideal {fmt_ms(ideal)} ms" if ideal is not None else "", r.get("target") or ""] if x)
        rng = f"{fmt_ms(min(walls))}–{fmt_ms(max(walls))}" if walls else "-"
        rr = fmt_ratio(r.get("ratio"))
        if len(ratios) > 1:
            rr += f" ({min(ratios):.3f}–{max(ratios):.3f})"
        notes = r.get("notes") or ""
        if r.get("errors"):
            notes = (notes + "; " if notes else "") + f"{len(r['errors'])} error(s): {r['errors'][0]}"
        middle = r["median"] if r.get("median") is not None else med(walls)
        out.append(f"| {r['scenario']} | {r['mode']} | {fmt_ms(middle)} | {rng} | {fmt_heap(r.get('heap'))} | "
                   f"{ideal_target or '-'} | "
                   f"{rr} | {r.get('verdict', '-')} | {notes.replace('|', '/')} |")
    return "\n".join(out)


def machine_lines(machine, bench, args, floor_version):
    cap = (bench.capacity if bench and bench.capacity else machine.get("capacity")) or {}
    jdk = machine.get("jdk") or {}
    mem = machine.get("memory") or {}
    os_ = machine.get("os") or {}
    lines = [
        f"- service: {args.url} ({'started by the bench from ' + args.project if args.start else 'already running'})",
        f"- cores: {machine.get('cores')} (python sees nproc {os.cpu_count()}, "
        f"affinity {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'})",
        f"- JDK: {jdk.get('version')} {jdk.get('vendor')} {jdk.get('vm')}; max heap "
        f"{(mem.get('maxHeap') or 0) / 2**30:.2f} GiB"
        + (f" (-Xmx{args.heap} given by the bench)" if args.start else " (as the running service was started)")
        + f"; pid {machine.get('pid')}",
        f"- heap: floor program and n's start-ups -Xmx{args.heap}; peak heap column: the service's heap in use "
        + (f"while a sample runs, read every {args.heap_interval:g} s from {bench.lab.perf_note if bench else '?'} "
           "(floor rows: the floor JVM's own, every 0.05 s)" if args.heap_interval > 0 else "not read (--heap-interval 0)"),
        f"- OS: {os_.get('name')} {os_.get('version')} {os_.get('arch')}",
        f"- capacity C: {cap.get('parallelCapacity', float('nan')):.3f} "
        f"(threads {cap.get('threads')}, t1 {cap.get('singleThreadMillis')} ms, tN {cap.get('allThreadsMillis')} ms, "
        f"{cap.get('nanosPerIteration', float('nan')):.3f} ns/iteration, measured {cap.get('measuredAt')})",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
    ]
    if floor_version:
        lines.append(f"- floor JDK: {floor_version}")
    lines.append(f"- repeats: {args.repeats}{' (quick sizes)' if args.quick else ''}; scenarios: "
                 f"{','.join(sorted(args.only))}")
    return lines


def report(args, machine, bench, started, finished, interrupted, abort_note=None):
    os.makedirs(RESULTS_DIR, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    floor_version = bench.floor.version() if bench and bench.floor else None
    head = [f"# Concurrency Lab bench {started.isoformat(timespec='seconds')}", ""]
    head += machine_lines(machine, bench, args, floor_version)
    head.append(f"- duration: {(finished - started).total_seconds():.0f} s"
                + ("; INTERRUPTED, partial results" if interrupted else ""))
    if abort_note:
        head.append(f"- {abort_note}")
    if bench and bench.peer:
        head.append(f"- python peer: {bench.peer.source}")
    if bench and bench.lab.retries_429:
        head.append(f"- 429 answers (waited Retry-After): {bench.lab.retries_429}")
    body = table(bench.rows) if bench else "(no results)"
    text = "\n".join(head) + "\n\n" + body + "\n\n" + LEGEND
    md_path = os.path.join(RESULTS_DIR, f"{stamp}.md")
    with open(md_path, "w") as f:
        f.write(text)
    data = {
        "started": started.isoformat(), "finished": finished.isoformat(), "interrupted": interrupted,
        "abort": abort_note,
        "args": {k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(args).items()},
        "machine": machine, "capacityUsed": bench.capacity if bench else None,
        "python": platform.python_version(), "floorJdk": floor_version,
        "rows": bench.rows if bench else [],
        "samples": [{"scenario": k[0], "what": k[1], "samples": v}
                    for k, v in (bench.results.samples.items() if bench else [])],
    }
    json_path = os.path.join(RESULTS_DIR, f"{stamp}.json")
    with open(json_path, "w") as f:
        json.dump(data, f, indent=1, default=str)
    print("\n" + text)
    print(f"\nwritten: {md_path}\n         {json_path}")


LEGEND = """ratio: wall ÷ idealMillis (b, c, d: 1.00 is perfect, lower is better); a: wall ÷ 1000 ms;
e: vsSequential = sequential wall ÷ mode wall in the same round, to be ≥ 0.92 × C (C = measured parallel
capacity; process-pool ≥ 0.85 × C, processes ≥ 0.75 × C); f: lab wall ÷ bare-JDK floor wall in the same
round (both: run start to the last task's end); g: Python wall ÷ ideal, and in the notes Java ÷ Python
(below 1 = Java faster); h: the ms columns are per-task spawnMillis / Hello start times (median over all
of them, min–max of the round medians), ratio = round's spawn median ÷ round's bare Hello median, to be
≤ 1.0, Hello launched by ProcessBuilder in a JVM as workers are (o: the same for a second service started as java -jar and in the Dockerfile's layout, and the
five-process preset's wall ÷ 1,200 ms); i: the ms columns are task durationMillis (same), ratio = median ÷ 0.5 ms.
j: wall ÷ ideal ≤ 1.50, and per round lab ÷ floor ≤ 1.10 (the ÷ floor rows' ms and heap columns are the
floor's); k: per round lab ÷ floor ≤ 1.20, peak heap ÷ 1 GiB, retained bytes per task ÷ 64 (heap after a
full GC after the run − before it); l: wrk's p99 over all answers ÷ 50 ms, accepted/s ÷ 335; m: HTTP
round trip − summary.wallMillis ÷ 1 ms; n: launch → /actuator/health UP ÷ 3,000 ms.
peak heap MiB: the service's heap in use, largest reading while the sample ran (median of the samples,
max in brackets); floor rows: the floor JVM's own.
Ratios of two figures are per round, over the rounds where both sides succeeded; the ratio column is
their median (min–max in brackets). Modes run in an order rotated every round. Verdicts are on the
median; min–max shows the spread."""


# ----------------------------------------------------------------- main
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__[__doc__.index("Scenarios"):])
    p.add_argument("--url", default="http://127.0.0.1:8080", help="service URL (default %(default)s)")
    p.add_argument("--start", action="store_true",
                   help="start the service with ./mvnw spring-boot:run on the --url port, stop it at the end")
    p.add_argument("--project", default=REPO_ROOT, help="project to start with --start (default %(default)s)")
    p.add_argument("--repeats", type=int, default=None, help="repeats per scenario (default 3, 1 with --quick)")
    p.add_argument("--only", default=ALL_SCENARIOS, help="scenarios to run, e.g. a,b,e (default all)")
    p.add_argument("--quick", action="store_true", help="small sizes for a smoke run (1,000 tasks, ...)")
    p.add_argument("--jdk", default=os.environ.get("LAB_FLOOR_JDK", DEFAULT_JDK),
                   help="JDK for the bare floor program (default %(default)s)")
    p.add_argument("--peer", default=None, help="path of python_peer.py (default ../shared/bench of the project)")
    p.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up experiments")
    p.add_argument("--http-warmup", type=int, default=30,
                   help="untimed full-size rounds per mode before d, for the JIT (default %(default)s)")
    p.add_argument("--no-recalibrate", dest="recalibrate", action="store_false",
                   help="use the capacity GET /machine has instead of POST /machine/calibrate before e")
    p.add_argument("--optimized-launch", action="store_true",
                   help="with --start, keep spring-boot:run's optimizedLaunch (-XX:TieredStopAtLevel=1, C1 only); "
                        "by default the bench passes -Dspring-boot.run.optimizedLaunch=false")
    p.add_argument("--start-timeout", type=float, default=600, help="seconds to wait for the started service")
    p.add_argument("--heap", default="2g",
                   help="-Xmx of the service the bench starts (--start), of the floor program and of n's "
                        "start-ups (default %(default)s)")
    p.add_argument("--heap-interval", type=float, default=0.05,
                   help="seconds between reads of the service's heap in use while a sample runs (peak heap "
                        "column; 0 = don't read it; default %(default)s)")
    p.add_argument("--wrk", default="wrk", help="the wrk binary for l (default %(default)s)")
    p.add_argument("--no-install", action="store_true",
                   help="don't apt-get install wrk when it is missing (l is then SKIP)")
    p.add_argument("--isolation-wait", type=float, default=120,
                   help="seconds each sample waits for other experiments in the service to end before it is "
                        "marked not isolated and skipped (default %(default)s)")
    args = p.parse_args(argv)
    args.only = {c for c in args.only.replace(",", "").strip().lower()}
    bad = args.only - set(ALL_SCENARIOS)
    if bad:
        p.error(f"unknown scenario(s) {','.join(sorted(bad))}; choose from a–n")
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    if args.repeats < 1:
        p.error("--repeats must be ≥ 1")
    host = urllib.parse.urlparse(args.url)
    args.port = host.port or 80
    args.project = os.path.abspath(args.project)
    return args


def main(argv=None):
    args = parse_args(argv)
    started = dt.datetime.now(dt.timezone.utc)
    lab = Lab(args.url)
    lab.heap_interval = args.heap_interval
    service = None
    bench = None
    machine = {}
    interrupted = False
    abort_note = None

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C raises KeyboardInterrupt even when started in the background (where a shell
    # may have set SIGINT to "ignore" before Python started).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_term)
    try:
        if args.start:
            if lab.health():
                raise SystemExit(f"something already answers at {args.url}; choose another port for --start")
            service = Service(args.project, args.port,
                              os.path.join(RESULTS_DIR, f"service-{started.strftime('%Y%m%dT%H%M%SZ')}.log"),
                              optimized_launch=args.optimized_launch, heap=args.heap)
            service.start()
            lab.service = service
            machine = wait_ready(lab, service, args.start_timeout)
        else:
            machine = wait_ready(lab, None, 30)
        lab.open_perf(machine.get("pid"))
        bench = Bench(args, lab, machine)
        print("\n".join(machine_lines(machine, bench, args, None)), flush=True)
        bench.run()
    except KeyboardInterrupt as e:
        interrupted = True
        log(f"\ninterrupted ({e or 'Ctrl-C'}); stopping")
    except ServiceGone as e:
        interrupted = True
        code = service.proc.poll() if service is not None and service.proc is not None else None
        abort_note = (f"ABORTED: {e}" + (f"; the service process exited with code {code}"
                                         + (" (SIGTERM from outside the bench)"
                                            if code in (143, -15) or "exit code: 143" in service.tail() else "")
                                         if code is not None else "")
                      + (f"; log: {service.log_path}" if service is not None else ""))
        log("\n" + abort_note)
    except SystemExit:
        raise
    except Exception:
        interrupted = True
        traceback.print_exc()
    finally:
        try:
            if service is not None:
                service.stop()
        finally:
            if bench is not None and bench.floor is not None:
                bench.floor.cleanup()
            if bench is not None and bench.hello is not None:
                bench.hello.cleanup()
            for cleanup in (bench.cleanups if bench is not None else []):
                cleanup()
    if bench is not None:
        report(args, machine, bench, started, dt.datetime.now(dt.timezone.utc), interrupted, abort_note)
    return 1 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
