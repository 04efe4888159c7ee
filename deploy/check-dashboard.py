#!/usr/bin/env python3
"""Checks that every query of the Grafana dashboard returns data from a real Prometheus.

Reads every panel target's `expr` (rows and nested panels included), replaces Grafana's
built-in variables ($__rate_interval, $__interval, $__range, ...) and the dashboard's own
template variables (their "All" value, else `.*`), asks Prometheus's /api/v1/query for
each, and fails listing every expression that returns no series. Standard library only.

    python3 deploy/check-dashboard.py [--prometheus-url URL] [--dashboard FILE]

Exit status: 0 all passed, 1 some expression returned no series or an error, 2 the
dashboard could not be read or Prometheus could not be reached.
"""

import argparse
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

# Grafana's built-in variables, as a short experiment run needs them. Longer names first,
# so that $__interval_ms is not read as $__interval followed by "_ms".
BUILT_INS = {
    "__rate_interval_ms": "60000",
    "__rate_interval": "1m",
    "__interval_ms": "60000",
    "__interval": "1m",
    "__range_ms": "300000",
    "__range_s": "300",
    "__range": "5m",
}

VARIABLE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)")


def template_values(dashboard):
    """The value each template variable takes in the check: its "All" value, else `.*`."""
    values = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        name = variable.get("name")
        if not name:
            continue
        kind = variable.get("type")
        if kind in ("constant", "textbox", "custom") and not variable.get("includeAll"):
            current = variable.get("current", {}).get("value") or variable.get("query") or ""
            values[name] = current[0] if isinstance(current, list) else str(current)
        elif kind == "datasource":
            values[name] = variable.get("current", {}).get("value", "")
        else:
            values[name] = variable.get("allValue") or ".*"
    return values


def substitute(expr, values):
    """The expression with every variable replaced; raises KeyError on an unknown one."""

    def replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        # $__interval_ms matches \w+ whole, so built-ins are looked up by their full name.
        if name in BUILT_INS:
            return BUILT_INS[name]
        if name in values:
            return values[name]
        raise KeyError(name)

    return VARIABLE.sub(replace, expr)


def panels(items):
    """Every panel, with the panels inside rows (collapsed rows keep theirs in `panels`)."""
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def query(prometheus_url, expr, timeout):
    """The number of series `expr` returns now, or raises RuntimeError with Prometheus's error."""
    url = prometheus_url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.load(response)
    except urllib.error.HTTPError as ex:
        # Prometheus answers 400/422 with a JSON error for a bad expression.
        try:
            body = json.load(ex)
        except ValueError:
            raise RuntimeError(f"HTTP {ex.code}") from ex
    if body.get("status") != "success":
        raise RuntimeError(f"{body.get('errorType', 'error')}: {body.get('error', body)}")
    result = body["data"]["result"]
    return len(result) if isinstance(result, list) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus-url", default="http://127.0.0.1:9090")
    parser.add_argument("--dashboard", default="deploy/grafana/dashboards/concurrency-lab.json")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per query")
    args = parser.parse_args()

    try:
        with open(args.dashboard, encoding="utf-8") as file:
            dashboard = json.load(file)
    except (OSError, ValueError) as ex:
        print(f"cannot read dashboard {args.dashboard}: {ex}", file=sys.stderr)
        return 2
    try:
        urllib.request.urlopen(args.prometheus_url.rstrip("/") + "/-/ready", timeout=args.timeout).close()
    except (OSError, urllib.error.URLError) as ex:
        print(f"Prometheus is not ready at {args.prometheus_url}: {ex}", file=sys.stderr)
        return 2

    values = template_values(dashboard)
    passed, failures = 0, []
    for panel in panels(dashboard.get("panels", [])):
        title = panel.get("title", f"panel {panel.get('id')}")
        for target in panel.get("targets", []):
            raw = target.get("expr")
            if not raw:
                continue
            name = f"{title} [{target.get('refId', '?')}]"
            try:
                expr = substitute(raw, values)
                series = query(args.prometheus_url, expr, args.timeout)
            except KeyError as ex:
                failures.append(f"{name}: unknown variable ${ex.args[0]} in {raw}")
                continue
            except (RuntimeError, OSError, urllib.error.URLError) as ex:
                failures.append(f"{name}: {ex} in {raw}")
                continue
            if series == 0:
                failures.append(f"{name}: no series for {expr}")
            else:
                passed += 1
                print(f"ok    {name}: {series} series")
    for failure in failures:
        print(f"FAIL  {failure}")
    if passed + len(failures) == 0:
        print("FAIL  the dashboard has no panel queries")
        failures.append("no queries")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
