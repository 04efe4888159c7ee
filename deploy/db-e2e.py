#!/usr/bin/env python3
"""The db workload on a real PostgreSQL, through the packaged service (Python stdlib only).

Needs the LAB_TEST_WORKLOAD_DB_URL, _USER and _PASSWORD that `deploy/postgres.sh start`
prints (a throwaway cluster on 127.0.0.1), and psql. Starts the jar with lab.workload-db.*
pointing there, then:

  pool      Compares db (10,000 queries of 20 ms, a pool of 10) across platform-threads,
            virtual-threads and async with 200 tasks in flight. Asserts: each ran
            10,000 queries at 0.9-1.02 x the pool's 500 queries/s, each experiment's
            ideal is the pool's, and the verdict names the pool as the limit.
  cancel    Starts 100 queries of 30 s on 50 platform threads (a pool of 10), waits until
            the server runs 10 of them, cancels with DELETE. Asserts: CANCELLED, and the
            server runs none of the lab's queries soon after (a blocked socket read ignores
            interrupts: the service must cancel them on the server).

After both, no connection of the service's is left on the server. Stops the service
(SIGTERM) on success and on failure. Prints the figures; a failed check prints "FAIL ..."
and exits 1.

    python3 deploy/db-e2e.py [--jar PATH] [--java PATH]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
DEFAULT_JAR = os.path.join(ROOT, "target", "concurrency-lab-0.1.0-SNAPSHOT.jar")
failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message, flush=True)
    if not ok:
        failures.append(message)


def call(port, method, path, body=None, timeout=600):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        return resp.status, resp.getheader("Location"), (json.loads(text) if text.startswith(("{", "[")) else text)
    finally:
        conn.close()


def psql(sql):
    url = os.environ["LAB_TEST_WORKLOAD_DB_URL"]  # jdbc:postgresql://host:port/db
    host_port, db = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    env = {**os.environ, "PGPASSWORD": os.environ.get("LAB_TEST_WORKLOAD_DB_PASSWORD", "")}
    out = subprocess.run(["psql", "-h", host, "-p", port, "-U", os.environ["LAB_TEST_WORKLOAD_DB_USER"], "-d",
                          db.split("?")[0], "-tAc", sql], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def lab_queries():
    return int(psql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE 'SELECT pg_sleep%' AND pid <> pg_backend_pid()"))


def lab_connections():
    return int(psql("SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = 'PostgreSQL JDBC Driver' AND pid <> pg_backend_pid()"))


def until(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    check(False, f"{what} within {timeout} s")
    return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default=DEFAULT_JAR)
    parser.add_argument("--java", default=DEFAULT_JAVA)
    args = parser.parse_args()
    if "LAB_TEST_WORKLOAD_DB_URL" not in os.environ:
        print("LAB_TEST_WORKLOAD_DB_URL is not set: run `source <(bash deploy/postgres.sh start)` first")
        return 2
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="db-e2e-", suffix=".log", delete=False)
    service = subprocess.Popen(
        [args.java, "-jar", args.jar, f"--server.port={port}", "--server.address=127.0.0.1",
         f"--lab.workload-db.url={os.environ['LAB_TEST_WORKLOAD_DB_URL']}",
         f"--lab.workload-db.username={os.environ['LAB_TEST_WORKLOAD_DB_USER']}",
         f"--lab.workload-db.password={os.environ['LAB_TEST_WORKLOAD_DB_PASSWORD']}"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def up():
            try:
                return call(port, "GET", "/actuator/health", timeout=2)[0] == 200
            except OSError:
                return False
        if not until("the service answers", up, 90):
            return 1
        status, _, workloads = call(port, "GET", "/workloads")
        db = next(w for w in workloads if w["type"] == "db")
        check("PostgreSQL at jdbc:postgresql://" in db["description"], "GET /workloads names PostgreSQL")

        # pool
        started = time.monotonic()
        status, _, comparison = call(port, "POST", "/comparisons?waitMillis=300000", {
            "workload": {"type": "db", "millis": 20, "poolSize": 10}, "tasks": 10000, "concurrency": 200,
            "modes": ["platform-threads", "virtual-threads", "async"], "repeats": 1, "label": "db-e2e pool"})
        check(status == 201 and comparison["status"] == "SUCCEEDED",
              f"the comparison ran ({status}, {str(comparison)[:200]}) in {time.monotonic() - started:.0f} s")
        for result in comparison.get("results", []):
            rate = 10000 * 1000 / result["wallMillis"]["median"]
            check(450 <= rate <= 510, f"{result['mode']}: {rate:.0f} queries/s (pool limit 500), "
                                      f"wall {result['wallMillis']['median']:.0f} ms, ideal {result['idealMillis']}")
        check("The pool is the limit: 10 connections ÷ 20 ms a query allow 500 queries/s"
              in (comparison.get("verdict") or ""), f"the verdict names the pool: {comparison.get('verdict')}")

        # cancel
        status, location, _ = call(port, "POST", "/experiments?waitMillis=0", {
            "mode": "platform-threads", "workload": {"type": "db", "millis": 30000, "poolSize": 10},
            "tasks": 100, "concurrency": 50, "label": "db-e2e cancel"})
        check(status == 202, f"a long db experiment was accepted ({status})")
        if until("10 queries run on the server", lambda: lab_queries() == 10, 30):
            status, _, _ = call(port, "DELETE", location)
            check(status == 202, f"DELETE answered {status}")
            until("the experiment is CANCELLED",
                  lambda: call(port, "GET", location)[2]["status"] == "CANCELLED", 30)
            until("no lab query left on the server", lambda: lab_queries() == 0, 10)
        until("no connection of the service left on the server", lambda: lab_connections() == 0, 10)
        print(f"figures: {lab_connections()} connections of the service's on the server at the end", flush=True)
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
            service.wait()
        with open(log.name) as f:
            problems = [line.rstrip() for line in f if (" ERROR " in line or " WARN " in line)
                        and "SpringDoc" not in line]
        check(not problems, f"no ERROR or WARN in the service's log ({problems[:3]})")
        os.unlink(log.name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
