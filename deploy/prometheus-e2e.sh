#!/usr/bin/env bash
# End-to-end check of the monitoring set-up, run by CI after `./mvnw verify`:
#  1. docker-compose.yml is valid (`docker-compose config -q`);
#  2. the packaged jar runs on 127.0.0.1, a real Prometheus scrapes it every second, a few
#     short experiments run in several modes, and every query of the Grafana dashboard
#     returns data (deploy/check-dashboard.py);
#  3. the jar extracted exactly like the Dockerfile does starts with the Dockerfile's own
#     ENTRYPOINT (and AOT training step), becomes healthy by the HEALTHCHECK command, and
#     can start worker processes from that layout;
#  4. (while the jar of step 2 runs) Swagger UI's "Try it out" on POST /experiments in headless
#     Chromium driven by Playwright
#     (deploy/swagger-ui-e2e.sh).
# Installs Debian's prometheus and docker-compose packages if missing; builds nothing.
# Everything it starts is stopped, and its temporary folder removed, on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT_FROM=${APP_PORT:-18181}
PROM_PORT_FROM=${PROM_PORT:-19090}
LAYERS_PORT_FROM=${LAYERS_PORT:-18182}
SCRAPE_WAIT=${SCRAPE_WAIT:-20}

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-e2e.XXXXXX")
pids=()
# Stops the processes $@ (started here), then forgets them.
stop() {
	local pid kept=()
	kill -TERM "$@" 2>/dev/null || true
	for pid in "$@"; do
		wait "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		case " $* " in *" $pid "*) ;; *) kept+=("$pid") ;; esac
	done
	pids=(${kept[@]+"${kept[@]}"})
}
cleanup() {
	local status=$?
	for pid in ${pids[@]+"${pids[@]}"}; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in ${pids[@]+"${pids[@]}"}; do
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints the major version of a java executable (8 for 1.8), or nothing.
java_major() {
	"$1" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9.]*\).*/\1/p' | head -1 |
		awk -F. '{ print ($1 == 1) ? $2 : $1 }'
}

find_java() {
	local candidate major
	for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*/bin/java; do
		[ -x "$candidate" ] || continue
		major=$(java_major "$candidate")
		if [ -n "$major" ] && [ "$major" -ge 21 ]; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

apt_install() {
	log "installing $* with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The first port from $1 up on which nothing listens on 127.0.0.1.
free_port() {
	python3 - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
while True:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            break
        except OSError:
            port += 1
print(port)
PY
}

# Waits until $1 answers with a body containing $2, for at most $3 seconds, while pid $4 lives.
wait_for() {
	local url=$1 expected=$2 seconds=$3 pid=$4
	for _ in $(seq 1 $((seconds * 5))); do
		if curl -fsS --max-time 2 "$url" 2>/dev/null | grep -q "$expected"; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# One JSON array of the Dockerfile, e.g. `ENTRYPOINT`, as one argument per line.
dockerfile_array() {
	python3 - "$1" <<'PY'
import json, re, sys
text = open("Dockerfile", encoding="utf-8").read().replace("\\\n", " ")
match = re.search(r"^" + sys.argv[1] + r"\s+(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])\s*$", text, re.M)
if not match:
    sys.exit(f"no {sys.argv[1]} [...] line in the Dockerfile")
print("\n".join(json.loads(match.group(1))))
PY
}

# --- 0. tools --------------------------------------------------------------------------
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed"
command -v prometheus >/dev/null || apt_install prometheus
command -v docker-compose >/dev/null || apt_install docker-compose
# (Chromium is installed below, when the Swagger UI check needs it.)
JAVA=$(find_java) || die "no JDK 21+ found (JAVA_HOME, /usr/lib/jvm/*)"
log "java: $JAVA ($(java_major "$JAVA")); $(prometheus --version 2>&1 | head -1)"
shopt -s nullglob
jars=(target/concurrency-lab-*.jar)
shopt -u nullglob
[ "${#jars[@]}" -eq 1 ] || die "expected one target/concurrency-lab-*.jar, found ${#jars[@]}: run ./mvnw verify first"
JAR=$(realpath "${jars[0]}")

# --- 1. compose file -------------------------------------------------------------------
docker-compose config -q || die "docker-compose config rejects docker-compose.yml"
log "docker-compose config: ok"

# --- 2. jar + Prometheus + dashboard queries -------------------------------------------
APP_PORT=$(free_port "$APP_PORT_FROM")
PROM_PORT=$(free_port "$PROM_PORT_FROM")
# A small heap, so that the experiments below cause garbage collections (the GC panels need them).
"$JAVA" -Xmx256m -jar "$JAR" --server.address=127.0.0.1 --server.port="$APP_PORT" >"$tmp/app.log" 2>&1 &
app_pid=$!
pids+=("$app_pid")
if ! wait_for "http://127.0.0.1:$APP_PORT/actuator/health" '"status":"UP"' 120 "$app_pid"; then
	tail -40 "$tmp/app.log"
	die "the service did not become healthy on port $APP_PORT"
fi
log "service up on 127.0.0.1:$APP_PORT (pid $app_pid)"

cat >"$tmp/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: concurrency-lab
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["127.0.0.1:$APP_PORT"]
YAML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus-data" \
	--web.listen-address="127.0.0.1:$PROM_PORT" >"$tmp/prometheus.log" 2>&1 &
prom_pid=$!
pids+=("$prom_pid")
if ! wait_for "http://127.0.0.1:$PROM_PORT/-/ready" "Ready" 60 "$prom_pid"; then
	tail -20 "$tmp/prometheus.log"
	die "Prometheus did not become ready on port $PROM_PORT"
fi
log "Prometheus up on 127.0.0.1:$PROM_PORT (pid $prom_pid)"

# POSTs one experiment and checks its final status.
experiment() {
	local expected=$1 body=$2 answer status
	if ! answer=$(curl -sS --max-time 90 -X POST "http://127.0.0.1:$APP_PORT/experiments?waitMillis=60000" \
		-H 'Content-Type: application/json' -d "$body"); then
		# What the service was doing: its threads and heap, and the end of its log.
		"$(dirname "$JAVA")/jcmd" "$app_pid" Thread.print >"$tmp/threads.txt" 2>&1 || true
		"$(dirname "$JAVA")/jcmd" "$app_pid" GC.heap_info 2>&1 | sed 's/^/[heap] /' || true
		grep -B2 -A12 -E '"(http-nio|lab-|experiment-conductor)' "$tmp/threads.txt" | head -150 || true
		tail -20 "$tmp/app.log" | sed 's/^/[app] /'
		die "POST /experiments failed: $body"
	fi
	status=$(printf '%s' "$answer" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("status"))' 2>/dev/null || true)
	[ "$status" = "$expected" ] || die "expected $expected, got ${status:-no status} for $body: ${answer:0:400}"
	log "  $status  $body"
}
log "running experiments"
sleep50='"workload":{"type":"sleep","millis":50},"tasks":20'
experiment SUCCEEDED "{\"mode\":\"virtual-threads\",$sleep50}"
experiment SUCCEEDED "{\"mode\":\"async\",$sleep50}"
experiment SUCCEEDED "{\"mode\":\"platform-threads\",$sleep50,\"concurrency\":5}"
experiment SUCCEEDED "{\"mode\":\"reactive\",$sleep50}"
experiment SUCCEEDED '{"mode":"process-pool","workload":{"type":"sleep","millis":50},"tasks":8,"concurrency":2}'
experiment SUCCEEDED '{"mode":"processes","workload":{"type":"cpu","iterations":2000000},"tasks":4,"concurrency":2}'
experiment SUCCEEDED '{"mode":"fork-join","workload":{"type":"cpu","iterations":20000000},"tasks":8}'
experiment SUCCEEDED '{"mode":"sequential","workload":{"type":"mixed","millis":20,"iterations":1000000},"tasks":5}'
experiment SUCCEEDED '{"mode":"virtual-threads","workload":{"type":"http","millis":50},"tasks":20}'
experiment FAILED '{"mode":"platform-threads","workload":{"type":"sleep","millis":5000},"tasks":4,"timeoutMillis":300,"label":"deadline"}'
# 100,000 timings and their threads make garbage enough for a few collections in 256 MB.
experiment SUCCEEDED '{"mode":"virtual-threads","workload":{"type":"sleep","millis":0},"tasks":100000}'

log "waiting ${SCRAPE_WAIT}s for scrapes"
sleep "$SCRAPE_WAIT"
python3 deploy/check-dashboard.py --prometheus-url "http://127.0.0.1:$PROM_PORT" \
	--dashboard deploy/grafana/dashboards/concurrency-lab.json | tee "$tmp/check.out" ||
	die "some dashboard queries return no data: $(tail -1 "$tmp/check.out")"
dashboard_summary=$(tail -1 "$tmp/check.out")

# Swagger UI in a real browser: headless Chromium renders the page (its JavaScript loads
# /v3/api-docs) and every endpoint group and path must be on it.
command -v chromium >/dev/null || apt_install chromium
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$tmp/chromium" --virtual-time-budget=20000 --dump-dom \
	"http://127.0.0.1:$APP_PORT/swagger-ui.html" >"$tmp/swagger.html" 2>"$tmp/chromium.log" ||
	die "headless Chromium could not render Swagger UI: $(tail -3 "$tmp/chromium.log")"
for expected in "Concurrency Lab" /experiments "/experiments/{id}/timeline.svg" /comparisons \
	"/presets/{name}/run" /machine/calibrate /modes /workloads; do
	grep -qF "$expected" "$tmp/swagger.html" || die "Swagger UI in Chromium does not show $expected"
done
log "Swagger UI renders in Chromium with every endpoint group"
# ... and its "Try it out" really runs POST /experiments with the example it fills in.
bash deploy/swagger-ui-e2e.sh "http://127.0.0.1:$APP_PORT" || die "Swagger UI's Try it out on POST /experiments failed"

# Stop the jar before the next start: the machine may have two cores only.
stop "$app_pid" "$prom_pid"

# --- 3. the Dockerfile's layout and command line ----------------------------------------
LAYERS_PORT=$(free_port "$LAYERS_PORT_FROM")
"$JAVA" -Djarmode=tools -jar "$JAR" extract --layers --launcher --destination "$tmp/extracted" >/dev/null
mkdir "$tmp/image"
for layer in dependencies spring-boot-loader snapshot-dependencies application; do # COPY order
	cp -a "$tmp/extracted/$layer/." "$tmp/image/"
done
mapfile -t entrypoint < <(dockerfile_array ENTRYPOINT)
[ "${entrypoint[0]}" = java ] || die "the ENTRYPOINT should start with java: ${entrypoint[*]}"
entrypoint[0]=$JAVA
# The Dockerfile's AOT training step, when it has one: the same flags with AOTCacheOutput.
aot_cache=""
for arg in "${entrypoint[@]}"; do
	case "$arg" in -XX:AOTCache=*) aot_cache=${arg#-XX:AOTCache=} ;; esac
done
if [ -n "$aot_cache" ]; then
	training=()
	for arg in "${entrypoint[@]}"; do
		case "$arg" in
			-XX:AOTCache=*) training+=("-XX:AOTCacheOutput=$aot_cache" -Dspring.context.exit=onRefresh) ;;
			*) training+=("$arg") ;;
		esac
	done
	log "AOT training run: ${training[*]}"
	(cd "$tmp/image" && "${training[@]}" --server.address=127.0.0.1 --server.port="$LAYERS_PORT" >"$tmp/training.log" 2>&1) ||
		{ tail -20 "$tmp/training.log"; die "the AOT training run failed"; }
	[ -s "$tmp/image/$aot_cache" ] || die "the training run wrote no $aot_cache"
fi
# The Dockerfile's worker-image step, and its ENV that points the service at it.
grep -q 'WorkerImage /app/worker-image' Dockerfile || die "the Dockerfile no longer makes the worker image"
(cd "$tmp/image" && "$JAVA" -cp BOOT-INF/classes dev.concurrencylab.worker.WorkerImage "$tmp/image/worker-image" \
	>"$tmp/worker-image.log" 2>&1) || { cat "$tmp/worker-image.log"; die "the worker image step failed"; }
[ -s "$tmp/image/worker-image/worker.aot" ] || die "the worker image step made no AOT cache"
log "starting the extracted layers: ${entrypoint[*]}"
started=$(date +%s%N)
(cd "$tmp/image" && LAB_WORKER_IMAGE_DIR="$tmp/image/worker-image" exec "${entrypoint[@]}" \
	--server.address=127.0.0.1 --server.port="$LAYERS_PORT") >"$tmp/layers.log" 2>&1 &
layers_pid=$!
pids+=("$layers_pid")
if ! wait_for "http://127.0.0.1:$LAYERS_PORT/actuator/health" '"status":"UP"' 120 "$layers_pid"; then
	tail -40 "$tmp/layers.log"
	die "the extracted layers did not become healthy"
fi
startup_ms=$((($(date +%s%N) - started) / 1000000))
if [ -n "$aot_cache" ] && grep -qE '\[(warning|error)\]\[(aot|cds)' "$tmp/layers.log"; then
	grep -E '\[(aot|cds)' "$tmp/layers.log" | head -5
	die "the JVM could not use the AOT cache"
fi
mapfile -t healthcheck < <(dockerfile_array HEALTHCHECK)
healthcheck[-1]=${healthcheck[-1]//\/8080/\/$LAYERS_PORT}
"${healthcheck[@]}" || die "the Dockerfile's HEALTHCHECK command fails against a healthy service"
log "extracted layers healthy in ${startup_ms} ms; HEALTHCHECK command: ok"
APP_PORT=$LAYERS_PORT
experiment SUCCEEDED '{"mode":"processes","workload":{"type":"cpu","iterations":1000000},"tasks":2,"concurrency":2}'
experiment SUCCEEDED '{"mode":"process-pool","workload":{"type":"sleep","millis":10},"tasks":4,"concurrency":2}'
grep -q "Worker image reused from $tmp/image/worker-image" "$tmp/layers.log" ||
	die "the service did not reuse the image's worker image"
stop "$layers_pid"

log "dashboard: $dashboard_summary; extracted layers: healthy in ${startup_ms} ms, workers start from the image's worker image"
log "PASSED"
