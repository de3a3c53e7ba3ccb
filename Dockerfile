# Centinela: web role + all workers in one process (node dist/src/main.js).
# Build:  docker build -t centinela .      Run: see docker-compose.yml and docs/DEPLOY.md

# The base image is pinned to a Node LTS release (both stages use the same one): rebuilding gives the same
# runtime, and an upgrade is a one-line change here.
ARG NODE_IMAGE=node:24.18.0-bookworm-slim

# ── build stage ──────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Native modules (better-sqlite3, argon2) fall back to compiling when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# The whole source tree (see .dockerignore): `npm ci` runs the `prepare` script, which is the TypeScript
# build (`npm run build`), so the sources must be in place before it. The build also compiles scripts/
# (user-create, keys-rotate, data-purge, db-backup, db-restore, benchmarks), and the benchmarks import test/support.
COPY . .
RUN npm ci --no-audit --no-fund \
 && test -f dist/src/main.js && test -f dist/web/index.html \
 && npm prune --omit=dev --no-audit --no-fund

# ── runtime stage ────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# dist/ holds the server (dist/src) and the dispatcher console's built assets (dist/web).
COPY --from=build /app/dist ./dist
# Applied at every start (the code looks for them next to dist/).
COPY --from=build /app/migrations ./migrations

# The SQLite database lives here (DATABASE_PATH defaults to ./data/centinela.db), and `db:backup` writes to
# /app/backups in docker-compose.yml. Created owned by `node`, readable by it only, so that a fresh named volume
# mounted here is writable by it and by nobody else.
RUN mkdir -p /app/data /app/backups && chown node:node /app/data /app/backups && chmod 700 /app/data /app/backups
VOLUME ["/app/data"]

USER node
EXPOSE 3000

# 200 unless the database is unusable (a Redis outage is "degraded", still 200). Uses PORT if set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Not `npm start`: its `prestart` script runs the TypeScript build, and the compiler (a dev dependency) is
# not in this image. Node runs the built entry point directly, and receives SIGTERM itself for a graceful stop.
CMD ["node", "dist/src/main.js"]
