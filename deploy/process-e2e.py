#!/usr/bin/env python3
"""End-to-end checks of the packaged service as a real OS process (Python stdlib only).

Two phases; both run by default, either alone with --only:

  shutdown  Starts the jar, runs one long experiment in every mode at once (waits of 60 s,
            computation in the computing modes, worker JVMs in the process modes, one of
            them reading its experiment's file; an H2 query holding its connection; a lock
            held and waited for), checks
            they all have tasks in flight and records the service's descendant processes,
            then sends SIGTERM while other threads keep posting experiments and reading.
            Asserts: every answer during the shutdown is a 503 problem detail (or, for a
            GET, a normal 200) or a refused/reset connection, never another status and
            never a hang; a POST accepted in the instant before the service began stopping
            is cancelled like the others, and none is accepted after the first 503; the JVM
            exits with 143 within Spring's 30 s graceful phase; its log has one "Shutdown:
            experiment <id> (<mode>) CANCELLED, <n> of <tasks> tasks completed" line per
            experiment; every recorded worker process is gone right after the exit (reaped,
            no zombie, none reparented: this script makes itself a child subreaper, so an
            orphan would be reparented to it and seen); the worker image's temporary folder
            and the file workload's folder are deleted.

  soak      Starts the jar, warms it up with one round of every mode x every workload (one
            of them cancelled, one past its deadline) and every kind of invalid request,
            takes a baseline, runs 500 small experiments back to back cycling over every
            mode x workload (4-20 tasks of 5-20 ms; one in 23 cancelled with DELETE, in
            turn while QUEUED behind an exclusive run, once RUNNING, and at once; one in 29
            given a deadline shorter than its work; an invalid request after every tenth,
            answered 4xx; every cancelled and every 20th experiment also read as task pages,
            CSV, timeline and event stream; one in 27 recorded with JFR, "record": true),
            measuring at the midpoint and at the end.
            Asserts: every experiment reaches the final status its kind calls for (SUCCEEDED
            with every task, CANCELLED, or FAILED by its deadline: the service has no
            TIMED_OUT), equal checksums for equal computations, no 5xx, and the service back
            where it started: no thread of a run (lab-*) and no worker process left, live
            threads, open file descriptors and executor meters within a few of the baseline,
            and heap after a full GC no larger at the end than at the midpoint (both hold the
            200 retained experiments, so growth between them would be unbounded growth);
            every recorded experiment RECORDED with its files, no more recording folders
            kept than lab.recording.retained (10), and none left after the service stops.

Both phases fail on any ERROR or WARN line in the service's log (SpringDoc's two start-up
notices aside). Everything started is stopped on success and failure (the JVM's process
group, then any recorded worker by pid), also on SIGTERM/SIGHUP to this script and when
--deadline passes. The figures are printed at the end; a failed check prints a line starting
with "FAIL" and the exit status is 1 (2 when the jar or the JDK is missing).

    python3 deploy/process-e2e.py [--only soak|shutdown] [--jar PATH] [--java PATH]
                                  [--deadline SECONDS] [--keep-logs]
"""

import argparse
import ctypes
import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
DEFAULT_JAR = os.path.join(ROOT, "target", "concurrency-lab-0.1.0-SNAPSHOT.jar")

MODES = ["sequential", "platform-threads", "virtual-threads", "fork-join", "async", "reactive", "processes",
         "process-pool", "event-loop", "gil-threads"]
WORKLOAD_TYPES = ["sleep", "cpu", "mixed", "http", "lock", "db", "file", "steps"]
# The modes that run a lock workload (one lock shared by threads of the service); the soak
# gives the others a sleep in its place.
LOCK_MODES = {"sequential", "platform-threads", "virtual-threads", "fork-join", "gil-threads"}
LOCK_KINDS = ["synchronized", "reentrant", "fair"]
# The modes that run the db workload (JDBC calls through a pool of the service's): the soak
# gives the others a sleep in its place.
DB_MODES = LOCK_MODES | {"async", "reactive"}
# The modes that run the file workload (blocking I/O: threads of their own, or workers).
FILE_MODES = LOCK_MODES | {"processes", "process-pool"}
# The modes that run a steps workload of wait, cpu and http steps.
STEPS_MODES = LOCK_MODES | {"async", "processes", "process-pool"}
# The modes that take the open model (tasks arriving at a rate).
OPEN_MODES = set(MODES) - {"fork-join"}
FINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}  # the service has no TIMED_OUT: a passed deadline is FAILED

STARTUP_TIMEOUT_S = 90  # 4.4-4.9 s on a quiet machine (README); generous for a busy CI host
HTTP_TIMEOUT_S = 30  # any single ordinary request
POLL_TIMEOUT_S = 60  # an experiment to reach a state
# Spring's graceful shutdown: ExperimentService.stop waits at most 30 s for the runs it
# cancelled, and the web server's graceful phase (spring.lifecycle.timeout-per-shutdown-phase)
# is 30 s as well. The service should be far faster; 30 s is the limit asserted.
SHUTDOWN_LIMIT_S = 30
SHUTDOWN_HARD_WAIT_S = 75  # after this the JVM is killed and the phase fails
# A probe that gets no answer (nor a refusal) within this counts as a hang: on this machine a
# GET /modes or a refused POST answers in milliseconds even with both cores busy.
PROBE_TIMEOUT_S = 5

SOAK_EXPERIMENTS = 500
SOAK_MIDPOINT = 250

# Bounds of the soak, chosen from this script's runs on the 2-core build machine (Temurin
# 25.0.3, the jar of 2026-11-25; seven soak runs, load average 1-9 from other builds); every
# run prints the measured values and deltas among its figures.
#
# Live threads of the JVM, end minus baseline, both read after a full GC. Pools that keep
# idle threads for a while (Tomcat's request threads, the experiment conductors (30 s), the
# JDK's process reapers (60 s), the virtual-thread carriers) make it move by a few; the
# warm-up fills Spring's task executor (8 threads kept forever) before the baseline. Measured
# 0 to +1 once that executor was filled (+6 to +8 before). A leak of one thread per
# experiment would show +500. Threads of a run (named lab-...) must be 0 at every
# measurement: that one is exact.
THREADS_SLACK = 6
# Open file descriptors, end minus baseline: keep-alive sockets (Tomcat, the http workload's
# loopback client) come and go. Measured +1 to +2 (the midpoint +6). A leaked descriptor per
# experiment (a pipe of a worker, a socket) would show hundreds.
FDS_SLACK = 8
# Heap used after a full GC (jcmd GC.run, then GC.heap_info), end minus midpoint. At both
# points the registry holds its 200 retained experiments (41 warm-up + 250 > 200), so only
# noise is expected: measured -0.2 to +0.3 MiB. 2 MiB over the 250 experiments between them
# catches anything retained at 8 KiB or more per experiment.
HEAP_SLACK_BYTES = 2 * 1024 * 1024

RESULT_LINE = re.compile(
    r"Shutdown: experiment (\S+) \((\S+)\) (\w+)(?:, (\d+) of (\d+) tasks completed|, no task started)")


class Abort(Exception):
    """A precondition failed: the phase cannot go on."""


START = time.monotonic()


def say(message):
    print(f"[{time.monotonic() - START:7.1f}s] {message}", flush=True)


class Checks:
    """Soft assertions: each failure prints one FAIL line and is counted."""

    def __init__(self):
        self.failures = []

    def check(self, phase, ok, message):
        if not ok:
            self.failures.append(f"[{phase}] {message}")
            print(f"FAIL [{phase}] {message}", flush=True)
        return ok


# ---------------------------------------------------------------------------- HTTP


class Response:

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def text(self, limit=300):
        return self.body.decode("utf-8", "replace")[:limit]


def call(port, method, path, body=None, content_type="application/json", timeout=HTTP_TIMEOUT_S, headers=None):
    """One request on a fresh connection; raises OSError / http.client errors as they come."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            sent["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=sent)
        resp = conn.getresponse()
        payload = resp.read()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
    finally:
        conn.close()


def is_problem(resp, status):
    if resp.status != status or not resp.content_type.startswith("application/problem+json"):
        return False
    try:
        return resp.json().get("status") == status
    except ValueError:
        return False


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------- /proc


def proc_stat(pid):
    """state, ppid and start time (clock ticks since boot) of a process, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    rest = s[s.rindex(")") + 2:].split()
    return {"state": rest[0], "ppid": int(rest[1]), "start": int(rest[19])}


def children(pid):
    out = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.update(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def descendants(pid):
    """Every descendant of pid: {pid: stat}, walking /proc/<pid>/task/*/children."""
    found = {}
    todo = [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in found:
                st = proc_stat(child)
                if st is not None:
                    found[child] = st
                    todo.append(child)
    return found


def cmdline(pid, limit=160):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()[:limit]
    except OSError:
        return "?"


def thread_count(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise Abort(f"no Threads line in /proc/{pid}/status")


def thread_names(pid):
    names = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                names.append(f.read().strip())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return names


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def become_subreaper():
    """Orphans of the service then become this script's children instead of init's, so a
    worker the service failed to reap or kill is seen (and cleaned up) here."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


# ---------------------------------------------------------------------------- the service


class Service:
    """The packaged jar as a process of its own group; kill() ends the whole group."""

    def __init__(self, args, name, logdir, extra=(), jvm=()):
        self.args = args
        self.jvm = list(jvm)
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(logdir, f"{name}.log")
        self.extra = list(extra)
        self.proc = None
        self.log = None
        self.startup_s = None
        self.seen_workers = {}  # pid -> start time, everything recorded as a descendant

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        self.log = open(self.log_path, "wb")
        command = [self.args.java, *self.jvm, "-jar", self.args.jar, "--server.address=127.0.0.1",
                   f"--server.port={self.port}", *self.extra]
        say(f"{self.name}: starting {' '.join(command[1:])} (log {self.log_path})")
        began = time.monotonic()
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=ROOT, start_new_session=True)
        deadline = began + STARTUP_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                raise Abort(f"{self.name}: java exited with {self.proc.returncode} before it was up; "
                            f"last log lines:\n{self.log_tail()}")
            try:
                r = call(self.port, "GET", "/actuator/health", timeout=2)
                if r.status == 200 and r.json().get("status") == "UP":
                    break
            except (OSError, http.client.HTTPException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise Abort(f"{self.name}: not UP within {STARTUP_TIMEOUT_S} s; last log lines:\n{self.log_tail()}")
            time.sleep(0.2)
        self.startup_s = time.monotonic() - began
        say(f"{self.name}: up in {self.startup_s:.1f} s, pid {self.pid}, port {self.port}")

    def record_descendants(self):
        found = descendants(self.pid)
        for pid, st in found.items():
            self.seen_workers.setdefault(pid, st["start"])
        return found

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self):
        """The always path: SIGKILL to the process group (the JVM and the worker JVMs it
        started, which stay in its group), then to any recorded worker still alive."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            say(f"{self.name}: killing process group {self.proc.pid}")
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            print(f"WARNING: java pid {self.proc.pid} did not die within 20 s of SIGKILL", flush=True)
        for pid, start in self.seen_workers.items():
            st = proc_stat(pid)
            if st is not None and st["start"] == start:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                reap(pid)
        if self.log is not None:
            self.log.close()
            self.log = None


def reap(pid):
    """Reaps pid if it became this script's child (as subreaper); harmless otherwise."""
    for _ in range(50):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.02)


LOG_LINE = re.compile(r"^\S+\s+(ERROR|WARN)\s+\d+ --- \[[^\]]*\] \[[^\]]*\] (\S+)\s*: (.*)$")


def log_problems(checks, phase, svc, figures):
    """Every ERROR or WARN line of the service's log is a failure, except SpringDoc's two
    start-up notices; grouped by logger and message (ids and numbers masked)."""
    groups = {}
    for line in svc.log_text().splitlines():
        m = LOG_LINE.match(line)
        if not m or m.group(2).endswith("SpringDocAppInitializer"):
            continue
        message = re.sub(r"[0-9a-f-]{36}|\d+", "#", m.group(3))[:160]
        key = f"{m.group(1)} {m.group(2)}: {message}"
        groups[key] = groups.get(key, 0) + 1
    figures[f"{phase} log ERROR/WARN lines"] = groups or 0
    for key, n in groups.items():
        checks.check(phase, False, f"log: {n} x {key}")


def get_json(svc, path, timeout=HTTP_TIMEOUT_S):
    r = call(svc.port, "GET", path, timeout=timeout)
    if r.status != 200:
        raise Abort(f"GET {path}: {r.status} {r.text()}")
    return r.json()


def check_catalog(svc):
    modes = [m["id"] for m in get_json(svc, "/modes")]
    if sorted(modes) != sorted(MODES):
        raise Abort(f"GET /modes lists {modes}, this script knows {MODES}: update it")
    types = [w["type"] for w in get_json(svc, "/workloads")]
    if sorted(types) != sorted(WORKLOAD_TYPES):
        raise Abort(f"GET /workloads lists {types}, this script knows {WORKLOAD_TYPES}: update it")


def wait_final(svc, exp_id, timeout=POLL_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while True:
        e = get_json(svc, f"/experiments/{exp_id}")
        if e["status"] in FINAL:
            return e
        if time.monotonic() > deadline:
            raise Abort(f"experiment {exp_id} ({e['mode']}) still {e['status']} after {timeout} s")
        time.sleep(0.05)


# ---------------------------------------------------------------------------- phase: shutdown

# One long experiment per mode, all "shared" so that they run at once (computation defaults
# to "exclusive", which would queue them one after another), 60 s waits and computations far
# longer than the phase, so that every one is still running when SIGTERM comes. Two of them
# compute flat out (fork-join, processes: one core each), the others wait; the process modes
# hold 1 + 2 worker JVMs. timeoutMillis is the longest allowed so no deadline interferes.
LONG_CPU = 10_000_000_000  # the largest allowed: ~15-20 s per task here
SHUTDOWN_PLAN = [
    # A query holding an H2 connection, a lock held and waited for, a worker reading the
    # experiment's file then waiting: the pool, the lock and the folder must be let go too.
    ("sequential", {"type": "db", "millis": 60000, "poolSize": 2}, 3, None),
    ("platform-threads", {"type": "lock", "lock": "fair", "holdMillis": 60000}, 8, None),
    ("virtual-threads", {"type": "sleep", "millis": 60000}, 100, None),
    ("fork-join", {"type": "cpu", "iterations": LONG_CPU}, 4, 1),
    ("async", {"type": "http", "millis": 60000}, 20, None),
    ("reactive", {"type": "sleep", "millis": 30000, "steps": 2}, 50, None),
    ("processes", {"type": "steps", "steps": [{"file": 64}, {"wait": 60000}]}, 2, 1),
    ("process-pool", {"type": "mixed", "millis": 60000, "iterations": 50_000_000}, 4, 2),
    ("event-loop", {"type": "sleep", "millis": 60000}, 50, None),
    ("gil-threads", {"type": "mixed", "millis": 60000, "iterations": 50_000_000}, 4, None),
]
EXPECTED_WORKERS = 1 + 2  # processes (concurrency 1) + process-pool (concurrency 2)
# What the probes post during the shutdown: valid, shared, long (so that one accepted in the
# instant before the service began stopping must show up in the log as cancelled).
PROBE_BODY = {"mode": "virtual-threads", "workload": {"type": "sleep", "millis": 60000}, "tasks": 1,
              "isolation": "shared", "label": "e2e shutdown probe"}


class Prober(threading.Thread):
    """Sends one kind of request again and again until told to stop, recording each outcome."""

    def __init__(self, port, kind, paths, stop, t0):
        super().__init__(name=f"probe-{kind}", daemon=True)
        self.port = port
        self.kind = kind
        self.paths = paths
        self.stop = stop
        self.t0 = t0
        self.outcomes = []  # (seconds after SIGTERM, method path, outcome, detail, latency)

    def run(self):
        i = 0
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            sent = time.monotonic()
            method = "POST" if self.kind == "post" else "GET"
            detail = ""
            try:
                if method == "POST":
                    r = call(self.port, "POST", path, PROBE_BODY, timeout=PROBE_TIMEOUT_S)
                else:
                    r = call(self.port, "GET", path, timeout=PROBE_TIMEOUT_S)
                if is_problem(r, 503):
                    outcome = "503"
                elif method == "POST" and r.status in (201, 202):
                    outcome = "accepted"
                    detail = r.json().get("id", "?")
                elif method == "GET" and r.status == 200:
                    outcome = "200"
                else:
                    outcome = "unexpected"
                    detail = f"{r.status} {r.content_type} {r.text(200)}"
            except ConnectionRefusedError:
                outcome = "refused"
            except (ConnectionResetError, BrokenPipeError, http.client.IncompleteRead) as ex:
                # http.client.RemoteDisconnected is a ConnectionResetError: closed without answer
                outcome = "reset"
                detail = type(ex).__name__
            except TimeoutError:
                outcome = "hang"
                detail = f"no answer within {PROBE_TIMEOUT_S} s"
            except (OSError, http.client.HTTPException, ValueError) as ex:
                outcome = "error"
                detail = repr(ex)
            self.outcomes.append((sent - self.t0, f"{method} {path}", outcome, detail, time.monotonic() - sent))
            time.sleep(0.01)


def phase_shutdown(args, checks, figures, logdir):
    phase = "shutdown"
    # 10 experiments at once (default limit 4), and room for probe POSTs accepted in the
    # instant before the service begins stopping, so that no 429 can come into it.
    tmpdir = os.path.join(logdir, "shutdown-tmp")
    os.makedirs(tmpdir, exist_ok=True)
    svc = Service(args, phase, logdir, ["--lab.max-running-experiments=16"], jvm=[f"-Djava.io.tmpdir={tmpdir}"])
    stop_probes = threading.Event()
    probers = []
    try:
        svc.start()
        check_catalog(svc)
        started = {}
        for mode, workload, tasks, concurrency in SHUTDOWN_PLAN:
            body = {"mode": mode, "workload": workload, "tasks": tasks, "isolation": "shared",
                    "timeoutMillis": 600000, "label": f"e2e shutdown {mode}"}
            if concurrency:
                body["concurrency"] = concurrency
            r = call(svc.port, "POST", "/experiments?waitMillis=0", body)
            if r.status != 202:
                raise Abort(f"POST {mode}: expected 202, got {r.status} {r.text()}")
            started[r.json()["id"]] = (mode, tasks)
        say(f"shutdown: posted {len(started)} experiments, one per mode; waiting until each has tasks in flight")

        # Precondition: every experiment RUNNING with tasks in flight (they queue behind the
        # start-up calibration and worker image, a few seconds).
        pending = dict(started)
        in_flight = {}
        deadline = time.monotonic() + POLL_TIMEOUT_S
        while pending:
            for exp_id, (mode, _) in list(pending.items()):
                e = get_json(svc, f"/experiments/{exp_id}")
                if e["status"] in FINAL:
                    raise Abort(f"{mode} ended {e['status']} before the shutdown: {e.get('error')}")
                if e["status"] == "RUNNING" and e["progress"]["inFlight"] > 0:
                    in_flight[mode] = e["progress"]["inFlight"]
                    del pending[exp_id]
            if pending and time.monotonic() > deadline:
                raise Abort(f"not in flight within {POLL_TIMEOUT_S} s: {sorted(m for m, _ in pending.values())}")
            time.sleep(0.2)
        # All at once, not one after the other: read them all again.
        for exp_id, (mode, _) in started.items():
            e = get_json(svc, f"/experiments/{exp_id}")
            checks.check(phase, e["status"] == "RUNNING" and e["progress"]["inFlight"] > 0,
                         f"precondition: {mode} is {e['status']} with {e['progress']['inFlight']} in flight")
        say("shutdown: in flight " + ", ".join(f"{m} {n}" for m, n in in_flight.items()))

        deadline = time.monotonic() + POLL_TIMEOUT_S
        while len(svc.record_descendants()) < EXPECTED_WORKERS:
            if time.monotonic() > deadline:
                raise Abort(f"expected {EXPECTED_WORKERS} worker processes, see {len(descendants(svc.pid))}")
            time.sleep(0.1)
        workers = {pid: st for pid, st in svc.record_descendants().items()}
        say(f"shutdown: {len(workers)} descendant processes: "
            + "; ".join(f"{pid} {cmdline(pid, 60)}" for pid in sorted(workers)))
        image = re.search(r"Worker image ready in \d+ ms at (\S+)/worker\.jar", svc.log_text())
        image_dir = image.group(1) if image else None
        checks.check(phase, image_dir is not None, "the log does not say where the worker image is")

        # SIGTERM, and probe while it shuts down.
        t0 = time.monotonic()
        os.kill(svc.pid, signal.SIGTERM)
        some_id = next(iter(started))
        probers = [Prober(svc.port, "post", ["/experiments?waitMillis=0"], stop_probes, t0),
                   Prober(svc.port, "post", ["/experiments?waitMillis=0"], stop_probes, t0),
                   Prober(svc.port, "get", [f"/experiments/{some_id}", "/modes", f"/experiments/{some_id}/tasks",
                                            "/experiments?status=RUNNING"], stop_probes, t0)]
        for p in probers:
            p.start()
        exit_deadline = t0 + SHUTDOWN_HARD_WAIT_S
        while svc.proc.poll() is None and time.monotonic() < exit_deadline:
            time.sleep(0.01)
        exited = svc.proc.poll() is not None
        shutdown_s = time.monotonic() - t0
        time.sleep(0.3)  # a few probes after the exit: refused
        stop_probes.set()
        for p in probers:
            p.join(timeout=PROBE_TIMEOUT_S + 5)
        if not exited:
            checks.check(phase, False, f"the JVM did not exit within {SHUTDOWN_HARD_WAIT_S} s of SIGTERM "
                                       f"(killed now); last log lines:\n{svc.log_tail()}")
            svc.kill()
        rc = svc.proc.returncode
        figures["shutdown seconds (SIGTERM to exit)"] = round(shutdown_s, 2)
        figures["shutdown exit code"] = rc
        say(f"shutdown: exit code {rc} after {shutdown_s:.2f} s")
        checks.check(phase, rc == 143, f"exit code {rc}, expected 143 (128 + SIGTERM)")
        checks.check(phase, shutdown_s <= SHUTDOWN_LIMIT_S,
                     f"shutdown took {shutdown_s:.1f} s, more than the {SHUTDOWN_LIMIT_S} s graceful phase")

        # Every recorded worker: gone, not a zombie, not reparented (to init, or to this
        # script as subreaper). Checked at once after the exit.
        left = []
        for pid, st in workers.items():
            now = proc_stat(pid)
            if now is not None and now["start"] == st["start"]:
                left.append(f"{pid} state {now['state']} ppid {now['ppid']} ({cmdline(pid, 80)})")
        checks.check(phase, not left, f"worker processes left after the service exited: {left}")
        figures["shutdown worker processes recorded / left"] = f"{len(workers)} / {len(left)}"
        if image_dir:
            checks.check(phase, not os.path.exists(image_dir), f"worker image folder {image_dir} still exists")
        files_left = glob.glob(os.path.join(tmpdir, "concurrency-lab-files-*"))
        checks.check(phase, not files_left, f"file workload folders left after the service exited: {files_left}")

        # Probe outcomes.
        outcomes = [o for p in probers for o in p.outcomes]
        counts = {}
        for _, _, outcome, _, _ in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        figures["shutdown probe outcomes"] = counts
        n503 = counts.get("503", 0)
        figures["shutdown 503 answers"] = n503
        bad = [o for o in outcomes if o[2] in ("unexpected", "hang", "error")]
        checks.check(phase, not bad, f"{len(bad)} answers during shutdown were neither a 503 problem, a 200 GET "
                                     f"nor a refused/reset connection; first: {bad[:3]}")
        first_503 = min((o[0] for o in outcomes if o[2] == "503"), default=None)
        accepted = [o for o in outcomes if o[2] == "accepted"]
        # Causal order only: a POST sent after a 503 had come back must be refused too. (Two
        # probers post at once, so one sent earlier may still be served later: send times
        # alone do not order them.)
        first_503_back = min((o[0] + o[4] for o in outcomes if o[2] == "503"), default=None)
        late = [o for o in accepted if first_503_back is not None and o[0] > first_503_back]
        checks.check(phase, not late,
                     f"POSTs sent after a 503 had come back were accepted (once stopping, always stopping): "
                     f"{late[:3]}")
        slowest = max((o[4] for o in outcomes if o[2] in ("refused", "reset", "503")), default=0)
        figures["shutdown slowest refusal/503/reset (s)"] = round(slowest, 3)
        if first_503 is not None:
            last_503 = max(o[0] for o in outcomes if o[2] == "503")
            figures["shutdown 503 window (s after SIGTERM)"] = f"{first_503:.2f}-{last_503:.2f}"
        first_refused = min((o[0] for o in outcomes if o[2] == "refused"), default=None)
        if first_refused is not None:
            figures["shutdown first refused connection (s after SIGTERM)"] = round(first_refused, 2)
        say(f"shutdown: probes {counts}; 503 from {first_503} s, refused from {first_refused} s")

        # The log: one line per experiment it stopped.
        text = svc.log_text()
        lines = {}
        for m in RESULT_LINE.finditer(text):
            lines.setdefault(m.group(1), []).append(m)
        for exp_id, (mode, tasks) in started.items():
            found = lines.get(exp_id, [])
            if not checks.check(phase, len(found) == 1, f"{len(found)} 'Shutdown: experiment {exp_id} ({mode})' "
                                                        f"lines in the log, expected 1"):
                continue
            m = found[0]
            checks.check(phase, m.group(2) == mode and m.group(3) == "CANCELLED" and m.group(5) is not None
                         and int(m.group(5)) == tasks and int(m.group(4)) < tasks,
                         f"log line for {mode} reads '{m.group(0)}', expected CANCELLED, n < {tasks} of {tasks}")
        for _, _, _, exp_id, _ in accepted:
            found = lines.get(exp_id, [])
            checks.check(phase, len(found) == 1 and found[0].group(3) == "CANCELLED",
                         f"probe experiment {exp_id}, accepted just after SIGTERM, has no CANCELLED shutdown line")
        extra = set(lines) - set(started) - {o[3] for o in accepted}
        checks.check(phase, not extra, f"shutdown lines for unknown experiments: {sorted(extra)}")
        figures["shutdown log lines"] = "; ".join(
            f"{m.group(2)} {m.group(4)}/{m.group(5)}" for ms in lines.values() for m in ms)
        log_problems(checks, phase, svc, figures)
    finally:
        stop_probes.set()
        for p in probers:
            p.join(timeout=PROBE_TIMEOUT_S + 5)
        svc.kill()


# ---------------------------------------------------------------------------- phase: soak


def soak_spec(i):
    """The i-th soak experiment: (kind, body). Cycles every mode (i mod 10) x every workload
    (i div 10 mod 8; a lock, a db query, a file or steps only where the mode runs them,
    else a sleep); 4-20 tasks of 5-20 ms (a lock's tasks hold it 2-6 ms each, one after another; db
    queries go through a pool of 2-4 connections on H2; files are 64 KiB, read or written
    and synced); one in 13 of the sleeps, HTTP calls and queries arrives at a rate (the open
    model); one in 23 is cancelled, one in 29
    has a deadline shorter than its work (both residues chosen so that every mode gets some)."""
    mode = MODES[i % len(MODES)]
    wtype = WORKLOAD_TYPES[(i // len(MODES)) % len(WORKLOAD_TYPES)]
    if (wtype == "lock" and mode not in LOCK_MODES) or (wtype == "db" and mode not in DB_MODES) \
            or (wtype == "file" and mode not in FILE_MODES) or (wtype == "steps" and mode not in STEPS_MODES):
        wtype = "sleep"
    kind = "cancel" if i % 23 == 7 else "deadline" if i % 29 == 11 else "normal"
    if wtype in ("file", "steps") and kind != "normal":
        # File I/O may well end before a cancel or a 150 ms deadline: those get a sleep.
        wtype = "sleep"
    lock = LOCK_KINDS[i % len(LOCK_KINDS)]
    tasks = 4 + (i * 7) % 17
    millis = 5 + (i * 3) % 16
    iterations = 3_000_000 + (i % 8) * 1_000_000  # ~5-17 ms at 1.5-2 ns a round
    if kind == "normal":
        workload = {"sleep": {"type": "sleep", "millis": millis},
                    "cpu": {"type": "cpu", "iterations": iterations},
                    "mixed": {"type": "mixed", "millis": millis, "iterations": iterations},
                    "http": {"type": "http", "millis": millis},
                    "lock": {"type": "lock", "lock": lock, "holdMillis": 1 + millis // 4,
                             "iterations": 1_000_000},
                    "db": {"type": "db", "millis": millis, "poolSize": 2 + i % 3},
                    "file": {"type": "file", "op": ("read", "write")[i % 2], "sizeKiB": 64},
                    "steps": {"type": "steps", "steps": [{"wait": millis // 2}, {"cpu": 1_000_000},
                                                         {"http": 2}]}}[wtype]
        body = {"mode": mode, "workload": workload, "tasks": tasks, "label": f"soak {i}"}
        if i % 13 == 3 and mode in OPEN_MODES and wtype in ("sleep", "http", "db"):
            # The open model: 20 tasks arriving over 50 ms, each dropped after 20 ms unstarted.
            del body["tasks"]
            body["arrival"] = {"ratePerSecond": 400, "durationMillis": 50, "maxQueueMillis": 20,
                               "distribution": ("constant", "poisson")[i % 2], "seed": i}
        if i % 27 == 5:
            # Every mode in turn (27 and 10 are coprime), the first two in the warm-up.
            body["record"] = True
    else:
        # Seconds of work: a cancel finds it running, a 150 ms deadline passes first.
        workload = {"sleep": {"type": "sleep", "millis": 2000},
                    "cpu": {"type": "cpu", "iterations": 2_000_000_000},
                    "mixed": {"type": "mixed", "millis": 2000, "iterations": 5_000_000},
                    "http": {"type": "http", "millis": 2000},
                    "lock": {"type": "lock", "lock": lock, "holdMillis": 2000},
                    "db": {"type": "db", "millis": 2000, "poolSize": 2}}[wtype]
        body = {"mode": mode, "workload": workload, "tasks": 4, "label": f"soak {i} {kind}"}
        if kind == "deadline":
            body["timeoutMillis"] = 150
    return kind, body


def invalid_requests(any_finished_id):
    """(description, method, path, body, content type, expected status) of bad requests."""
    ok = {"mode": "virtual-threads", "workload": {"type": "sleep", "millis": 5}, "tasks": 2}
    return [
        ("unknown mode", "POST", "/experiments", {**ok, "mode": "green-threads"}, "application/json", 400),
        ("negative wait", "POST", "/experiments", {**ok, "workload": {"type": "sleep", "millis": -5}},
         "application/json", 400),
        ("unknown field", "POST", "/experiments", {**ok, "colour": "blue"}, "application/json", 400),
        ("malformed JSON", "POST", "/experiments", b'{"mode": "sequential", ', "application/json", 400),
        ("zero tasks", "POST", "/experiments", {**ok, "tasks": 0}, "application/json", 400),
        ("wrong content type", "POST", "/experiments", b"mode=sequential", "text/plain", 415),
        ("too many worker processes", "POST", "/experiments",
         {"mode": "process-pool", "workload": {"type": "cpu", "iterations": 1}, "tasks": 4, "concurrency": 999},
         "application/json", 400),
        ("unknown workload type", "POST", "/experiments", {**ok, "workload": {"type": "disk", "millis": 5}},
         "application/json", 400),
        ("bad isolation", "POST", "/experiments", {**ok, "isolation": "bogus"}, "application/json", 400),
        ("db on the event loop", "POST", "/experiments",
         {**ok, "mode": "event-loop", "workload": {"type": "db", "millis": 5}}, "application/json", 400),
        ("db pool of 0", "POST", "/experiments", {**ok, "workload": {"type": "db", "millis": 5, "poolSize": 0}},
         "application/json", 400),
        ("unknown experiment", "GET", f"/experiments/{uuid.uuid4()}", None, None, 404),
        ("cancel a finished experiment", "DELETE", f"/experiments/{any_finished_id}", None, None, 409),
    ]


class Soak:

    def __init__(self, svc, checks):
        self.svc = svc
        self.checks = checks
        self.counts = {}
        self.invalid_sent = 0
        self.server_errors = []
        self.checksums = {}  # iterations -> result
        self.last_finished = None
        self.series = {}  # measurement -> the Prometheus series (name and tags) it saw
        self.thread_kinds = {}  # measurement -> {thread name, digits masked: count}

    def count(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def fail(self, message):
        self.checks.check("soak", False, message)

    def request(self, method, path, body=None, content_type="application/json", timeout=HTTP_TIMEOUT_S,
                headers=None):
        r = call(self.svc.port, method, path, body, content_type=content_type, timeout=timeout, headers=headers)
        if r.status >= 500:
            self.server_errors.append(f"{method} {path}: {r.status} {r.text(200)}")
            self.fail(f"{method} {path} answered {r.status}: {r.text(300)}")
        return r

    def post_waiting(self, body, label):
        """Posts with waitMillis=0; the new experiment's id, or None (a failure) unless 202."""
        r = self.request("POST", "/experiments?waitMillis=0", body)
        if r.status != 202:
            self.fail(f"{label}: POST answered {r.status}, expected 202: {r.text()}")
            return None
        return r.json()["id"]

    def await_state(self, exp_id, state, label):
        deadline = time.monotonic() + POLL_TIMEOUT_S
        while True:
            e = self.request("GET", f"/experiments/{exp_id}").json()
            if e["status"] == state or e["status"] in FINAL:
                return e
            if time.monotonic() > deadline:
                self.fail(f"{label}: not {state} within {POLL_TIMEOUT_S} s (still {e['status']})")
                return None
            time.sleep(0.01)

    def run_one(self, i):
        kind, body = soak_spec(i)
        label = f"#{i} {body['mode']} {body['workload']['type']} {kind}"
        began = time.monotonic()
        if kind == "cancel":
            # Three ways, in turn: while QUEUED behind an exclusive run (certain), once
            # RUNNING, and at once (either).
            how = ("queued", "running", "at once")[(i // 23) % 3]
            label += f" ({how})"
            blocker = None
            if how == "queued":
                blocker = self.post_waiting({"mode": "sequential", "workload": {"type": "sleep", "millis": 10000},
                                             "tasks": 1, "isolation": "exclusive", "label": "soak blocker"}, label)
                if blocker is None or self.await_state(blocker, "RUNNING", label) is None:
                    return
            exp_id = self.post_waiting(body, label)
            if exp_id is None:
                return
            if how == "queued":
                status = self.request("GET", f"/experiments/{exp_id}").json()["status"]
                self.checks.check("soak", status == "QUEUED", f"{label}: {status} behind an exclusive run")
            elif how == "running":
                self.await_state(exp_id, "RUNNING", label)
            d = self.request("DELETE", f"/experiments/{exp_id}")
            if d.status == 409:
                self.count("cancel too late (409)")
            elif d.status != 202:
                self.fail(f"{label}: DELETE answered {d.status}, expected 202: {d.text()}")
            e = wait_final(self.svc, exp_id)
            self.checks.check("soak", e["status"] == "CANCELLED" or d.status == 409,
                              f"{label}: ended {e['status']} after a cancel, expected CANCELLED ({e.get('error')})")
            if blocker is not None:
                d = self.request("DELETE", f"/experiments/{blocker}")
                b = wait_final(self.svc, blocker)
                self.checks.check("soak", d.status == 202 and b["status"] == "CANCELLED",
                                  f"{label}: cancelling the blocker: {d.status}, it ended {b['status']}")
                self.count(f"blocker {b['status']}")
            self.extras(exp_id, label)
        else:
            r = self.request("POST", "/experiments?waitMillis=60000", body, timeout=90)
            if r.status not in (201, 202):
                self.fail(f"{label}: POST answered {r.status}, expected 201: {r.text()}")
                return
            e = r.json() if r.status == 201 else wait_final(self.svc, r.json()["id"])
            if r.status == 202:
                self.count("answered 202 (over 60 s)")
            if kind == "deadline":
                self.checks.check("soak", e["status"] == "FAILED" and "deadline" in (e.get("error") or ""),
                                  f"{label}: ended {e['status']} ({e.get('error')}), expected FAILED by its deadline")
            else:
                s = e.get("summary") or {}
                tasks = body.get("tasks", e.get("tasks"))
                dropped = e["progress"].get("dropped", 0)
                ok = (e["status"] == "SUCCEEDED" and (s.get("succeeded") or 0) + dropped == tasks
                      and e["progress"]["completed"] + dropped == tasks)
                if ok and "arrival" in body:
                    om = s.get("openModel") or {}
                    ok = om.get("arrived") == tasks and om.get("dropped") == dropped
                    self.count("open model")
                self.checks.check("soak", ok, f"{label}: ended {e['status']}, {s.get('succeeded')} of "
                                              f"{tasks} succeeded ({e.get('error')})")
                if ok and body.get("record"):
                    jfr = e.get("jfr") or {}
                    self.checks.check("soak", jfr.get("status") == "RECORDED" and jfr.get("files"),
                                      f"{label}: recorded with JFR, but jfr is {str(jfr)[:300]}")
                    self.count("recorded with JFR")
                if ok and body["workload"]["type"] == "lock":
                    turns = sorted(t["result"] for t in e.get("timings", []))
                    self.checks.check("soak", turns == list(range(body["tasks"])),
                                      f"{label}: the tasks' turns at the lock were {turns[:5]}…, expected 0 to "
                                      f"{body['tasks'] - 1}, each once")
                elif ok and body["workload"]["type"] == "steps":
                    results = {t["result"] for t in e.get("timings", [])}
                    self.checks.check("soak", results == {3}, f"{label}: steps done {sorted(results)}, expected 3")
                    self.count("steps experiments")
                elif ok and body["workload"]["type"] == "file":
                    results = {t["result"] for t in e.get("timings", [])}
                    expected = self.checksums.setdefault("file 64 KiB", next(iter(results), None))
                    self.checks.check("soak", results == {expected},
                                      f"{label}: file checksums {sorted(results)[:3]}, expected {expected} as before")
                    self.count("file experiments")
                elif ok and body["workload"]["type"] == "db":
                    sessions = {t["result"] for t in e.get("timings", [])}
                    self.checks.check("soak", 1 <= len(sessions) <= body["workload"]["poolSize"],
                                      f"{label}: {len(sessions)} database sessions served the queries, expected "
                                      f"1 to {body['workload']['poolSize']} (the pool)")
                    self.count("db experiments")
                elif ok and "iterations" in body["workload"]:
                    results = {t["result"] for t in e.get("timings", [])}
                    n = body["workload"]["iterations"]
                    expected = self.checksums.setdefault(n, next(iter(results), None))
                    self.checks.check("soak", results == {expected},
                                      f"{label}: task results {sorted(results)[:3]}, expected {expected} as before")
            exp_id = e["id"]
        self.count(f"{kind} {e['status']}")
        self.last_finished = exp_id
        if i % 20 == 0 and kind != "cancel":
            self.extras(exp_id, label)
        self.count("experiments")
        if time.monotonic() - began > 30:
            self.fail(f"{label}: took {time.monotonic() - began:.0f} s")

    def extras(self, exp_id, label):
        """The other read paths of a finished experiment: task pages, CSV, timeline, its event
        stream (done for every cancelled one, and every 20th)."""
        # (a 5xx has already been reported by request())
        r = self.request("GET", f"/experiments/{exp_id}/tasks", None)
        self.checks.check("soak", r.status == 200 or r.status >= 500, f"{label}: GET tasks answered {r.status}")
        r = self.request("GET", f"/experiments/{exp_id}/tasks", headers={"Accept": "text/csv"})
        self.checks.check("soak", (r.status == 200 and r.content_type.startswith("text/csv")) or r.status >= 500,
                          f"{label}: tasks CSV answered {r.status} {r.content_type}")
        r = self.request("GET", f"/experiments/{exp_id}/timeline.svg")
        self.checks.check("soak", (r.status == 200 and r.content_type.startswith("image/svg+xml")) or r.status >= 500,
                          f"{label}: timeline answered {r.status} {r.content_type}")
        r = self.request("GET", f"/experiments/{exp_id}/events", headers={"Accept": "text/event-stream"},
                         timeout=15)
        self.checks.check("soak", (r.status == 200 and b"event:finished" in r.body) or r.status >= 500,
                          f"{label}: event stream of a finished experiment: {r.status} {r.text(200)}")

    def invalid(self, k):
        desc, method, path, body, ctype, expected = invalid_requests(self.last_finished)[k % 11]
        r = self.request(method, path, body, content_type=ctype or "application/json")
        self.invalid_sent += 1
        self.checks.check("soak", is_problem(r, expected),
                          f"invalid request ({desc}): answered {r.status} {r.content_type}, expected a {expected} "
                          f"problem detail: {r.text(200)}")
        self.count(f"invalid {r.status}")

    def settle(self):
        """Waits until nothing runs and no worker process is left."""
        deadline = time.monotonic() + POLL_TIMEOUT_S
        while True:
            busy = sum(get_json(self.svc, f"/experiments?status={s}&size=1")["total"] for s in ("RUNNING", "QUEUED"))
            workers = self.svc.record_descendants()
            if busy == 0 and not workers:
                return
            if time.monotonic() > deadline:
                self.fail(f"after {POLL_TIMEOUT_S} s still {busy} experiments running or queued, "
                          f"{len(workers)} worker processes: {[cmdline(p, 80) for p in workers]}")
                return
            time.sleep(0.2)

    def measure(self, name):
        self.settle()
        pid = self.svc.pid
        jcmd = os.path.join(os.path.dirname(self.svc.args.java), "jcmd")
        subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True, timeout=120)
        info = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True, text=True,
                              timeout=120).stdout
        used = re.search(r"used (\d+)K", info)
        if not used:
            raise Abort(f"cannot read the heap from jcmd GC.heap_info: {info[:300]}")
        names = thread_names(pid)
        prom = call(self.svc.port, "GET", "/actuator/prometheus").body.decode("utf-8", "replace")
        series = [l for l in prom.splitlines() if l and not l.startswith("#")]
        m = {
            "threads": thread_count(pid),
            "run threads (lab-*)": sum(1 for n in names if n.startswith("lab-")),
            "processes": len(descendants(pid)),
            "fds": fd_count(pid),
            "heap MiB": int(used.group(1)) / 1024,
            "executor series": sum(1 for l in series if l.startswith("executor")),
            "series": len(series),
        }
        self.series[name] = {l.rsplit(" ", 1)[0] for l in series}
        kinds = {}
        for n in names:  # thread names as the kernel keeps them (15 characters), digits masked
            kind = re.sub(r"\d+", "#", n)
            kinds[kind] = kinds.get(kind, 0) + 1
        self.thread_kinds[name] = kinds
        say(f"soak: {name}: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                          for k, v in m.items()))
        return m


def phase_soak(args, checks, figures, logdir):
    phase = "soak"
    # A temporary folder of its own, to see the recordings it keeps and that it deletes them.
    tmpdir = os.path.join(logdir, "soak-tmp")
    os.makedirs(tmpdir, exist_ok=True)
    svc = Service(args, phase, logdir, jvm=[f"-Djava.io.tmpdir={tmpdir}"])
    try:
        svc.start()
        check_catalog(svc)
        soak = Soak(svc, checks)
        # Warm-up: every mode x workload once (#7 is a cancel, #11 a deadline), every invalid request,
        # so that lazily made things (Reactor's schedulers, the HTTP clients, the JIT's code,
        # error tables) exist before the baseline.
        began = time.monotonic()
        for i in range(len(MODES) * len(WORKLOAD_TYPES)):
            soak.run_one(i)
        for k in range(11):
            soak.invalid(k)
        # Spring's applicationTaskExecutor streams the CSVs: it starts a new thread for each
        # of its first 8 tasks (core size 8, kept forever), so fill it before the baseline.
        for _ in range(10):
            soak.extras(soak.last_finished, "warm-up")
        warm_s = time.monotonic() - began
        say(f"soak: warm-up {soak.counts.get('experiments')} experiments in {warm_s:.1f} s")
        baseline = soak.measure("baseline")
        soak.counts.clear()
        soak.invalid_sent = 0
        began = time.monotonic()
        mid = None
        for i in range(SOAK_EXPERIMENTS):
            soak.run_one(i)
            if i % 10 == 9:
                soak.invalid(i // 10)
            if i % 100 == 99:
                say(f"soak: {i + 1} experiments, {time.monotonic() - began:.1f} s")
            if i + 1 == SOAK_MIDPOINT:
                mid_began = time.monotonic()
                mid = soak.measure("midpoint")
                began += time.monotonic() - mid_began  # the soak's time excludes measuring
        soak_s = time.monotonic() - began
        end = soak.measure("end")
        figures["soak experiments / invalid requests / seconds"] = (
            f"{soak.counts.get('experiments', 0)} / {soak.invalid_sent} / {soak_s:.1f}")
        figures["soak outcomes"] = {k: v for k, v in sorted(soak.counts.items()) if k != "experiments"}
        figures["soak 5xx answers (warm-up included)"] = len(soak.server_errors)
        for key in ("threads", "run threads (lab-*)", "processes", "fds", "heap MiB", "executor series", "series"):
            b, mi, e = baseline[key], mid[key], end[key]
            fmt = (lambda v: f"{v:.1f}") if isinstance(b, float) else str
            figures[f"soak {key} baseline / mid / end"] = (f"{fmt(b)} / {fmt(mi)} / {fmt(e)} "
                                                            f"(end-baseline {fmt(e - b)}, end-mid {fmt(e - mi)})")
        checks.check(phase, soak.counts.get("experiments", 0) == SOAK_EXPERIMENTS,
                     f"{soak.counts.get('experiments', 0)} of {SOAK_EXPERIMENTS} experiments completed their checks")
        checks.check(phase, not soak.server_errors, f"{len(soak.server_errors)} answers were 5xx")
        for name, m in (("baseline", baseline), ("midpoint", mid), ("end", end)):
            checks.check(phase, m["run threads (lab-*)"] == 0,
                         f"{m['run threads (lab-*)']} threads of a run (lab-*) alive at the {name}, when none runs")
            checks.check(phase, m["processes"] == 0,
                         f"{m['processes']} worker processes alive at the {name}, when none runs "
                         "(process-pool workers start and end with their experiment)")
        checks.check(phase, end["threads"] - baseline["threads"] <= THREADS_SLACK,
                     f"live threads {baseline['threads']} -> {end['threads']}, more than +{THREADS_SLACK}")
        checks.check(phase, end["fds"] - baseline["fds"] <= FDS_SLACK,
                     f"open file descriptors {baseline['fds']} -> {end['fds']}, more than +{FDS_SLACK}")
        checks.check(phase, (end["heap MiB"] - mid["heap MiB"]) * 1024 * 1024 <= HEAP_SLACK_BYTES,
                     f"heap after GC grew {mid['heap MiB']:.1f} -> {end['heap MiB']:.1f} MiB between the midpoint "
                     f"and the end (both hold 200 retained experiments), more than "
                     f"{HEAP_SLACK_BYTES / 1024 / 1024:.0f} MiB")
        # Series may be added while the soak meets new tag values (an outcome or HTTP status
        # first seen for a mode and workload); they are bounded since no tag holds an id.
        grown = {}
        for line in soak.series["end"] - soak.series["midpoint"]:
            family = line.split("{", 1)[0]
            grown[family] = grown.get(family, 0) + 1
        figures["soak series new between midpoint and end, by name"] = grown
        b, e = soak.thread_kinds["baseline"], soak.thread_kinds["end"]
        figures["soak threads end vs baseline, by name"] = {
            k: e.get(k, 0) - b.get(k, 0) for k in sorted(set(b) | set(e)) if e.get(k, 0) != b.get(k, 0)}
        figures["soak mean seconds per experiment"] = round(soak_s / SOAK_EXPERIMENTS, 3)
        files_left = glob.glob(os.path.join(tmpdir, "concurrency-lab-files-*"))
        checks.check(phase, not files_left, f"file workload folders left after their experiments: {files_left}")
        kept = glob.glob(os.path.join(tmpdir, "concurrency-lab-recordings-*", "*"))
        figures["soak recording folders kept at the end"] = len(kept)
        checks.check(phase, 0 < len(kept) <= 10,
                     f"{len(kept)} recording folders kept, expected 1 to lab.recording.retained (10)")
        checks.check(phase, end["executor series"] <= baseline["executor series"],
                     f"executor meter series {baseline['executor series']} -> {end['executor series']}: "
                     "the meters of ended runs must be removed")
        # Stop it the ordinary way; the shutdown phase checks that in detail.
        os.kill(svc.pid, signal.SIGTERM)
        try:
            rc = svc.proc.wait(timeout=SHUTDOWN_HARD_WAIT_S)
            checks.check(phase, rc == 143, f"the idle service exited with {rc} on SIGTERM, expected 143")
            left = glob.glob(os.path.join(tmpdir, "concurrency-lab-recordings-*"))
            checks.check(phase, not left, f"recordings left after the service stopped: {left}")
        except subprocess.TimeoutExpired:
            checks.check(phase, False, f"the idle service did not exit within {SHUTDOWN_HARD_WAIT_S} s of SIGTERM")
        log_problems(checks, phase, svc, figures)
    finally:
        svc.kill()


# ---------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["soak", "shutdown"], help="run one phase only")
    parser.add_argument("--jar", default=DEFAULT_JAR, help="the packaged service (default: %(default)s)")
    parser.add_argument("--java", default=os.environ.get("LAB_JAVA", DEFAULT_JAVA),
                        help="a JDK 25 java, with jcmd beside it (default: $LAB_JAVA or %(default)s)")
    parser.add_argument("--deadline", type=int, default=900, help="seconds before everything is stopped and "
                        "the run fails (default: %(default)s)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the services' logs even when all passed")
    args = parser.parse_args()
    for path, what in ((args.jar, "the jar (build it: ./mvnw -DskipTests package)"), (args.java, "java"),
                       (os.path.join(os.path.dirname(args.java), "jcmd"), "jcmd")):
        if not os.path.exists(path):
            print(f"FAIL {what} not found at {path}", flush=True)
            return 2

    # SIGTERM / SIGHUP to this script: unwind through the finally blocks (kill the services).
    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    # The whole run's own deadline, whatever hangs: about 2 minutes on a quiet machine.
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(args.deadline)
    subreaper = become_subreaper()
    logdir = tempfile.mkdtemp(prefix="process-e2e-")
    checks = Checks()
    figures = {}
    phases = [("shutdown", phase_shutdown), ("soak", phase_soak)]
    say(f"jar {args.jar} ({time.strftime('%Y-%m-%d %H:%M', time.gmtime(os.path.getmtime(args.jar)))} UTC), "
        f"logs in {logdir}, subreaper {subreaper}")
    try:
        for name, run in phases:
            if args.only and args.only != name:
                continue
            began = time.monotonic()
            try:
                run(args, checks, figures, logdir)
            except Abort as ex:
                checks.check(name, False, f"aborted: {ex}")
            except (OSError, http.client.HTTPException, ValueError, subprocess.SubprocessError) as ex:
                checks.check(name, False, f"aborted: {type(ex).__name__}: {ex}")
            figures[f"{name} phase seconds"] = round(time.monotonic() - began, 1)
    except KeyboardInterrupt as ex:
        checks.check("main", False, f"interrupted ({ex}; SIGALRM = the --deadline passed)")
    signal.alarm(0)
    figures["total seconds"] = round(time.monotonic() - START, 1)

    print("\n==== figures ====")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    if checks.failures:
        print(f"\n==== {len(checks.failures)} FAILED ====")
        grouped = {}  # the same failure for many experiments: once, with a count
        for f in checks.failures:
            key = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", f)
            key = re.sub(r"#\d+ ", "#<n> ", key)
            grouped.setdefault(key, []).append(f)
        for key, items in grouped.items():
            print(f"FAIL {items[0]}" if len(items) == 1 else f"FAIL {len(items)} x {key}")
        print(f"logs kept in {logdir}")
        return 1
    if args.keep_logs:
        print(f"\nlogs kept in {logdir}")
    else:
        shutil.rmtree(logdir, ignore_errors=True)
    print("\nPASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
