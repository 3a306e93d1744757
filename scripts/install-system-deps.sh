#!/usr/bin/env bash
# Installs the real servers the demo, the integration tests and the end-to-end tests run against:
# Prometheus, Alertmanager, node_exporter (Debian packages) and Chromium.
#
# Idempotent: does nothing when all four binaries exist; otherwise one `apt-get update` and one
# `apt-get install`. Never starts or enables system services (the tests start their own processes on
# random 127.0.0.1 ports): a temporary policy-rc.d forbids the packages' scripts to start them.
# DRY_RUN=1 prints the commands instead of running them.
set -euo pipefail

required=(
  /usr/bin/prometheus
  /usr/bin/prometheus-alertmanager
  /usr/bin/prometheus-node-exporter
  /usr/bin/chromium
)
packages=(prometheus prometheus-alertmanager prometheus-node-exporter chromium fonts-dejavu-core)

log() { echo "install-system-deps: $*"; }

missing=()
for bin in "${required[@]}"; do
  [[ -x "$bin" ]] || missing+=("$bin")
done

if [[ ${#missing[@]} -eq 0 && -z "${FORCE:-}" ]]; then
  log "all present (${required[*]}); nothing to do."
  exit 0
fi
log "missing: ${missing[*]:-none (FORCE set)}"

if ! command -v apt-get >/dev/null 2>&1; then
  log "apt-get not found; install these packages by hand: ${packages[*]}" >&2
  exit 1
fi

prefix=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    prefix=(sudo)
  else
    log "not root and sudo is not available; as root run: apt-get update && apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi

run() {
  log "running: ${prefix[*]:+${prefix[*]} }$*"
  if [[ -n "${DRY_RUN:-}" ]]; then return 0; fi
  if [[ ${#prefix[@]} -gt 0 ]]; then "${prefix[@]}" "$@"; else "$@"; fi
}

policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  run sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  created_policy=1
fi
cleanup() {
  if [[ $created_policy -eq 1 ]]; then run rm -f "$policy"; fi
}
trap cleanup EXIT

run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"

if [[ -n "${DRY_RUN:-}" ]]; then
  log "dry run: nothing was installed."
  exit 0
fi

still_missing=()
for bin in "${required[@]}"; do
  [[ -x "$bin" ]] || still_missing+=("$bin")
done
if [[ ${#still_missing[@]} -gt 0 ]]; then
  log "still missing after the install: ${still_missing[*]}" >&2
  exit 1
fi
log "installed ${packages[*]}; no system service was started."
