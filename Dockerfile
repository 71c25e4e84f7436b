# syntax=docker/dockerfile:1
# website-monitor agent image.
#
#   docker build -t website-monitor:local .
#   docker build --build-arg NODE_IMAGE=website-monitor-node-base:local -t website-monitor:local .
#
# NODE_IMAGE is the public Node 24 image by default; any image with the same layout (node and
# npm in /usr/local/bin, a `node` user 1000:1000) works, e.g. the offline one that
# deploy/base-image/build-node-base.sh builds. See docs/deployment.md.
ARG NODE_IMAGE=node:24-slim

# --- manifests: the files `pnpm install` reads, alone, so the install layer below stays cached
# until a dependency changes (the classic builder has no COPY --parents to pick them directly).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path '*/node_modules/*' \
      | tar -cf - -T - pnpm-lock.yaml pnpm-workspace.yaml | tar -xf - -C /manifests

# --- build: install with pnpm, compile every package the CLI needs, deploy the CLI alone --------
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
# PEM certificates to trust while downloading packages (a TLS-inspecting proxy's CA). Build stage
# only: nothing of it reaches the runtime image.
ARG EXTRA_CA_CERTS=""
# (An empty file when unset: Node then trusts its bundled CAs only.)
ENV CI=true \
    NODE_EXTRA_CA_CERTS=/usr/local/share/build-extra-ca.pem
RUN printf '%s\n' "$EXTRA_CA_CERTS" > "$NODE_EXTRA_CA_CERTS" \
 && npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}"
WORKDIR /src
COPY --from=manifests /manifests/ ./
RUN pnpm install --frozen-lockfile --filter "@website-monitor/cli..." --filter website-monitor
COPY . .
RUN pnpm --filter "@website-monitor/cli..." run build \
 && pnpm --filter @website-monitor/cli deploy --legacy --prod /out \
 # The bin launcher prefers src/ when present: the deployed package runs the build only.
 && rm -rf /out/src

# --- runtime: Node, the deployed CLI, nothing else ---------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /out /app/packages/cli
# Relative storage paths resolve against the config file's directory, so with the config at
# /config/config.yaml the SQLite database and the PostgreSQL spool default to
# /config/.website-monitor: mount a volume there (Compose does), or set storage.path under /data.
# Both belong to the agent's user, and a fresh named volume inherits that.
# Without a config file (`run` as a drop-in for autoheal, docs/migrating.md) the database goes to
# /app/.website-monitor, the working directory's: it belongs to the agent's user too.
RUN mkdir -p /data /config/.website-monitor /app/.website-monitor \
 && chown node:node /data /config/.website-monitor /app/.website-monitor
# Non-root. The Docker socket is root:docker (mode 660) on the host: run with
# `group_add: ["<docker GID on the host>"]` (getent group docker | cut -d: -f3) or, better,
# point DOCKER_HOST at a socket proxy. See docs/deployment.md.
USER node
EXPOSE 9090
# The agent's own health: /healthz on the REST API (127.0.0.1:9090 inside the container).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "packages/cli/dist/bin.js"]
CMD ["run", "--config", "/config/config.yaml"]
