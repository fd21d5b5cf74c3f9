#!/usr/bin/env bash
# Installs the packages pinned by package-lock.json (the official Telnyx SDK and Ajv) once, for the
# contract tests: `npm ci` from the committed lockfile, never a fresh resolution.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIPPED: node/npm not installed; contract tests will be skipped."
  exit 0
fi
cd "$here"
# Every locked package installed at its locked version? Then there is nothing to do.
stale=$(node -e '
  const lock = require("./package-lock.json").packages;
  const bad = Object.entries(lock).filter(([p]) => p.startsWith("node_modules/")).filter(([p, v]) => {
    try { return require("./" + p + "/package.json").version !== v.version; } catch (e) { return true; }
  });
  console.log(bad.map(([p]) => p).join(" "));')
if [ -n "$stale" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "contract: $(node -e 'const l=require("./package-lock.json").packages;console.log(Object.keys(l).filter(p=>p).map(p=>p.slice(13)+"@"+l[p].version).join(", "))') ready"
