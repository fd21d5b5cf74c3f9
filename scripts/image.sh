#!/usr/bin/env bash
# Builds the telnyx-harness OCI image offline, from this build and Debian's shared libraries only:
# an image FROM scratch holding telnyx-mock, telnyx-mockctl, telnyx-loadgen and telnyx-send
# (stripped), exactly the libraries `ldd` lists for them, scenarios/ and fixtures/, the CA
# bundle, a non-root user, and /bin/sh from Debian's busybox-static (for Kubernetes Jobs that
# expand variables and globs, and `exec sh` when debugging). Built with buildah; nothing is
# downloaded.
#
#   scripts/image.sh [BUILD_DIR=build] [TAG=telnyx-harness:latest]
#
# Leaves the image in the local container storage (driver vfs unless STORAGE_DRIVER says
# otherwise) and an archive at BUILD_DIR/telnyx-harness-image.tar (`docker load -i` or
# `podman load -i` it elsewhere). Fails when the image is 80 MB or more.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
TAG="${2:-telnyx-harness:latest}"
STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}"
MAX_MB="${MAX_MB:-80}"

for tool in buildah strip ldd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "image: $tool is not installed (scripts/deps.sh image)"; exit 1; }
done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 \
  || { echo "image: a static $BUSYBOX is needed (Debian package busybox-static; scripts/deps.sh image)"; exit 1; }
BINS=(
  "$BUILD/mock-server/telnyx-mock"
  "$BUILD/mock-server/tools/telnyx-mockctl"
  "$BUILD/loadgen/telnyx-loadgen"
  "$BUILD/src/tools/telnyx-send"
)
for b in "${BINS[@]}"; do
  [ -x "$b" ] || { echo "image: $b is missing; run 'make build' first"; exit 1; }
done

ROOT="$(mktemp -d "${TMPDIR:-/tmp}/telnyx-image.XXXXXX")"
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/usr/bin" "$ROOT/bin" "$ROOT/etc/ssl/certs" "$ROOT/tmp" "$ROOT/usr/share/telnyx-harness"
chmod 1777 "$ROOT/tmp"

# The programs, without their debug information.
for b in "${BINS[@]}"; do
  strip --strip-unneeded -o "$ROOT/usr/bin/$(basename "$b")" "$b"
done

cp "$BUSYBOX" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"

# Every library the dynamic loader resolves for them, at the path it resolved (plus the loader).
copy_lib() {
  local src="$1" dst="$ROOT$1"
  [ -e "$dst" ] && return 0
  mkdir -p "$(dirname "$dst")"
  cp -L "$src" "$dst"
}
for b in "${BINS[@]}"; do
  while read -r lib; do copy_lib "$lib"; done < <(ldd "$b" | awk '/=> \//{print $3} $1 ~ /^\//{print $1}')
done
for lib in "$ROOT"/lib/x86_64-linux-gnu/*.so* "$ROOT"/usr/lib/x86_64-linux-gnu/*.so*; do
  [ -e "$lib" ] && strip --strip-unneeded "$lib" 2>/dev/null || true
done

# A user, name resolution from /etc/hosts then DNS (host.docker.internal, service names), and
# the CA bundle for https webhook receivers.
printf 'root:x:0:0:root:/:/sbin/nologin\ntelnyx:x:10001:10001:telnyx-harness:/usr/share/telnyx-harness:/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\ntelnyx:x:10001:\n' > "$ROOT/etc/group"
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"
fi

cp -r scenarios fixtures "$ROOT/usr/share/telnyx-harness/"
rm -rf "$ROOT/usr/share/telnyx-harness/fixtures/fuzz"   # fuzzing seeds: not for users of the image

export BUILDAH_FORMAT=docker   # HEALTHCHECK exists only in the docker image format
B=(buildah --storage-driver "$STORAGE_DRIVER")
ctr="$("${B[@]}" from scratch)"
cleanup() { "${B[@]}" rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$ROOT"; }
trap cleanup EXIT
"${B[@]}" copy "$ctr" "$ROOT/" / >/dev/null
"${B[@]}" config \
  --user 10001:10001 \
  --workingdir /usr/share/telnyx-harness \
  --env PATH=/usr/bin:/bin \
  --env TELNYX_MOCK_HOST=0.0.0.0 \
  --env TELNYX_MOCK_PORT=12111 \
  --port 12111 \
  --entrypoint '["/usr/bin/telnyx-mock"]' \
  --cmd '[]' \
  --healthcheck 'CMD ["/usr/bin/telnyx-mockctl", "health"]' \
  --healthcheck-interval 10s --healthcheck-timeout 3s --healthcheck-retries 3 --healthcheck-start-period 2s \
  --label org.opencontainers.image.title=telnyx-harness \
  --label org.opencontainers.image.description="telnyx-mock, telnyx-loadgen, telnyx-send: an offline Telnyx Messaging API v2 test harness" \
  "$ctr"
"${B[@]}" commit --quiet --format docker --rm "$ctr" "$TAG" >/dev/null

size_bytes="$("${B[@]}" inspect --type image --format '{{.Docker.Size}}' "$TAG" 2>/dev/null || echo 0)"
if [ "${size_bytes:-0}" -le 0 ]; then
  size_bytes="$(du -sb "$ROOT" | cut -f1)"
fi
ARCHIVE="$BUILD/telnyx-harness-image.tar"
rm -f "$ARCHIVE"
"${B[@]}" push --quiet "$TAG" "docker-archive:$ARCHIVE:$TAG" >/dev/null
size_mb=$(( (size_bytes + 999999) / 1000000 ))
echo "image: $TAG, $size_mb MB uncompressed ($(du -m "$ARCHIVE" | cut -f1) MB archive at $ARCHIVE)"
if [ "$size_mb" -ge "$MAX_MB" ]; then
  echo "image: $size_mb MB is over the $MAX_MB MB budget"
  exit 1
fi
