#!/usr/bin/env bash
# Installs what slotgate's start and test commands need, only when missing:
#   Debian: redis-tools (redis-cli, redis-benchmark), redis-server (the reference for differential
#   tests and benchmarks), zookeeper (store tests), nutcracker (proxy benchmark).
#   npm: the locked dependencies (npm ci) when node_modules is absent or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -d /usr/share/zookeeper ] || need+=(zookeeper)
command -v nutcracker >/dev/null 2>&1 || [ -x /usr/sbin/nutcracker ] || need+=(nutcracker)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # policy-rc.d keeps the packages' own services (redis-server on 6379, zookeeper) from starting.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  $SUDO rm -f /usr/sbin/policy-rc.d
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  # npm 11.x refuses this lockfile ("Missing: @rollup/rollup-<other platform>"): it wants entries for
  # every platform's optional rollup binary, which the registry's lockfile does not carry. npm 10
  # installs the same locked tree, so fall back to it rather than to an unlocked `npm install`.
  if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/slotgate-npm-ci.log; then
    echo "setup: npm ci failed ($(grep -m1 -o 'Missing: [^ ]*' /tmp/slotgate-npm-ci.log || echo see /tmp/slotgate-npm-ci.log)); retrying with npm 10"
    npx -y npm@10 ci --no-audit --no-fund --loglevel=error
  fi
fi
