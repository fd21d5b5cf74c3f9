#!/usr/bin/env bash
# Runs one headless-Chromium test of the inbox page with node's built-in test runner (the DevTools
# protocol over node's WebSocket: no npm packages). Without chromium or node it says so visibly
# and exits 77, which ctest counts as skipped; scripts/deps.sh installs both, so CI runs them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
  echo "SKIPPED: chromium is not installed (scripts/deps.sh installs it); the inbox browser test '$1' did not run."
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed; the inbox browser test '$1' did not run."
  exit 77
fi
exec node --experimental-websocket --no-warnings --test --test-reporter=spec "$here/$1"
