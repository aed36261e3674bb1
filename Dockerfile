# syntax=docker/dockerfile:1
# Baton's production image (docs/scaling.md, ADR 050). One image, three commands:
#   web      node --import tsx server.ts                 the default CMD (add --api-only for an API node)
#   worker   node --import tsx workers/index.ts
#   migrate  npm run db:migrate                          one-shot, as the owner role (DATABASE_OWNER_URL)
# deploy/compose.production.yml runs them side by side.
#
# No Docker engine runs where Baton is built and tested, so this file is exercised by
# scripts/release/image-rehearsal.mjs: `npm test` (static suite) parses it and checks every COPY
# source, command and variable; `npm run release:image-check` builds these stages in a temporary
# directory and starts the commands from the runtime stage's file tree as an unprivileged user.
# The rehearsal understands exactly the instructions and RUN commands used below and refuses others.

# Every dependency, for the build.
FROM node:20.20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing Baton needs runs one (native parts come as platform packages), and
# @prisma/engines' would try to download engines Baton does not use (ADR 002).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund

# Production dependencies only, for the runtime.
FROM node:20.20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The generated database client and the Next.js build.
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
# The type check is npm test's (static suite, every commit); the image build does not repeat it.
ENV NEXT_TELEMETRY_DISABLED=1 \
    BATON_BUILD_SKIP_TYPECHECK=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run db:generate && npm run build && rm -rf .next/cache

# What runs: production dependencies, the build output and the sources tsx runs (server.ts loads
# the API routes from app/api/v1 at boot; the worker and the operator scripts import lib/).
FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    WORKER_HEALTH_PORT=3001 \
    AUDIT_ARCHIVE_DIR=/app/var/audit-archive \
    NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# The only places the app writes: var/ (audit archives, anchors) and .next/ (Next.js's cache).
RUN mkdir -p /app/var && chown node:node /app/var
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build /app/lib/generated ./lib/generated
COPY package.json package-lock.json tsconfig.json next.config.ts prisma.config.ts server.ts ./
COPY app/api ./app/api
COPY lib ./lib
COPY workers ./workers
COPY prisma ./prisma
COPY scripts/prisma.mjs scripts/db-grant.mjs scripts/audit-verify.ts scripts/audit-keygen.ts scripts/token.ts scripts/secrets-rekey.ts ./scripts/
COPY scripts/lib ./scripts/lib
COPY scripts/release/healthcheck.mjs ./scripts/release/
# The official image's unprivileged user (uid 1000): the code is root's and read-only to it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/release/healthcheck.mjs", "web"]
CMD ["node", "--import", "tsx", "server.ts"]
