#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, and only those that are missing.
# Safe to run repeatedly; non-interactive. Used by `make run`, `make test` and `.ci/run`.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache clang libclang-rt-14-dev
  libcpp-httplib-dev nlohmann-json3-dev libssl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libasio-dev libsqlite3-dev
  libhttp-parser-dev libjemalloc-dev
  zlib1g-dev libbrotli-dev
  curl wrk python3-pytest
  chromium nodejs
)
# `scripts/deps.sh image` (make image): the OCI image is built with buildah and tested with podman.
if [ "${1:-}" = "image" ]; then
  PACKAGES+=(buildah podman runc binutils busybox-static)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing missing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# node/npm are optional: the contract tests skip with a visible message without them.
if ! command -v node >/dev/null 2>&1; then
  echo "deps: node not found; contract tests against the official Telnyx SDK will be skipped"
fi
