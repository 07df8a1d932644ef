# syntax=docker/dockerfile:1

# One image, two roles: the default command runs migrations, then the API and the workers in
# one process; `node dist/main.js` with APP_ROLE=api serves HTTP only and `node dist/worker.js`
# runs the queue workers only (see docker-compose.yml).

# Node 20.19 or later: @nestjs/bullmq 12 is an ES module that our CommonJS build loads with
# require(esm). The node:20 tag follows the latest 20.x.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

COPY package.json package-lock.json ./
# Every package of the lockfile that has an install script (@parcel/watcher, @scarf/scarf,
# msgpackr-extract) is denied in package.json's `allowScripts`, and none is needed: scarf is
# telemetry, the others fall back to prebuilt binaries or plain JS. The npm 10 bundled with
# node:20 may not read `allowScripts`; --ignore-scripts gives the same result everywhere,
# without a prompt or a compiler.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

COPY . .
# templates/ may be empty, and git does not keep empty folders: make sure it exists.
RUN mkdir -p templates \
    && npm run build \
    && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

# The code stays owned by root (read-only for the app); only var/ (file outbox) is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/templates ./templates
RUN mkdir -p var && chown node:node var

USER node
EXPOSE 3000

# slim has no curl: node's own fetch asks /health, which answers 200 only when Postgres and
# Redis both answer. A worker-only container has no HTTP server: disable this check there.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `exec` makes node replace the shell, so SIGTERM from `docker stop` reaches it and the jobs in
# flight can finish (SHUTDOWN_TIMEOUT_MS). Migrations hold a Postgres advisory lock, so several
# containers starting at once apply them one at a time.
CMD ["sh", "-c", "node dist/database/migrate.js && exec node dist/main.js"]
