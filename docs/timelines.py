#!/usr/bin/env python3
"""Renders the timelines of the README into docs/*.png with headless Chromium.

Starts the packaged service (target/*.jar, on JDK 21+) on a free loopback port, waits for
its calibration, runs three experiments and the open-model preset, and screenshots their
timeline.svg:

  phases-gil-threads.png       gil-threads, 4 x (~200 ms computation + 100 ms wait)
  phases-event-loop.png        event-loop,  the same tasks
  phases-platform-8-cpu.png    8 platform threads computing ~200 ms each on this machine
  open-platform-20.png         preset arrivals-500-per-second: a pool of 20 platform threads
  open-virtual-threads.png     the same arrivals on virtual threads

Usage: ./mvnw -DskipTests package && python3 docs/timelines.py [--only phases|open]
The service is stopped (SIGTERM) on the way out, whatever happens.
"""
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def java():
    for home in sorted(glob.glob("/usr/lib/jvm/*")):
        candidate = os.path.join(home, "bin", "java")
        if os.path.exists(candidate):
            version = subprocess.run([candidate, "-version"], capture_output=True, text=True).stderr
            digits = version.split('"')[1].split(".")[0] if '"' in version else "0"
            if digits.isdigit() and int(digits) >= 21:
                return candidate
    return "java"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read()


def screenshot(base, work, name, experiment_id):
    svg = call(base, "GET", f"/experiments/{experiment_id}/timeline.svg").decode()
    height = int(svg.split('height="')[1].split('"')[0])
    svg_path = os.path.join(work, name + ".svg")
    with open(svg_path, "w") as f:
        f.write(svg)
    png = os.path.join(ROOT, "docs", name + ".png")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", f"--user-data-dir={os.path.join(work, 'chromium')}",
                    f"--screenshot={png}", f"--window-size=1000,{height}", "file://" + svg_path],
                   check=True, capture_output=True, timeout=120)
    print("  wrote", os.path.relpath(png, ROOT))


def main():
    jar = glob.glob(os.path.join(ROOT, "target", "concurrency-lab-*.jar"))
    if not jar:
        sys.exit("no target/concurrency-lab-*.jar: run ./mvnw -DskipTests package first")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = tempfile.mkdtemp(prefix="timelines-")
    log = open(os.path.join(work, "service.log"), "w")
    service = subprocess.Popen([java(), "-jar", jar[0], f"--server.port={port}", "--server.address=127.0.0.1"],
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                machine = json.loads(call(base, "GET", "/machine"))
                if machine.get("capacity"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or service.poll() is not None:
                sys.exit("the service did not calibrate in 120 s; see " + log.name)
            time.sleep(0.5)
        iterations = round(200e6 / machine["capacity"]["nanosPerIteration"])
        mixed = {"type": "mixed", "millis": 100, "iterations": iterations}
        runs = [("phases-gil-threads", {"mode": "gil-threads", "workload": mixed, "tasks": 4, "concurrency": 4}),
                ("phases-event-loop", {"mode": "event-loop", "workload": mixed, "tasks": 4}),
                ("phases-platform-8-cpu", {"mode": "platform-threads", "tasks": 8, "concurrency": 8,
                                           "workload": {"type": "cpu", "iterations": iterations}})]
        only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
        for name, request in (runs if only in (None, "phases") else []):
            experiment = json.loads(call(base, "POST", "/experiments?waitMillis=60000", request))
            print(f"{name}: {experiment['status']}, {experiment['summary']['phases']['text']}")
            screenshot(base, work, name, experiment["id"])
        if only in (None, "open"):
            answer = json.loads(call(base, "POST", "/presets/arrivals-500-per-second/run?waitMillis=120000"))
            comparison = answer["comparison"]
            print(f"arrivals-500-per-second: {comparison['status']}: {comparison['verdict']}")
            for result in comparison["results"]:
                experiment_id = result["experiments"][0]
                experiment = json.loads(call(base, "GET", f"/experiments/{experiment_id}"))
                print(f"  {result['mode']}: {experiment['summary']['openModel']['text']}")
                name = "open-platform-20" if result["mode"] == "platform-threads" else "open-virtual-threads"
                screenshot(base, work, name, experiment_id)
    finally:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=30)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
