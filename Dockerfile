# syntax=docker/dockerfile:1
# The application's image: a template to adapt, described in docs/deploy.md ("Containers").
# The same image runs the web process (`npm start`, the default) and the job worker
# (`npm run worker`). It runs whatever `npm start` runs, so it holds whether the project runs
# its TypeScript directly or builds to dist/ first (`npm run build`, when that script exists).

ARG NODE_IMAGE=node:20-bookworm-slim

# Dependencies from the lock file, exactly; then the build, if the project has one.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --if-present && npm prune --omit=dev --no-audit --no-fund

# What runs: no compilers, no development dependencies, no root.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/registry \
    npm_config_update_notifier=false
WORKDIR /app
COPY --from=build /app /app
# The image's unprivileged `node` user (uid 1000) owns only the data directory, which only the
# embedded engine uses (EMBEDDED_DB=true); the code stays read-only to it.
RUN mkdir -p /var/lib/registry && chown node:node /var/lib/registry && chmod 0700 /var/lib/registry
USER node
EXPOSE 3000
VOLUME ["/var/lib/registry"]
# Liveness only: /healthz answers while the process serves. Load balancers should send traffic
# by /readyz instead, which also says whether the database answers (docs/deploy.md).
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) starts the graceful shutdown; npm passes it on to the app. Run it with
# an init process (`init: true` in compose, `docker run --init`) so that nothing is left behind.
CMD ["npm", "start"]
