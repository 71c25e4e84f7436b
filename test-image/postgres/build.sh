#!/usr/bin/env bash
# Builds the local PostgreSQL image (website-monitor-postgres:local) as test-image/build.sh builds
# the test image: from a rootfs tar made here, no registry, no base image. The rootfs holds this
# machine's PostgreSQL 15 server (Debian's postgresql-15: postgres, initdb, pg_ctl, pg_isready,
# psql, the server's modules and share/ data), the shared libraries they load (as ldd finds them,
# the dynamic loader included), the timezone data and C.UTF-8 locale initdb uses, a static busybox
# for the entrypoint's shell, and a non-root `postgres` user (PostgreSQL refuses root). The
# entrypoint (docker-entrypoint.sh) behaves as the official image's does where testcontainers'
# PostgreSqlContainer relies on it.
#
# Rebuilds only when an input changed: this folder, busybox or any host file copied in. Their hash
# is stored on the image as the label website-monitor-postgres.image-hash.
#
#   test-image/postgres/build.sh [--force]
#
# Needs a static busybox at $BUSYBOX (default /bin/busybox; Debian: apt-get install busybox-static)
# and PostgreSQL's server under $PG_DIR (default /usr/lib/postgresql/15; Debian: apt-get install
# postgresql-15).
set -euo pipefail

image=${WM_TEST_POSTGRES_IMAGE:-website-monitor-postgres:local}
busybox=${BUSYBOX:-/bin/busybox}
pg_dir=${PG_DIR:-/usr/lib/postgresql/15}
hash_label=website-monitor-postgres.image-hash
context_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
force=0
[[ ${1:-} == --force ]] && force=1

say() { printf 'postgres-image: %s\n' "$*"; }
fail() { printf 'postgres-image: error: %s\n' "$*" >&2; exit 1; }

[[ -x $busybox ]] || fail "no busybox at $busybox (Debian: apt-get install busybox-static)"
[[ -x $pg_dir/bin/postgres && -x $pg_dir/bin/pg_config ]] ||
  fail "no PostgreSQL server in $pg_dir (Debian: apt-get install postgresql-15; or set PG_DIR)"
command -v docker > /dev/null || fail "no docker command (run scripts/setup.sh)"

programs=(postgres initdb pg_ctl pg_isready psql)
share_dir=$("$pg_dir/bin/pg_config" --sharedir)
module_dir=$("$pg_dir/bin/pg_config" --pkglibdir)
# The server's loadable modules (plpgsql and the snowball dictionaries are loaded by initdb itself;
# the others back CREATE EXTENSION, as in the official image). Not llvmjit: LLVM alone is over
# 100 MB, and without the module the server simply runs without JIT.
mapfile -t modules < <(find "$module_dir" -maxdepth 1 -name '*.so' ! -name 'llvmjit*' | LC_ALL=C sort)
elf_files=("${programs[@]/#/$pg_dir/bin/}" "${modules[@]}")
# Every shared library those load, by the path the dynamic loader resolves it to, and the loader
# itself. (The loader's --list is what ldd runs, without ldd's script around each call: a few
# tenths of a second instead of 3 s for the 85 files, which keeps the up-to-date check quick.)
loader=$(ldd "$pg_dir/bin/postgres" | awk '$1 ~ /^\// { print $1 }')
[[ -x $loader ]] || fail "no dynamic loader found in ldd $pg_dir/bin/postgres"
library_list=$(
  for file in "${elf_files[@]}"; do
    printf '%s:\n' "$file"
    "$loader" --list "$file"
  done | awk '
    /:$/ { file = substr($0, 1, length($0) - 1); next }
    /not found/ { print "missing " $1 " for " file > "/dev/stderr"; failed = 1 }
    $2 == "=>" && $3 ~ /^\// { print $3 }
    $1 ~ /^\// { print $1 }
    END { exit failed }' | LC_ALL=C sort -u
) || fail "a shared library of the PostgreSQL server is missing on this machine (see above)"
mapfile -t libraries <<< "$library_list"
tree_dirs=("$share_dir" /usr/share/zoneinfo)
[[ -d /usr/lib/locale/C.utf8 ]] && tree_dirs+=(/usr/lib/locale/C.utf8)

# Content hash of every input: this folder (paths, bytes, modes), busybox and every host file.
context_hash=$(
  {
    (cd "$context_dir" && find . -type f -printf '%p %m\n' | LC_ALL=C sort)
    find "$context_dir" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|$context_dir/||"
    sha256sum "$busybox"
    printf '%s\n' "${elf_files[@]}" "${libraries[@]}" | xargs sha256sum
    find "${tree_dirs[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-32
)

current_hash=$(docker image inspect --format "{{ index .Config.Labels \"$hash_label\" }}" "$image" 2> /dev/null || true)
if [[ $force == 0 && $current_hash == "$context_hash" ]]; then
  say "$image is up to date ($context_hash)"
  exit 0
fi

say "building $image (input hash $context_hash)"
previous_id=$(docker image inspect --format '{{.Id}}' "$image" 2> /dev/null || true)
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT
rootfs=$work_dir/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,usr/local/bin,var/lib/postgresql/data,var/run/postgresql}
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
chmod 755 "$rootfs/bin/busybox"
# One symlink per applet: the entrypoint and testcontainers' port check run sh, cat, awk, grep, nc.
while IFS= read -r applet; do
  [[ $applet == busybox || -z $applet ]] && continue
  ln -s busybox "$rootfs/bin/$applet"
done < <("$busybox" --list)
# Host files at their host paths, so the server finds its share/ and module folders where it was
# built to look, and the loader its libraries; symlinked libraries are copied as files.
cp -L --parents "${elf_files[@]}" "${libraries[@]}" "$rootfs/"
tar -C / -cf - "${tree_dirs[@]#/}" | tar -C "$rootfs" -xf -
ln -s /usr/share/zoneinfo/Etc/UTC "$rootfs/etc/localtime"
cp "$context_dir/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
chmod 755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
# uid/gid 999 as in the official image. `hosts: files` first: the health check's `localhost`
# must not wait on a DNS server.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh' \
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'postgres:x:999:' 'nogroup:x:65534:' > "$rootfs/etc/group"
printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"

# `docker build` of the rootfs tar on an empty base rather than `docker import`: import cannot set
# STOPSIGNAL, and SIGINT (PostgreSQL's fast shutdown, as in the official image) is what lets
# `docker stop` end the server at once, with clients still connected, and cleanly. FROM scratch
# and a local ADD need no registry, with either builder.
mkdir "$work_dir/context"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work_dir/context/rootfs.tar" .
cat > "$work_dir/context/Dockerfile" << DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/bin:$pg_dir/bin:/bin PGDATA=/var/lib/postgresql/data LANG=C.UTF-8
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
EXPOSE 5432/tcp
STOPSIGNAL SIGINT
LABEL $hash_label=$context_hash org.opencontainers.image.title=website-monitor-postgres
DOCKERFILE
# (Its output, and the legacy builder's deprecation notice, only when it fails.)
docker build --quiet --tag "$image" "$work_dir/context" > "$work_dir/build.log" 2>&1 ||
  fail "docker build failed: $(cat "$work_dir/build.log")"
# The previous build would stay behind as a dangling image; containers still using it keep it.
# (A forced rebuild of the same inputs can come out of the builder's cache as the same image.)
new_id=$(docker image inspect --format '{{.Id}}' "$image")
[[ -n $previous_id && $previous_id != "$new_id" ]] && docker image rm "$previous_id" > /dev/null 2>&1 || true
say "built $image"
