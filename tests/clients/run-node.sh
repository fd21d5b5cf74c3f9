#!/usr/bin/env bash
# Runs the JavaScript helper's own tests with node's test runner. Without node: a visible
# SKIPPED and exit 77.
set -euo pipefail
dir="$1"
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed; the JavaScript helper's tests did not run."
  exit 77
fi
cd "$dir"
exec node --test --test-reporter=spec test/*.test.js
