#!/usr/bin/env python3
"""Two replicas of the packaged service behind nginx, sharing one PostgreSQL (stdlib only).

Needs the LAB_TEST_WORKLOAD_DB_URL, _USER and _PASSWORD that `deploy/postgres.sh start`
prints (a throwaway cluster on 127.0.0.1), psql and nginx (Debian's; installed when
missing). Makes a database of its own on that cluster, starts replicas A and B of the jar on
it (lab.max-running-experiments=2: the cap is two for both together) and nginx in front of
them (round robin), all on 127.0.0.1, then:

  route     POST through nginx; the X-Lab-Replica header names the replica that took it.
  other     The other replica answers GET (progress as of the owner's heartbeat), streams
            its progress (SSE), and refuses its tasks CSV with 409 while it runs.
  cap       With two experiments running, a third is refused with 429 by either replica.
  cancel    DELETE through the other replica: the owner cancels it at its next beat; the
            other's stream ends with `finished` CANCELLED.
  finished  A finished experiment and a comparison read the same through both replicas
            (JSON, tasks CSV, timeline, chart), and through nginx.
  crash     SIGKILL of the owner while it runs an experiment: the survivor marks it FAILED
            ("The service stopped while it ran") once the heartbeat is stale, and frees its
            slot.

Stops everything it started (SIGTERM, then SIGKILL) on success and on failure, and drops its
database. A failed check prints "FAIL ..." and exits 1.

    python3 deploy/replicas-e2e.py [--jar PATH] [--java PATH]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
DEFAULT_JAR = os.path.join(ROOT, "target", "concurrency-lab-0.1.0-SNAPSHOT.jar")
DATABASE = "lab_replicas_e2e"
LONG = {"mode": "virtual-threads", "workload": {"type": "sleep", "millis": 60000}, "tasks": 4}
failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message, flush=True)
    if not ok:
        failures.append(message)
    return ok


def call(port, method, path, body=None, timeout=60, accept=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if accept:
            headers["Accept"] = accept
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        parsed = json.loads(text) if text.startswith(("{", "[")) else text
        return resp.status, resp.getheader("X-Lab-Replica"), parsed, text
    finally:
        conn.close()


def psql(sql, db=None):
    url = os.environ["LAB_TEST_WORKLOAD_DB_URL"]
    host_port, default_db = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    env = {**os.environ, "PGPASSWORD": os.environ.get("LAB_TEST_WORKLOAD_DB_PASSWORD", "")}
    out = subprocess.run(["psql", "-h", host, "-p", port, "-U", os.environ["LAB_TEST_WORKLOAD_DB_USER"], "-d",
                          db or default_db.split("?")[0], "-tAc", sql], env=env, check=True, capture_output=True,
                         text=True)
    return out.stdout.strip()


def until(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    check(False, f"{what} within {timeout} s")
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Events(threading.Thread):
    """Reads a Server-Sent-Event stream into a list of (event, data) until it ends."""

    def __init__(self, port, path):
        super().__init__(daemon=True)
        self.port, self.path, self.events, self.status = port, path, [], None

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", self.path, headers={"Accept": "text/event-stream"})
            resp = conn.getresponse()
            self.status = resp.status
            name = None
            while True:
                line = resp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    self.events.append((name, json.loads(line[5:])))
        except OSError:
            return
        finally:
            conn.close()


def nginx_binary():
    if shutil.which("nginx") is None and os.path.exists("/usr/sbin/nginx") is False:
        print("installing Debian's nginx (its own service not started: only ours, on loopback)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        policy = "/usr/sbin/policy-rc.d"
        had_policy = os.path.exists(policy)
        if not had_policy:
            with open(policy, "w") as out:
                out.write("#!/bin/sh\nexit 101\n")
            os.chmod(policy, 0o755)
        try:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], env=env, check=True)
        finally:
            if not had_policy:
                os.remove(policy)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(folder, port, upstreams):
    conf = os.path.join(folder, "nginx.conf")
    servers = "\n".join(f"        server 127.0.0.1:{u};" for u in upstreams)
    with open(conf, "w") as out:
        out.write(f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream lab {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://lab;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # Server-Sent Events go through as they are written.
            proxy_buffering off;
            proxy_read_timeout 600s;
        }}
    }}
}}
""")
    return subprocess.Popen([nginx_binary(), "-c", conf, "-p", folder, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process, name):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=45)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop within 45 s: killing it", flush=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default=DEFAULT_JAR)
    parser.add_argument("--java", default=DEFAULT_JAVA)
    args = parser.parse_args()
    if "LAB_TEST_WORKLOAD_DB_URL" not in os.environ:
        print("LAB_TEST_WORKLOAD_DB_URL is not set: run `source <(bash deploy/postgres.sh start)` first")
        return 2
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    url = os.environ["LAB_TEST_WORKLOAD_DB_URL"].rsplit("/", 1)[0] + "/" + DATABASE
    folder = tempfile.mkdtemp(prefix="replicas-e2e-")
    ports = {"A": free_port(), "B": free_port()}
    front = free_port()
    replicas, nginx = {}, None
    try:
        for name, port in ports.items():
            log = open(os.path.join(folder, f"replica-{name}.log"), "w")
            replicas[name] = subprocess.Popen(
                [args.java, "-jar", args.jar, f"--server.port={port}", "--server.address=127.0.0.1",
                 f"--spring.datasource.url={url}", f"--spring.datasource.username={os.environ['LAB_TEST_WORKLOAD_DB_USER']}",
                 f"--spring.datasource.password={os.environ['LAB_TEST_WORKLOAD_DB_PASSWORD']}",
                 f"--lab.store.replica-id=replica-{name}", "--lab.max-running-experiments=2",
                 "--lab.store.stale-after=4s", f"--java.io.tmpdir={folder}"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=folder)

        def healthy(port):
            try:
                return call(port, "GET", "/actuator/health/readiness", timeout=2)[0] == 200
            except OSError:
                return False
        for name, port in ports.items():
            if not until(f"replica {name} is ready", lambda p=port: healthy(p), 120):
                return 1
        nginx = start_nginx(folder, front, ports.values())
        if not until("nginx answers", lambda: healthy(front), 20):
            return 1

        # route
        status, owner, first, _ = call(front, "POST", "/experiments?waitMillis=0", {**LONG, "label": "replicas 1"})
        check(status == 202 and owner in ("replica-A", "replica-B"), f"POST through nginx: {status} by {owner}")
        owner_port = ports[owner[-1]]
        other = "B" if owner == "replica-A" else "A"
        other_port = ports[other]
        path = f"/experiments/{first['id']}"

        # other
        running = until("the other replica sees 4 tasks in flight",
                        lambda: (lambda a: a if a[0] == 200 and a[2]["progress"]["inFlight"] == 4 else None)(
                            call(other_port, "GET", path)), 10)
        check(running is not None and running[1] == f"replica-{other}" and running[2]["status"] == "RUNNING",
              f"GET through replica {other}: RUNNING, 4 in flight")
        stream = Events(other_port, path + "/events")
        stream.start()
        until("a progress event through the other replica", lambda: any(e[0] == "progress" for e in stream.events),
              10)
        status, _, problem, _ = call(other_port, "GET", path + "/tasks", accept="text/csv")
        check(status == 409 and owner in str(problem), f"its tasks CSV through {other} while it runs: {status}")

        # cap
        status, second_owner, second, _ = call(front, "POST", "/experiments?waitMillis=0",
                                               {**LONG, "label": "replicas 2"})
        check(status == 202, f"a second experiment is accepted ({status}, {second_owner})")
        refusals = [call(port, "POST", "/experiments?waitMillis=0", {**LONG, "label": "replicas 3"})[0]
                    for port in ports.values()]
        check(refusals == [429, 429], f"a third is refused by both replicas: {refusals}")
        check(int(psql("SELECT count(*) FROM run_slots WHERE experiment_id IS NOT NULL", DATABASE)) == 2,
              "the store holds two run slots")

        # cancel
        status, _, cancelling, _ = call(other_port, "DELETE", path)
        check(status == 202, f"DELETE through replica {other}: {status}")
        cancelled = until("the cancel reaches the owner",
                          lambda: (lambda a: a if a[2]["status"] == "CANCELLED" else None)(
                              call(other_port, "GET", path)), 10)
        check(cancelled is not None and "Cancelled on request" in (cancelled[2].get("error") or ""),
              "CANCELLED, as the owner says")
        stream.join(15)
        finished = [e for e in stream.events if e[0] == "finished"]
        check(len(finished) == 1 and finished[0][1]["status"] == "CANCELLED",
              f"the other replica's stream ended with finished CANCELLED ({len(stream.events)} events)")
        call(front, "DELETE", f"/experiments/{second['id']}")
        until("both slots free", lambda: psql("SELECT count(*) FROM run_slots WHERE experiment_id IS NOT NULL",
                                              DATABASE) == "0", 10)

        # finished
        status, by, done, _ = call(front, "POST", "/experiments",
                                   {"mode": "platform-threads", "workload": {"type": "sleep", "millis": 5},
                                    "tasks": 200, "concurrency": 20, "label": "replicas finished"})
        check(status == 201 and done["status"] == "SUCCEEDED", f"a short experiment through nginx ({by})")
        finished_path = f"/experiments/{done['id']}"
        for suffix, accept in (("", None), ("/tasks", "text/csv"), ("/timeline.svg", None),
                               ("/tasks?offset=100&limit=50", None)):
            answers = {}
            for name, port in ports.items():
                answers[name] = until(f"{finished_path}{suffix} through {name}",
                                      lambda p=port: (lambda a: a if a[0] == 200 else None)(
                                          call(p, "GET", finished_path + suffix, accept=accept)), 10)
            same = answers["A"] and answers["B"] and answers["A"][3] == answers["B"][3]
            check(same, f"{finished_path}{suffix} reads the same through both replicas "
                        f"({len(answers['A'][3]) if answers['A'] else 0} bytes)")
        status, by, comparison, _ = call(front, "POST", "/comparisons", {
            "workload": {"type": "sleep", "millis": 5}, "tasks": 20, "modes": ["sequential", "virtual-threads"],
            "repeats": 2})
        check(status == 201, f"a comparison through nginx ({by}, {status})")
        views = [call(port, "GET", f"/comparisons/{comparison['id']}")[3] for port in ports.values()]
        charts = [call(port, "GET", f"/comparisons/{comparison['id']}/chart.svg")[3] for port in ports.values()]
        check(views[0] == views[1] and charts[0] == charts[1], "the comparison and its chart read the same on both")
        status, _, history, _ = call(front, "GET", "/history?workload=sleep&size=100")
        check(status == 200 and history["total"] >= 7, f"history lists every replica's runs ({history['total']})")

        # crash
        status, crash_owner, crashing, _ = call(front, "POST", "/experiments?waitMillis=0",
                                                {**LONG, "label": "replicas crash"})
        victim = crash_owner[-1]
        survivor_port = ports["B" if victim == "A" else "A"]
        until("the crashing experiment runs", lambda: call(survivor_port, "GET", f"/experiments/{crashing['id']}")
              [2]["status"] == "RUNNING", 10)
        os.killpg(replicas[victim].pid, signal.SIGKILL)
        replicas[victim].wait()
        failed = until("the survivor marks it FAILED",
                       lambda: (lambda a: a if a[2]["status"] == "FAILED" else None)(
                           call(survivor_port, "GET", f"/experiments/{crashing['id']}")), 30)
        check(failed is not None and failed[2]["error"].startswith("The service stopped while it ran"),
              f"FAILED: {failed[2]['error'] if failed else None}")
        status, _, after, _ = call(survivor_port, "POST", "/experiments?waitMillis=0", {**LONG, "label": "after"})
        check(status == 202, f"the crashed replica's slot is free again ({status})")
        if status == 202:
            call(survivor_port, "DELETE", f"/experiments/{after['id']}")
    finally:
        stop(nginx, "nginx")
        for name, process in replicas.items():
            stop(process, f"replica {name}")
        if failures:
            for name in ports:
                print(f"--- replica {name} log (tail)")
                with open(os.path.join(folder, f"replica-{name}.log")) as log:
                    print("".join(log.readlines()[-30:]))
        shutil.rmtree(folder, ignore_errors=True)
        try:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        except subprocess.CalledProcessError as ex:
            print(f"could not drop {DATABASE}: {ex.stderr}")
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("replicas e2e: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
