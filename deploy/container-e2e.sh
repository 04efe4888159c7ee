#!/usr/bin/env bash
# End-to-end check of the container image, run by CI after `./mvnw package`:
#  1. stand-ins for eclipse-temurin:25-jdk and :25-jre (no registry is reachable here): a
#     Debian minbase made by mmdebstrap, with this machine's JDK 25, or a JRE jlinked from it,
#     in /opt/java/openjdk as the official images lay it out (deploy/container/);
#  2. the Dockerfile, built by podman in docker format (the HEALTHCHECK is dropped in OCI
#     format) with --build-arg JDK_IMAGE=… JRE_IMAGE=…: the build stage runs ./mvnw package
#     in the container, against Maven Central;
#  3. the container, published on 127.0.0.1 only, becomes healthy by the image's own
#     HEALTHCHECK; a process-pool experiment runs its worker JVMs as user lab; `podman stop`
#     (SIGTERM) shuts it down gracefully: exit code 143 within the grace period, and the log
#     says which experiment it cancelled;
#  4. docker-compose.yml's app service, built (from the layers of 2) and started by
#     docker-compose through podman's Docker API, becomes healthy and stops gracefully.
# Installs Debian's podman, runc, mmdebstrap, docker-compose and iproute2 if missing. Podman
# runs with its own containers.conf and storage in a temporary folder, the containers in a
# network namespace of their own (their ports, bridge and iptables rules never reach the
# machine's), and everything, images and build cache included, is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE=${LAB_E2E_SUITE:-bookworm}
MIRROR=${LAB_E2E_MIRROR:-http://deb.debian.org/debian}
# seed: the build's Maven cache mount starts from ~/.m2/repository (an overlay, which the
# build cannot change); cold: it starts empty, and Maven downloads everything.
M2=${LAB_E2E_M2:-seed}
PORT=18183        # inside the private network namespace, so always free
STOP_GRACE=30     # seconds `podman stop` waits before SIGKILL
JDK_IMAGE=localhost/lab-e2e/jdk:25
JRE_IMAGE=localhost/lab-e2e/jre:25
LAB_IMAGE=localhost/concurrency-lab:e2e
CONTAINER=lab-e2e
PROJECT=lab-e2e   # the compose project

log() { printf '[container-e2e %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "FAILED: $*"; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; }

apt_install() {
	log "installing $* with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- 0. tools --------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "run as root (podman's storage, network namespaces and mounts)"
command -v curl >/dev/null || die "curl is needed"
command -v python3 >/dev/null || die "python3 is needed"
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v ip >/dev/null || missing+=(iproute2)
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"

# A JDK 25 with javac and jlink: the official images are 25, and the Dockerfile's AOT cache
# needs 25.
find_jdk() {
	local home
	for home in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
		[ -x "$home/bin/javac" ] && [ -x "$home/bin/jlink" ] || continue
		"$home/bin/java" -version 2>&1 | grep -q 'version "25[."]' || continue
		realpath "$home"
		return 0
	done
	return 1
}
JDK=$(find_jdk) || die "no JDK 25 with javac and jlink found (JAVA_HOME, /usr/lib/jvm/*)"

started=$(now_ms)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lab-container-e2e.XXXXXX")
mkdir -p "$tmp/tmp" "$tmp/storage" "$tmp/run" "$tmp/networks"
netns_pid=""
jlink_pid=""
service_pid=""
compose_up=""
# What podman and runc keep outside the folders given to them is removed on exit, unless it
# was there before: CNI's IP allocations, the image library's blob-info cache, runc's state
# folder, and /run/netns, which podman makes a mount point for network namespaces.
outside=(/var/lib/cni /var/lib/containers /run/runc /run/netns)
outside_before=" "
for path in "${outside[@]}"; do
	[ ! -e "$path" ] || outside_before+="$path "
done
cni_networks_before=$(ls /var/lib/cni/networks 2>/dev/null || true)
netns_was_mounted=""
mountpoint -q /run/netns 2>/dev/null && netns_was_mounted=1

# Podman's own configuration, storage, runtime state, network definitions, build cache and
# temporary files, all in $tmp. runc, because crun refuses this host's hybrid cgroups; the
# ulimits, because podman's defaults for root are above this machine's hard limits (nofile
# 20000 here), which runc may not raise ("error setting rlimit type 7: operation not permitted").
cat >"$tmp/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[network]
network_config_dir = "$tmp/networks"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$tmp/run/libpod"
EOF
cat >"$tmp/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$tmp/storage"
runroot = "$tmp/run"
EOF
export CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_STORAGE_CONF="$tmp/storage.conf"
# podman build keeps the cache mounts (RUN --mount=type=cache) in $TMPDIR/buildah-cache.
export TMPDIR="$tmp/tmp"
export DOCKER_HOST="unix://$tmp/podman.sock" COMPOSE_PROJECT_NAME=$PROJECT
unset DOCKER_BUILDKIT COMPOSE_DOCKER_CLI_BUILD || true
M2_CACHE="$tmp/tmp/buildah-cache/root/.m2"

# Podman, for at most $PM_TIMEOUT seconds, in the private network namespace once there is
# one; without the complaints that there is no systemd to run health checks on a timer (this
# script runs them itself).
PM_TIMEOUT=120
pm() {
	local ns=()
	[ -z "$netns_pid" ] || ! kill -0 "$netns_pid" 2>/dev/null || ns=(nsenter --target "$netns_pid" --net)
	timeout "$PM_TIMEOUT" "${ns[@]}" podman "$@" 2> >(grep -v 'systemd connection' >&2)
}
# A command in the private network namespace.
in_ns() { nsenter --target "$netns_pid" --net "$@"; }

cleanup() {
	local status=$? mounts cleanup_started
	set +e
	cleanup_started=$(now_ms)
	trap - INT TERM
	if [ -n "${LAB_E2E_LOGS:-}" ]; then # keep the logs (build, container, compose, …) there
		mkdir -p "$LAB_E2E_LOGS" && cp "$tmp"/*.log "$LAB_E2E_LOGS"/ 2>/dev/null
	fi
	if [ -n "$compose_up" ]; then
		timeout 90 docker-compose down --volumes --remove-orphans --timeout 10 >"$tmp/compose-down.log" 2>&1 ||
			cat "$tmp/compose-down.log"
	fi
	[ -z "$jlink_pid" ] || kill -TERM "$jlink_pid" 2>/dev/null
	if [ -n "$service_pid" ]; then
		kill -TERM "$service_pid" 2>/dev/null
		wait "$service_pid" 2>/dev/null
	fi
	pm rm --all --force --time 5 >/dev/null 2>&1
	pm network prune --force >/dev/null 2>&1
	pm rmi --all --force >/dev/null 2>&1
	if [ -n "$netns_pid" ]; then
		kill -TERM "$netns_pid" 2>/dev/null
		wait "$netns_pid" 2>/dev/null
	fi
	# Whatever is still mounted in $tmp (the Maven overlay, a container's root), deepest first.
	mounts=$(findmnt -rn -o TARGET | grep -F "$tmp/" | sort -r)
	[ -z "$mounts" ] || umount -l $mounts
	for net in $(ls /var/lib/cni/networks 2>/dev/null); do
		grep -qxF "$net" <<<"$cni_networks_before" || rm -rf "/var/lib/cni/networks/$net"
	done
	if [ -z "$netns_was_mounted" ] && mountpoint -q /run/netns && [ -z "$(ls -A /run/netns)" ]; then
		umount /run/netns
	fi
	for path in "${outside[@]}"; do
		case "$outside_before" in
			*" $path "*) ;;
			/run/*) rmdir "$path" 2>/dev/null ;; # only if empty
			*) rm -rf "$path" ;;
		esac
	done
	rm -rf "$tmp"
	log "cleaned up in $(seconds_since "$cleanup_started") s"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "$(podman --version), $(runc --version | head -1), $(mmdebstrap --version), JDK $JDK"

# --- 1. stand-ins for the official base images -----------------------------------------
t=$(now_ms)
# The JRE, made by jlink alongside mmdebstrap: the modules of a JDK's JRE image (those of the
# boot and platform class loaders, and the debugger agent), not its tools; no debug symbols,
# man pages or headers; a default CDS archive, as the official JRE has.
cat >"$tmp/JreModules.java" <<'EOF'
void main() {
	for (Module module : ModuleLayer.boot().modules()) {
		ClassLoader loader = module.getClassLoader();
		if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
			System.out.println(module.getName());
		}
	}
}
EOF
modules=$("$JDK/bin/java" --add-modules ALL-SYSTEM "$tmp/JreModules.java" 2>/dev/null | sort | paste -sd,)
[ -n "$modules" ] || die "could not list the JDK's modules"
timeout 300 "$JDK/bin/jlink" --add-modules "$modules,jdk.jdwp.agent" --strip-debug --no-man-pages \
	--no-header-files --generate-cds-archive --output "$tmp/jre" >"$tmp/jlink.log" 2>&1 &
jlink_pid=$!
# The JDK as it is, with hard links (a copy if $tmp is on another file system), except links
# out of it (Debian's packages link lib/security/cacerts to /etc/ssl/certs/java/cacerts).
cp -al "$JDK" "$tmp/jdk" 2>/dev/null || { rm -rf "$tmp/jdk"; cp -a "$JDK" "$tmp/jdk"; }
while IFS= read -r -d '' link; do
	target=$(readlink -f "$link")
	rm "$link"
	cp -a "$target" "$link"
done < <(find "$tmp/jdk" -type l -lname '/*' -print0)
# The official images (Ubuntu) have bash, which the HEALTHCHECK runs, and passwd (groupadd,
# useradd); minbase has both too, but say so.
timeout 300 mmdebstrap --quiet --variant=minbase --include=bash,passwd "$SUITE" - "$MIRROR" </dev/null 2>"$tmp/mmdebstrap.log" |
	pm import --quiet - localhost/lab-e2e/debian:$SUITE >/dev/null ||
	{ tail -20 "$tmp/mmdebstrap.log"; die "mmdebstrap or podman import failed"; }
base_s=$(seconds_since "$t")
wait "$jlink_pid" || { cat "$tmp/jlink.log"; die "jlink failed"; }
jlink_pid=""
for kind in jdk jre; do
	image=$JDK_IMAGE
	[ $kind = jdk ] || image=$JRE_IMAGE
	PM_TIMEOUT=300 pm build --quiet --format docker --network host --build-arg BASE=localhost/lab-e2e/debian:$SUITE \
		-f deploy/container/stand-in.Containerfile -t "$image" "$tmp/$kind" >/dev/null || die "building $image failed"
done
rm -rf "$tmp/jdk" "$tmp/jre"
stand_in_s=$(seconds_since "$t")
log "stand-in images $JDK_IMAGE and $JRE_IMAGE ($SUITE minbase + JDK / jlinked JRE in /opt/java/openjdk): ${stand_in_s} s (mmdebstrap and import, jlink alongside: ${base_s} s)"

# --- 2. the Dockerfile -----------------------------------------------------------------
if [ "$M2" = seed ] && [ -d "$HOME/.m2/repository" ]; then
	mkdir -p "$M2_CACHE/repository" "$tmp/m2/upper" "$tmp/m2/work"
	mount -t overlay overlay -o "lowerdir=$HOME/.m2/repository,upperdir=$tmp/m2/upper,workdir=$tmp/m2/work" \
		"$M2_CACHE/repository"
	m2_note="Maven cache mount seeded from $HOME/.m2/repository (read-only overlay)"
else
	m2_note="Maven cache mount empty: dependencies from Maven Central"
fi
log "building the Dockerfile ($m2_note)"
t=$(now_ms)
PM_TIMEOUT=600 pm build --format docker --network host --build-arg JDK_IMAGE=$JDK_IMAGE --build-arg JRE_IMAGE=$JRE_IMAGE \
	-t $LAB_IMAGE . >"$tmp/build.log" 2>&1 ||
	{ grep -v '\[warning\]\[aot' "$tmp/build.log" | tail -40; die "podman build failed"; }
build_s=$(seconds_since "$t")
! mountpoint -q "$M2_CACHE/repository" || umount "$M2_CACHE/repository"
grep -q 'BUILD SUCCESS' "$tmp/build.log" || die "the build log has no Maven BUILD SUCCESS"
healthcheck=$(pm image inspect --format '{{json .HealthCheck}}' $LAB_IMAGE)
grep -q '/actuator/health' <<<"$healthcheck" || die "the image has no HEALTHCHECK: $healthcheck"
log "lab image built in ${build_s} s: $(pm images --format '{{.Size}}' $LAB_IMAGE), user $(pm inspect --format '{{.Config.User}}' $LAB_IMAGE)"

# --- 3. run, health, workers, graceful stop --------------------------------------------
# The containers' own network namespace: a bridge and iptables rules there, nothing on the
# machine's interfaces; it ends with its last process.
unshare --net sleep 1800 &
netns_pid=$!
for _ in $(seq 1 50); do
	[ "$(readlink /proc/$netns_pid/ns/net)" = "$(readlink /proc/self/ns/net)" ] || break
	sleep 0.1
done
in_ns ip link set lo up

# Runs the image's own HEALTHCHECK (podman without systemd runs none by itself) until the
# container $1 is healthy, for at most $2 seconds.
wait_healthy() {
	local container=$1 deadline=$((SECONDS + $2))
	while [ $SECONDS -lt $deadline ]; do
		if pm healthcheck run "$container" >/dev/null 2>&1 &&
			[ "$(pm inspect --format '{{.State.Health.Status}}' "$container")" = healthy ]; then
			return 0
		fi
		[ "$(pm inspect --format '{{.State.Running}}' "$container")" = true ] || return 1
		sleep 0.5
	done
	return 1
}
# GET or POST $1 on the service in the network namespace, with body $2 if any.
api() {
	if [ $# -gt 1 ]; then
		in_ns curl -sS --max-time 10 -X POST "http://127.0.0.1:$PORT$1" -H 'Content-Type: application/json' -d "$2"
	else
		in_ns curl -sS --max-time 10 "http://127.0.0.1:$PORT$1"
	fi
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

t=$(now_ms)
pm run --detach --name $CONTAINER --publish 127.0.0.1:$PORT:8080 $LAB_IMAGE >/dev/null
if ! wait_healthy $CONTAINER 120; then
	pm logs --tail 40 $CONTAINER
	die "the container did not become healthy within 120 s: $(pm inspect --format '{{.State.Status}} {{.State.Health.Status}}' $CONTAINER)"
fi
healthy_s=$(seconds_since "$t")
api /actuator/health | grep -q '"status":"UP"' || die "127.0.0.1:$PORT does not reach the service"
published=$(pm port $CONTAINER 8080/tcp)
[ "$published" = "127.0.0.1:$PORT" ] || die "port 8080 is published on $published, not on 127.0.0.1:$PORT only"
log "container healthy by its HEALTHCHECK in ${healthy_s} s, published on 127.0.0.1:$PORT"

experiment=$(api '/experiments?waitMillis=0' \
	'{"mode":"process-pool","workload":{"type":"sleep","millis":60000},"tasks":4,"concurrency":2}') ||
	die "POST /experiments failed"
id=$(json 'd["id"]' <<<"$experiment") || die "no experiment id in: $experiment"
in_flight=0
for _ in $(seq 1 60); do
	in_flight=$(api "/experiments/$id" | json 'd["progress"]["inFlight"]' 2>/dev/null || echo 0)
	[ "$in_flight" -ge 1 ] && break
	sleep 0.5
done
[ "$in_flight" -ge 1 ] || die "experiment $id has no task in flight after 30 s: $(api "/experiments/$id" | head -c 600)"
# The processes in the container: the service (PID 1) and its worker JVMs, all as lab.
pm top $CONTAINER user pid ppid args >"$tmp/top.txt"
workers=$(awk 'NR > 1 && $3 == 1 && /java/' "$tmp/top.txt" | wc -l)
[ "$workers" -ge 1 ] || { cat "$tmp/top.txt"; die "no worker process runs in the container"; }
not_lab=$(awk 'NR > 1 && $1 != "lab"' "$tmp/top.txt")
[ -z "$not_lab" ] || { cat "$tmp/top.txt"; die "processes run as another user than lab"; }
log "experiment $id: $in_flight tasks in flight, $workers worker processes, every process runs as lab"

t=$(now_ms)
pm stop --time $STOP_GRACE $CONTAINER >/dev/null
stop_ms=$(($(now_ms) - t))
stop_s=$(seconds_since "$t")
exit_code=$(pm inspect --format '{{.State.ExitCode}}' $CONTAINER)
pm logs $CONTAINER >"$tmp/container.log" 2>&1
[ "$exit_code" = 143 ] || { tail -20 "$tmp/container.log"; die "exit code $exit_code after SIGTERM, expected 143"; }
[ $stop_ms -lt $((STOP_GRACE * 1000)) ] || die "the stop took ${stop_s} s, not less than the ${STOP_GRACE} s grace period"
shutdown_line=$(grep -E "Shutdown: experiment $id \(process-pool\) CANCELLED, [0-9]+ of 4 tasks completed" "$tmp/container.log") ||
	{ tail -20 "$tmp/container.log"; die "the log does not say that experiment $id was cancelled at shutdown"; }
grep -q 'Graceful shutdown complete' "$tmp/container.log" || die "the log has no 'Graceful shutdown complete'"
log "podman stop: exit code 143 in ${stop_s} s (grace ${STOP_GRACE} s); log: ${shutdown_line##*: }"
pm rm $CONTAINER >/dev/null

# --- 4. docker-compose.yml's app service ------------------------------------------------
nsenter --target "$netns_pid" --net timeout 900 podman system service --time=0 "$DOCKER_HOST" >"$tmp/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 50); do
	[ -S "$tmp/podman.sock" ] && curl -sf --max-time 2 --unix-socket "$tmp/podman.sock" http://d/_ping >/dev/null && break
	sleep 0.2
done
curl -sf --max-time 2 --unix-socket "$tmp/podman.sock" http://d/_ping >/dev/null || die "podman's API service did not start"
t=$(now_ms)
compose_up=1
# Every layer comes from 2: the build runs in the network namespace, which has no way out.
JDK_IMAGE=$JDK_IMAGE JRE_IMAGE=$JRE_IMAGE timeout 600 docker-compose up --detach --build app >"$tmp/compose.log" 2>&1 ||
	{ grep -v '\[warning\]\[aot' "$tmp/compose.log" | tail -30; die "docker-compose up app failed"; }
compose_build_s=$(seconds_since "$t")
app=$(docker-compose ps -q app)
[ -n "$app" ] || die "docker-compose started no app container"
compose_image=$(pm inspect --format '{{.Image}}' "$app")
[ "$compose_image" = "$(pm inspect --format '{{.Id}}' $LAB_IMAGE)" ] && reused="the image of 2, every layer reused" ||
	reused="a new image"
if ! wait_healthy "$app" 120; then
	pm logs --tail 40 "$app"
	die "the compose app did not become healthy within 120 s"
fi
compose_healthy_s=$(seconds_since "$t")
in_ns curl -sS --max-time 10 http://127.0.0.1:8080/actuator/health | grep -q '"status":"UP"' ||
	die "compose's port 127.0.0.1:8080 does not reach the service"
published=$(pm port "$app" 8080/tcp)
[ "$published" = 127.0.0.1:8080 ] || die "compose publishes port 8080 on $published, not on 127.0.0.1:8080 only"
log "compose app: built in ${compose_build_s} s ($reused), healthy at ${compose_healthy_s} s, on 127.0.0.1:8080"
t=$(now_ms)
timeout 120 docker-compose stop app >>"$tmp/compose.log" 2>&1 || die "docker-compose stop app failed"
compose_stop_ms=$(($(now_ms) - t))
compose_stop_s=$(seconds_since "$t")
[ $compose_stop_ms -lt 40000 ] || die "docker-compose stop took ${compose_stop_s} s, not less than its stop_grace_period 40 s"
exit_code=$(pm inspect --format '{{.State.ExitCode}}' "$app")
[ "$exit_code" = 143 ] || die "the compose app stopped with exit code $exit_code, expected 143"
pm logs "$app" 2>&1 | grep -q 'Graceful shutdown complete' || die "the compose app's log has no 'Graceful shutdown complete'"
log "docker-compose stop: exit code 143 in ${compose_stop_s} s"
disk=$(du -sxm "$tmp" | cut -f1)

log "stand-ins ${stand_in_s} s, lab image ${build_s} s, healthy ${healthy_s} s, stop ${stop_s} s, compose ${compose_healthy_s} s + stop ${compose_stop_s} s; ${disk} MB in $tmp; total $(seconds_since "$started") s"
log "PASSED"
