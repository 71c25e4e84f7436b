#!/usr/bin/env bash
# Prepares this checkout for development and tests, and says what it does. Safe to rerun: the
# second run only checks (a few seconds at most).
#
#   scripts/setup.sh             set up
#   source scripts/setup.sh      set up, then put the project's Node and pnpm first on PATH here
#
# Steps: Node >= 22.13 (Node 24 unpacked into .tools/ when the system one is older), pnpm (the
# major of package.json's packageManager), `pnpm install` when the lockfile or a package.json
# changed, a Docker engine (left alone when `docker version` answers; otherwise docker.io is
# installed and dockerd started, which needs root), the local test image and PostgreSQL image
# (test-image/postgres, from Debian's postgresql-15 server), Debian's debootstrap
# (the deploy test makes the agent image's Debian base with it), and Debian's chromium for the
# dashboard's browser tests (playwright-core drives it; no browser is ever downloaded).
#
# Environment: DOCKER_HOST is respected (then the engine is only checked, never started);
# WM_SKIP_DOCKER=1 skips the engine and the test images (enough for unit tests);
# WM_SKIP_BROWSER=1 skips chromium.

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  # Sourced: run in a child bash so `set -e` never reaches the caller's shell, then take its PATH.
  __wm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if bash "$__wm_root/scripts/setup.sh" "$@"; then
    . "$__wm_root/.tools/env.sh"
    unset __wm_root
    return 0
  else
    __wm_status=$?
    unset __wm_root
    return "$__wm_status"
  fi
fi

set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir=$repo_root/.tools
bin_dir=$tools_dir/bin
node_spec=${WM_NODE_SPEC:-24}
min_node=22.13.0
started_at=$(date +%s%N)
apt_updated=0

say() { printf 'setup: %s\n' "$*"; }
fail() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

cd "$repo_root"
mkdir -p "$bin_dir"
# Project-local tools come first, so every child (pnpm, vitest, the CLI) runs on the same Node.
# (sbin appended: dockerd lives there and is not on a normal user's PATH.)
export PATH="$bin_dir:$PATH:/usr/sbin:/sbin"
# Debian's Node trusts the system CA store, the upstream Node binary only its bundled one: behind a
# TLS-inspecting proxy its npm/pnpm downloads then stall. Give it the system store as well.
system_ca=/etc/ssl/certs/ca-certificates.crt
if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -f $system_ca ]]; then
  export NODE_EXTRA_CA_CERTS=$system_ca
fi

# --- helpers -----------------------------------------------------------------------------------

version_at_least() { # $1 >= $2, both x.y.z
  local IFS=.
  local -a have=($1) want=($2)
  local i
  for i in 0 1 2; do
    ((${have[i]:-0} > ${want[i]:-0})) && return 0
    ((${have[i]:-0} < ${want[i]:-0})) && return 1
  done
  return 0
}

node_version_of() { "$1" -p 'process.versions.node' 2> /dev/null; }

# Runs a command as root: directly when root, through sudo otherwise; a readable stop if neither.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo > /dev/null && { sudo -n true 2> /dev/null || [[ -t 0 ]]; }; then
    sudo "$@"
  else
    fail "this step needs root: '$*'. Rerun scripts/setup.sh as root (or with sudo available)."
  fi
}

apt_install() {
  command -v apt-get > /dev/null || fail "missing $*, and apt-get is not available to install it: install $* yourself"
  say "installing Debian package(s) $* with apt-get (needs root)"
  if ((apt_updated == 0)); then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" > /dev/null
}

# Downloads an npm package tarball (integrity checked by npm) and unpacks it into $2.
unpack_npm_package() {
  local spec=$1 destination=$2 tarball
  if ! command -v npm > /dev/null; then
    say "npm is needed to download $spec"
    apt_install npm
  fi
  tarball=$(cd "$tools_dir" && npm pack "$spec" --loglevel=error | tail -n 1)
  [[ -f $tools_dir/$tarball ]] || fail "npm pack $spec did not produce a tarball"
  rm -rf "$destination.partial"
  mkdir -p "$destination.partial"
  tar -xzf "$tools_dir/$tarball" -C "$destination.partial" --strip-components=1
  rm -rf "$destination" "${tools_dir:?}/$tarball"
  mv "$destination.partial" "$destination"
}

# --- Node ----------------------------------------------------------------------------------------

ensure_node() {
  local version
  if [[ -x $bin_dir/node ]] && version=$(node_version_of "$bin_dir/node") && version_at_least "$version" "$min_node"; then
    say "Node $version (project-local, .tools/node)"
    return
  fi
  rm -f "$bin_dir/node"
  if command -v node > /dev/null && version=$(node_version_of node) && version_at_least "$version" "$min_node"; then
    say "Node $version ($(command -v node))"
    return
  fi
  local arch
  case $(uname -m) in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no Node build for $(uname -m): install Node >= $min_node yourself" ;;
  esac
  say "Node ${version:-(none)} is older than $min_node: installing node-linux-$arch@$node_spec into .tools/node"
  unpack_npm_package "node-linux-$arch@$node_spec" "$tools_dir/node"
  ln -sf ../node/bin/node "$bin_dir/node"
  version=$(node_version_of "$bin_dir/node") || fail "the downloaded Node does not run: see $tools_dir/node"
  say "Node $version installed (project-local)"
}

# --- pnpm ----------------------------------------------------------------------------------------

ensure_pnpm() {
  local wanted wanted_major version
  wanted=$(sed -n 's/.*"packageManager": *"pnpm@\([0-9][0-9.]*\).*/\1/p' package.json)
  [[ -n $wanted ]] || fail 'package.json has no "packageManager": "pnpm@x.y.z" field'
  wanted_major=${wanted%%.*}
  if version=$(pnpm --version 2> /dev/null) && [[ ${version%%.*} == "$wanted_major" ]]; then
    say "pnpm $version ($(command -v pnpm))"
    return
  fi
  if [[ ! -f $tools_dir/pnpm/package.json ]] || ! grep -q "\"version\": \"$wanted\"" "$tools_dir/pnpm/package.json"; then
    say "pnpm ${version:-(none)} is not pnpm $wanted_major: installing pnpm@$wanted into .tools/pnpm"
    unpack_npm_package "pnpm@$wanted" "$tools_dir/pnpm"
  fi
  # A wrapper rather than pnpm's own `#!/usr/bin/env node` bin: it runs on the Node chosen above
  # whatever PATH the caller has.
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$(command -v node)" "$tools_dir/pnpm/bin/pnpm.cjs" > "$bin_dir/pnpm"
  chmod +x "$bin_dir/pnpm"
  say "pnpm $(pnpm --version) (project-local, .tools/pnpm)"
}

# --- dependencies --------------------------------------------------------------------------------

ensure_dependencies() {
  local stamp=$tools_dir/pnpm-install.hash wanted
  [[ -f pnpm-lock.yaml ]] || fail "pnpm-lock.yaml is missing: run 'pnpm install' once and commit the lockfile"
  wanted=$(
    {
      node -p 'process.versions.node.split(".")[0]'
      cat pnpm-lock.yaml pnpm-workspace.yaml package.json
      for manifest in packages/*/package.json; do
        printf '%s\n' "$manifest"
        cat "$manifest"
      done
    } | sha256sum | cut -d' ' -f1
  )
  if [[ -d node_modules && -f $stamp && $(< "$stamp") == "$wanted" ]]; then
    say "dependencies up to date (pnpm-lock.yaml unchanged)"
    return
  fi
  say "installing dependencies: pnpm install --frozen-lockfile"
  pnpm install --frozen-lockfile --config.confirm-modules-purge=false
  printf '%s\n' "$wanted" > "$stamp"
}

# --- Docker engine -------------------------------------------------------------------------------

engine_version() { timeout 20 docker version --format '{{.Server.Version}}' 2> /dev/null; }

ensure_docker_engine() {
  local version
  if command -v docker > /dev/null && version=$(engine_version); then
    say "Docker engine $version answers at ${DOCKER_HOST:-/var/run/docker.sock}"
    return
  fi
  if [[ -n ${DOCKER_HOST:-} ]]; then
    command -v docker > /dev/null || apt_install docker.io
    version=$(engine_version) || fail "DOCKER_HOST=$DOCKER_HOST does not answer 'docker version': start that engine, or unset DOCKER_HOST to use a local one"
    say "Docker engine $version answers at $DOCKER_HOST"
    return
  fi
  if ! command -v dockerd > /dev/null; then
    say "no Docker engine on this machine"
    apt_install docker.io
  fi
  command -v docker > /dev/null || fail "dockerd is installed but the docker command is missing: apt-get install docker.io"
  local log=$tools_dir/dockerd.log socket=/var/run/docker.sock
  if [[ -S $socket && ! -w $socket ]]; then
    fail "$socket exists but $(id -un) may not use it: run as root, or add $(id -un) to the docker group and log in again"
  fi
  if command -v pgrep > /dev/null && pgrep -x dockerd > /dev/null; then
    say "dockerd is running but not answering yet: waiting for it"
  else
    say "no Docker engine answers: starting dockerd in the background as root (log: $log)"
    # setsid -f: a session of its own, so it outlives this script and its terminal.
    as_root setsid -f dockerd >> "$log" 2>&1 < /dev/null
  fi
  local deadline=$((SECONDS + 60))
  until [[ -S $socket ]] && version=$(engine_version); do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 2> /dev/null || true
      fail "dockerd did not answer within 60 s (log: $log)"
    fi
    sleep 0.5
  done
  say "Docker engine $version started"
}

# --- test image ----------------------------------------------------------------------------------

busybox_is_static() {
  [[ -x /bin/busybox ]] || return 1
  if command -v file > /dev/null; then
    file -L /bin/busybox | grep -q 'statically linked'
  else
    ! ldd /bin/busybox > /dev/null 2>&1 # ldd fails on a static binary
  fi
}

ensure_test_image() {
  if ! busybox_is_static; then
    say "the test image needs a static /bin/busybox"
    apt_install busybox-static
    busybox_is_static || fail "/bin/busybox is still not static after installing busybox-static"
  fi
  bash "$repo_root/test-image/build.sh"
}

# The integration tests' PostgreSQL (testcontainers) runs website-monitor-postgres:local, built from
# this machine's PostgreSQL 15 server and the static busybox above: no registry. Rebuilt only when
# an input changed (a second or two to check).
ensure_postgres_image() {
  if [[ ! -x /usr/lib/postgresql/15/bin/postgres ]]; then
    say "the PostgreSQL test image is built from PostgreSQL 15's server binaries"
    apt_install postgresql-15
  fi
  bash "$repo_root/test-image/postgres/build.sh"
}

# --- browser -------------------------------------------------------------------------------------

# The dashboard's browser tests launch /usr/bin/chromium (WM_CHROMIUM overrides the path).
ensure_chromium() {
  local chromium=${WM_CHROMIUM:-/usr/bin/chromium}
  if [[ -x $chromium ]]; then
    return 0
  fi
  [[ -z ${WM_CHROMIUM:-} ]] || fail "WM_CHROMIUM=$WM_CHROMIUM is not an executable browser"
  apt_install chromium
  [[ -x $chromium ]] || fail "chromium was installed but $chromium is missing"
}

# --- main ----------------------------------------------------------------------------------------

ensure_node
ensure_pnpm
ensure_dependencies
if [[ ${WM_SKIP_DOCKER:-0} == 1 ]]; then
  say "WM_SKIP_DOCKER=1: skipping the Docker engine and the test images"
else
  ensure_docker_engine
  ensure_test_image
  ensure_postgres_image
  # The deploy test builds the agent's image on a Debian base made with debootstrap: no registry.
  command -v debootstrap > /dev/null || apt_install debootstrap
fi
if [[ ${WM_SKIP_BROWSER:-0} == 1 ]]; then
  say "WM_SKIP_BROWSER=1: skipping chromium (the dashboard's browser tests need it)"
else
  ensure_chromium
fi

{
  echo "# Written by scripts/setup.sh: the project's Node and pnpm first on PATH."
  echo "case \":\$PATH:\" in *\":$bin_dir:\"*) ;; *) export PATH=\"$bin_dir:\$PATH\" ;; esac"
  if [[ -n ${NODE_EXTRA_CA_CERTS:-} ]]; then
    echo "export NODE_EXTRA_CA_CERTS=\"\${NODE_EXTRA_CA_CERTS:-$NODE_EXTRA_CA_CERTS}\""
  fi
} > "$tools_dir/env.sh"
elapsed_ms=$((($(date +%s%N) - started_at) / 1000000))
say "ready in $((elapsed_ms / 1000)).$(printf '%03d' $((elapsed_ms % 1000))) s. In your shell: export PATH=\"$bin_dir:\$PATH\" (or: source .tools/env.sh)"
