#!/usr/bin/env bash
# Swagger UI proven in a real browser, against a service that is ALREADY RUNNING at BASE_URL:
#
#   bash deploy/swagger-ui-e2e.sh http://127.0.0.1:8080
#
# Debian's Chromium, headless, driven by playwright-core (deploy/swagger-ui/try-it-out.mjs),
# opens BASE_URL/swagger-ui.html, expands POST /experiments, uses "Try it out" with the request
# body example Swagger UI fills in, clicks "Execute" and checks the live response: 201 and a
# body with the run's summary and timings; the page must log no errors.
# Installs Debian's chromium (apt-get) and the pinned npm packages (npm ci, into
# deploy/swagger-ui/node_modules) if missing; needs Node 20+ and npm. Starts no service.
# Exit code 0 on success; otherwise one "FAILED: ..." line (with a screenshot's path when the
# browser got that far). CHECK_TIMEOUT (default 180 s) bounds the browser run; CHROMIUM,
# UI_TIMEOUT_MS, RESPONSE_TIMEOUT_MS: see try-it-out.mjs.
set -euo pipefail

log() { printf '[swagger-ui-e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 BASE_URL   (e.g. http://127.0.0.1:8080)" >&2; exit 2; }
BASE_URL=${1%/}
CHECK_TIMEOUT=${CHECK_TIMEOUT:-180}
dir=$(cd "$(dirname "$0")/swagger-ui" && pwd)
started=$(date +%s%N)
elapsed() { printf '%d.%d s' $((($(date +%s%N) - started) / 1000000000)) $(((($(date +%s%N) - started) / 100000000) % 10)); }

# --- tools -------------------------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed (Node 20+)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node $(node --version) is too old: playwright-core needs Node 20+"
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	log "installing chromium with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
	[ -x "$CHROMIUM" ] || die "apt-get installed chromium, but there is no $CHROMIUM"
fi

# The npm packages of package-lock.json, unless node_modules has them already.
locked=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' "$dir/package-lock.json")
installed=$(node -p 'try { require(process.argv[1]).version } catch { "" }' \
	"$dir/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [ "$installed" != "$locked" ]; then
	npm_log=$(mktemp "${TMPDIR:-/tmp}/swagger-ui-npm.XXXXXX")
	if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$npm_log" 2>&1; then
		tail -20 "$npm_log"
		die "npm ci in $dir failed (log: $npm_log)"
	fi
	rm -f "$npm_log"
	log "npm ci: playwright-core $locked installed in $(elapsed)"
fi

# --- the check ---------------------------------------------------------------------------
# try-it-out.mjs bounds each of its waits; this bounds the whole run (Playwright closes
# Chromium when node gets SIGTERM).
status=0
timeout -k 10 "$CHECK_TIMEOUT" node "$dir/try-it-out.mjs" "$BASE_URL" || status=$?
case $status in
	0) log "PASSED in $(elapsed)" ;;
	124 | 137) die "the browser check did not finish within $CHECK_TIMEOUT s" ;;
	*) exit "$status" ;;
esac
