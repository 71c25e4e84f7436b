#!/usr/bin/env bash
# Builds the local test image (website-monitor-test:local) with `docker import` of a rootfs tar:
# no registry, no base image. Rebuilds only when this folder or the busybox binary changed; the
# hash of both is stored on the image as the label website-monitor-test.image-hash (outside the
# website-monitor.* namespace, which the agent reads on every container).
#
#   test-image/build.sh [--force]
#
# Needs a static busybox at $BUSYBOX (default /bin/busybox; Debian: apt-get install busybox-static).
set -euo pipefail

image=${WM_TEST_IMAGE:-website-monitor-test:local}
busybox=${BUSYBOX:-/bin/busybox}
hash_label=website-monitor-test.image-hash
context_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
force=0
[[ ${1:-} == --force ]] && force=1

say() { printf 'test-image: %s\n' "$*"; }
fail() { printf 'test-image: error: %s\n' "$*" >&2; exit 1; }

[[ -x $busybox ]] || fail "no busybox at $busybox (Debian: apt-get install busybox-static)"
command -v docker > /dev/null || fail "no docker command (run scripts/setup.sh)"

# Content hash of every file of the build context (path + bytes, modes included) and busybox.
context_hash=$(
  cd "$context_dir"
  {
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    find . -type f -printf '%p %m\n' | LC_ALL=C sort
    sha256sum < "$busybox"
  } | sha256sum | cut -c1-32
)

current_hash=$(docker image inspect --format "{{ index .Config.Labels \"$hash_label\" }}" "$image" 2> /dev/null || true)
if [[ $force == 0 && $current_hash == "$context_hash" ]]; then
  say "$image is up to date ($context_hash)"
  exit 0
fi

say "building $image (context hash $context_hash)"
previous_id=$(docker image inspect --format '{{.Id}}' "$image" 2> /dev/null || true)
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT
rootfs=$work_dir/rootfs
mkdir -p "$rootfs"/{bin,app,etc,proc,sys,dev,tmp,var/run}
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
# One symlink per applet, so scripts run plain `sleep`, `nc`, `sh`...
while IFS= read -r applet; do
  [[ $applet == busybox || -z $applet ]] && continue
  ln -s busybox "$rootfs/bin/$applet"
done < <("$busybox" --list)
cp -R "$context_dir/rootfs/." "$rootfs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"

tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work_dir/rootfs.tar" .

docker import \
  --change 'ENTRYPOINT ["/app/testapp"]' \
  --change 'CMD ["run"]' \
  --change 'WORKDIR /app' \
  --change 'ENV PATH=/bin PORT=8080' \
  --change 'EXPOSE 8080/tcp' \
  --change "LABEL $hash_label=$context_hash" \
  --change 'LABEL org.opencontainers.image.title=website-monitor-test' \
  --message "website-monitor test image $context_hash" \
  "$work_dir/rootfs.tar" "$image" > /dev/null
# The previous build would stay behind as a dangling image; containers still using it keep it.
[[ -n $previous_id ]] && docker image rm "$previous_id" > /dev/null 2>&1 || true
say "built $image"
