#!/usr/bin/env bash
# Everyday commands; each runs scripts/setup.sh first (fast when nothing changed).
#
#   scripts/dev.sh start [--config FILE] [more CLI options]   run the agent from source
#   scripts/dev.sh test [vitest options]                      run every test (pnpm test)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

usage() {
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() {
  printf 'dev: error: %s\n' "$*" >&2
  exit 1
}

setup() {
  bash scripts/setup.sh
  . .tools/env.sh
}

command=${1:-}
[[ $# -gt 0 ]] && shift
case $command in
  start)
    config=examples/config.yaml
    cli_args=()
    while [[ $# -gt 0 ]]; do
      case $1 in
        --config)
          [[ $# -ge 2 ]] || fail "--config needs a file"
          config=$2
          shift 2
          ;;
        --config=*)
          config=${1#--config=}
          shift
          ;;
        *)
          cli_args+=("$1")
          shift
          ;;
      esac
    done
    [[ -f $config ]] || fail "no config file at $config"
    setup
    [[ -f packages/cli/src/bin.ts ]] || fail "packages/cli/src/bin.ts does not exist yet: the CLI is not written"
    # From source, no build: Node 24 strips the types and bin.ts registers the hooks that find the
    # workspace packages' sources.
    exec node packages/cli/src/bin.ts run --config "$config" "${cli_args[@]}"
    ;;
  test)
    setup
    # `pnpm test` = vitest run: the unit and integration projects of vitest.config.ts.
    exec pnpm test "$@"
    ;;
  *) usage ;;
esac
