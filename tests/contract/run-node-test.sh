#!/usr/bin/env bash
# Runs one contract test file with node's built-in test runner against the pinned official
# Telnyx SDK. Without node, says so visibly and exits 77 (ctest counts it as skipped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed; the official-SDK contract test '$1' did not run."
  exit 77
fi
exec node --test --test-reporter=spec "$here/$1"
