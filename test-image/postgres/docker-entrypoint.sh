#!/bin/sh
# Entrypoint of website-monitor-postgres:local, modelled on the official postgres image's
# docker-entrypoint.sh wherever testcontainers' PostgreSqlContainer relies on it:
#
# - POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default the user),
#   POSTGRES_INITDB_ARGS and POSTGRES_HOST_AUTH_METHOD (default scram-sha-256) are read on the
#   first start; connections from outside the container need the password, local ones are trusted
#   (the health check's `pg_isready --host localhost` among them).
# - The server listens on every address inside the container (port 5432).
# - `exec postgres`: the server is PID 1, so the image's STOPSIGNAL (SIGINT, a fast shutdown) ends
#   it at once on `docker stop`, and `docker start` reuses the data directory it left.
# - Started as root (the SSL variant of PostgreSqlContainer chowns its key files first), it
#   prepares the directories and runs itself again as the `postgres` user: PostgreSQL refuses root.
set -eu

# Options alone are the server's: `docker run <image> -c fsync=off`.
if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi
if [ "$1" != postgres ]; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  find "$PGDATA" /var/run/postgresql ! -user postgres -exec chown postgres:postgres {} +
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  # `--`: without it su would take the server's own `-c name=value` options for its -c.
  exec su -p -s /bin/sh -c 'exec "$0" "$@"' postgres -- "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo 'error: the database is uninitialized and POSTGRES_PASSWORD is not set (set it, or POSTGRES_HOST_AUTH_METHOD=trust)' >&2
    exit 1
  fi
  password_file=
  if [ -n "${POSTGRES_PASSWORD:-}" ]; then
    password_file=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file"
  fi
  # POSTGRES_INITDB_ARGS is split on blanks, as the official image does.
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" ${password_file:+--pwfile="$password_file"} ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  [ -z "$password_file" ] || rm -f "$password_file"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    # Single-user mode instead of the official image's temporary server: no start and stop.
    quoted=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
    printf 'CREATE DATABASE "%s"\n' "$quoted" | postgres --single -D "$PGDATA" postgres > "$PGDATA/single-user.log" 2>&1 || {
      cat "$PGDATA/single-user.log" >&2
      exit 1
    }
    if grep -q ERROR "$PGDATA/single-user.log"; then
      cat "$PGDATA/single-user.log" >&2
      exit 1
    fi
    rm -f "$PGDATA/single-user.log"
  fi
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
