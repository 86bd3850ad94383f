#!/usr/bin/env bash
# Quick start 2: installs what is missing (npm packages, Chromium, Dovecot, tesseract, Redis), then runs
# the type check, lint and format checks and the whole test suite against real services.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
require_node
ensure_node_modules
ensure_chromium
apt_install dovecot-imapd poppler-utils tesseract-ocr
ensure_redis
trap stop_started_redis EXIT
cd "$REPO_ROOT"
say "type check"
npx tsc -p .
say "lint and format check"
npx biome check .
say "tests (Redis at ${REDIS_URL})"
npx vitest run "$@"
