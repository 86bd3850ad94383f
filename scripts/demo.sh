#!/usr/bin/env bash
# Quick start 1: installs what is missing, then runs the demo on the bundled invoices.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prerequisites.sh"
require_node
ensure_node_modules
ensure_chromium
cd "$REPO_ROOT"
exec node bin/rpa.mjs demo "$@"
