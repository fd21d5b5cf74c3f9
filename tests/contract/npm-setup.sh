#!/usr/bin/env bash
# Installs the pinned official Telnyx SDK (package-lock.json) once, for the contract tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIPPED: node/npm not installed; contract tests will be skipped."
  exit 0
fi
cd "$here"
want=$(node -e 'console.log(require("./package-lock.json").packages["node_modules/telnyx"].version)')
have=$(node -e 'try{console.log(require("./node_modules/telnyx/package.json").version)}catch(e){console.log("none")}')
if [ "$want" != "$have" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "contract: telnyx SDK $want ready"
