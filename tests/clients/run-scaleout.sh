#!/usr/bin/env bash
# Runs deploy/scaleout_test.py (standard library only) with Debian's python3 or any python3.
# It exits 77 itself when nginx is missing; without python3: a visible SKIPPED and exit 77.
set -euo pipefail
py=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null 2>&1; then py="$candidate"; break; fi
done
if [ -z "$py" ]; then
  echo "SKIPPED: python3 is not installed; the nginx scale-out test did not run."
  exit 77
fi
export PYTHONDONTWRITEBYTECODE=1
exec "$py" "$1"
