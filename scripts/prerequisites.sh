#!/usr/bin/env bash
# Installs what the demo or the tests need and is missing, on Debian or Ubuntu. Sourced by
# scripts/demo.sh and scripts/test.sh. Where it cannot install (not root, no apt-get) it stops
# and says exactly what to install.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '[setup] %s\n' "$*" >&2; }

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    say "Node.js 20 or newer is required: https://nodejs.org or 'apt-get install nodejs npm'."
    exit 1
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    say "Node.js $(node --version) is too old; install Node.js 20 or newer."
    exit 1
  fi
}

ensure_node_modules() {
  cd "$REPO_ROOT"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# apt_install PACKAGE... : installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: ${missing[*]}"
    say "install them with: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]} (apt-get)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A Chromium for Playwright: a user's own Playwright browser or RPA_CHROMIUM_PATH is used as is;
# otherwise Debian's chromium package.
ensure_chromium() {
  if [ -n "${RPA_CHROMIUM_PATH:-}" ] && [ -x "$RPA_CHROMIUM_PATH" ]; then return 0; fi
  if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome >/dev/null 2>&1; then
    return 0
  fi
  command -v chromium >/dev/null 2>&1 || apt_install chromium
}

# Redis for the queue tests: use REDIS_URL, else one on 127.0.0.1:6379, else start our own on a
# free port (nothing kept on disk) and export its URL.
ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return 0; fi
  if command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    export REDIS_URL="redis://127.0.0.1:6379"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  local port
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  say "starting redis-server on 127.0.0.1:$port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir /tmp --logfile "/tmp/rpa-test-redis-$port.log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$port"
  export RPA_STARTED_REDIS_PORT="$port"
}

stop_started_redis() {
  if [ -n "${RPA_STARTED_REDIS_PORT:-}" ]; then
    redis-cli -p "$RPA_STARTED_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}
