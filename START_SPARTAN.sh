#!/usr/bin/env bash
# Starts website-monitor with Docker Compose: PostgreSQL, then the agent; shows their status and
# follows the agent's log (Ctrl-C stops following, not the agent).
#
#   ./START_SPARTAN.sh                 build if needed, start, show status, tail the log
#   ./START_SPARTAN.sh --proxy         the same, through the Docker socket proxy (least privilege)
#   ./START_SPARTAN.sh --no-follow     start and show status, then return
#   ./START_SPARTAN.sh --prepare-env   only create .env (or tighten its mode), then return
#
# Reads .env next to this file (POSTGRES_PASSWORD, MONITOR_API_TOKEN, ANTHROPIC_API_KEY...).
# The first run creates .env from deploy/env.example with a random database password and API
# token; .env holds secrets: it is kept at mode 600 and git ignores it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

service=spartan-website-monitor
profile_args=()
follow=1
prepare_only=0
for arg in "$@"; do
  case $arg in
    --proxy)
      service=spartan-website-monitor-proxied
      profile_args=(--profile socket-proxy)
      ;;
    --no-follow) follow=0 ;;
    --prepare-env) prepare_only=1 ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      printf 'START_SPARTAN: unknown option %s (try --help)\n' "$arg" >&2
      exit 2
      ;;
  esac
done

say() { printf 'START_SPARTAN: %s\n' "$*"; }
fail() {
  printf 'START_SPARTAN: error: %s\n' "$*" >&2
  exit 1
}

# .env holds the database password and the API token. It is created under umask 077, so the
# file is 0600 from its first byte (a chmod after writing would leave a moment where any local
# user can read the secrets), and an existing one is brought back to 0600 on every run.
prepare_env() {
  if [[ ! -f .env ]]; then
    say "creating .env from deploy/env.example (random POSTGRES_PASSWORD and MONITOR_API_TOKEN)"
    local password token
    password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
    token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
    (
      umask 077
      sed -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$password/" -e "s/^MONITOR_API_TOKEN=.*/MONITOR_API_TOKEN=$token/" \
        deploy/env.example > .env
    )
  fi
  local mode
  mode=$(stat -c %a .env)
  if [[ $mode != 600 ]]; then
    say ".env had mode $mode: setting it to 600 (its owner only)"
    chmod 600 .env
  fi
  local current_token
  current_token=$(sed -n 's/^MONITOR_API_TOKEN=//p' .env | tail -n 1)
  if ((${#current_token} < 16)); then
    say "warning: MONITOR_API_TOKEN in .env is ${#current_token} characters; use 16 or more: od -An -N24 -tx1 /dev/urandom | tr -d ' \\n'"
  fi
}

prepare_env
if [[ $prepare_only == 1 ]]; then
  exit 0
fi

# docker-compose (v1 / standalone) as the seed names it, or the `docker compose` plugin.
if command -v docker-compose > /dev/null; then
  compose=(docker-compose)
elif docker compose version > /dev/null 2>&1; then
  compose=(docker compose)
else
  fail "neither docker-compose nor the docker compose plugin is installed"
fi
docker version > /dev/null 2>&1 || fail "the Docker engine does not answer: is dockerd running, and may $(id -un) use it?"

# The agent runs as a non-root user that needs the socket's group; tell Compose which one it is.
if [[ -S /var/run/docker.sock && -z ${DOCKER_GID:-} ]]; then
  DOCKER_GID=$(stat -c %g /var/run/docker.sock)
  export DOCKER_GID
fi

say "starting postgres and $service"
"${compose[@]}" "${profile_args[@]}" up -d --build "$service"

say "status"
"${compose[@]}" "${profile_args[@]}" ps

# The token for the status call below, from .env (never printed).
api_token=$(sed -n 's/^MONITOR_API_TOKEN=//p' .env | tail -n 1)
port=${WEBSITE_MONITOR_PORT:-9090}
for _ in $(seq 1 30); do
  if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then
    say "agent is up: dashboard http://127.0.0.1:$port/  metrics http://127.0.0.1:$port/metrics"
    curl -fsS -H "Authorization: Bearer $api_token" "http://127.0.0.1:$port/monitor/status" 2> /dev/null | head -c 2000 || true
    echo
    break
  fi
  sleep 1
done

if [[ $follow == 1 ]]; then
  say "following the log of $service (Ctrl-C stops following; the agent keeps running)"
  exec "${compose[@]}" "${profile_args[@]}" logs -f "$service"
fi
