#!/usr/bin/env bash
# Runs the pytest plugin's own tests. Prefers the python3 on PATH when it has pytest, then
# Debian's /usr/bin/python3 (python3-pytest). Without pytest: a visible SKIPPED and exit 77.
set -euo pipefail
dir="$1"
py=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import pytest' >/dev/null 2>&1; then
    py="$candidate"
    break
  fi
done
if [ -z "$py" ]; then
  echo "SKIPPED: no python3 with pytest (Debian package python3-pytest); the pytest plugin's tests did not run."
  exit 77
fi
cd "$dir"
export PYTHONDONTWRITEBYTECODE=1
exec "$py" -m pytest -p no:cacheprovider -q -rs "$dir"
