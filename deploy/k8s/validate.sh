#!/usr/bin/env bash
# Validates the Kubernetes manifests offline, with no cluster: every document against the
# Kubernetes OpenAPI schema of its kind (the npm package kubernetes-models, which ships them
# compiled), strictly (an unknown field is an error), plus a few API-server rules the schema
# lacks (see validate.mjs). One line per file; exits non-zero on any error.
#   bash deploy/k8s/validate.sh              # every *.yaml / *.yml in deploy/k8s
#   bash deploy/k8s/validate.sh FILE...      # just these
# Needs Node.js 18+ and npm: as root it installs Debian's nodejs and npm if either is missing.
# The npm packages go to $LAB_K8S_VALIDATE_CACHE (default ~/.cache/concurrency-lab/k8s-validate),
# once; later runs reach no registry. Where kubectl is on the PATH, `kubectl kustomize` must
# also build the folder of a kustomization.yaml (no kubectl: noted, not an error).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${LAB_K8S_VALIDATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/concurrency-lab/k8s-validate}"
# kubernetes-models 5.1.0 carries the schemas of Kubernetes 1.36 (PodSpec has schedulingGroup,
# new in 1.36), without the alpha API groups.
packages='{"private":true,"dependencies":{"kubernetes-models":"5.1.0","yaml":"2.9.1"}}'

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	if [ "$(id -u)" != 0 ]; then
		echo "validate.sh: needs node and npm (as root it installs Debian's nodejs and npm)" >&2
		exit 2
	fi
	echo "installing Debian's nodejs and npm" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq nodejs npm >/dev/null
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
	echo "validate.sh: needs Node.js 18 or later, found $(node --version)" >&2
	exit 2
fi

mkdir -p "$cache"
(
	flock 9
	if [ "$(cat "$cache/installed" 2>/dev/null)" != "$packages" ]; then
		echo "installing kubernetes-models and yaml into $cache" >&2
		rm -rf "$cache/node_modules" "$cache/package-lock.json" "$cache/installed"
		printf '%s\n' "$packages" >"$cache/package.json"
		# The packages ask for Node.js 22 (engines), but run on 18 and 20: no engine-strict.
		if ! npm install --prefix "$cache" --no-audit --no-fund --ignore-scripts --engine-strict=false \
			--loglevel=error >"$cache/npm.log" 2>&1; then
			cat "$cache/npm.log" >&2
			exit 2
		fi
		printf '%s\n' "$packages" >"$cache/installed"
	fi
) 9>"$cache/.lock"

if [ "$#" -gt 0 ]; then
	files=("$@")
else
	shopt -s nullglob
	files=("$here"/*.yaml "$here"/*.yml)
	shopt -u nullglob
fi
if [ "${#files[@]}" -eq 0 ]; then
	echo "validate.sh: no manifest to validate" >&2
	exit 2
fi

exec node "$here/validate.mjs" "$cache" "${files[@]}"
