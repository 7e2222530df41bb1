# syntax=docker/dockerfile:1
# One multi-stage build for every Castline image; pick one with a target:
#   docker build --target gateway -t castline/gateway .
# Targets: gateway, channels, monitoring, backup, campaigns, traffic-logger, media (services), dashboard,
# migrate (one-shot schema migration) and dev-ffmpeg (node:24 + FFmpeg for docker-compose.local.yml).

ARG NODE_IMAGE=node:24-bookworm-slim
ARG NODE_DEV_IMAGE=node:24-bookworm
# The PostgreSQL server image. The backup images are built on it (Node copied in), so pg_dump/pg_restore are
# the server's own major: both compose files pass their postgres service's image here (POSTGRES_IMAGE), and
# scripts/check-postgres-image.sh fails CI when they diverge.
ARG POSTGRES_IMAGE=postgres:16.9-bookworm

# Package manifests only: the dependency layer below is rebuilt when a package.json or the lockfile
# changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find . -mindepth 3 -maxdepth 3 -name package.json \
      \( -path './packages/*' -o -path './services/*' -o -path './apps/*' \) \
      -exec cp --parents {} /manifests/ \;

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
# npm install, not npm ci: see .ci/run.
RUN npm install --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run db:generate && npx tsc -b

# Production dependencies and compiled output only.
FROM build AS pruned
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf services/*/src services/*/test services/*/tsconfig.json services/*/*.tsbuildinfo \
 && for dir in packages/*/ services/*/; do mkdir -p "${dir}node_modules"; done

FROM build AS dashboard-build
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build -w @castline/dashboard && npm prune --omit=dev --no-audit --no-fund

# Shared by every service image: runtime dependencies and the compiled workspace packages, owned by root and
# read-only for the unprivileged node user the services run as.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=pruned /app/package.json ./
COPY --from=pruned /app/node_modules ./node_modules
COPY --from=pruned /app/packages ./packages

# Same as runtime plus FFmpeg (Debian 5.1: libx264 + AAC) and writable data directories; installed before
# the app layers so a code change does not reinstall FFmpeg.
FROM ${NODE_IMAGE} AS runtime-ffmpeg
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=pruned /app/package.json ./
COPY --from=pruned /app/node_modules ./node_modules
COPY --from=pruned /app/packages ./packages

FROM runtime AS gateway
COPY --from=pruned /app/services/gateway ./services/gateway
USER node
ENV PORT=3000
EXPOSE 3000
CMD ["node", "services/gateway/dist/main.js"]

# The channels API and (command services/channels/dist/worker/main.js) the FFmpeg live workers; HLS goes to
# the tmpfs volume mounted at /var/hls.
FROM runtime-ffmpeg AS channels
RUN mkdir -p /var/hls /var/lib/castline/logos && chown node:node /var/hls /var/lib/castline/logos
COPY --from=pruned /app/services/channels ./services/channels
USER node
ENV PORT=3002 HLS_ROOT=/var/hls
EXPOSE 3002
CMD ["node", "services/channels/dist/main.js"]

FROM runtime AS monitoring
COPY --from=pruned /app/services/monitoring ./services/monitoring
USER node
ENV PORT=3003
EXPOSE 3003
CMD ["node", "services/monitoring/dist/main.js"]

# Node from its image (Debian bookworm too: same glibc) for the images built on POSTGRES_IMAGE.
FROM ${NODE_IMAGE} AS node-binary
FROM ${NODE_DEV_IMAGE} AS node-dev-binary

# Built on the PostgreSQL server image, so pg_dump/pg_restore match the server's major (BACKUP_PG_CLIENT_MISMATCH
# otherwise); Node and the app copied in. A node user (uid 1000, as in the Node images) owns the data directories,
# so fresh named volumes inherit that owner and the files the other services write stay writable by restores.
FROM ${POSTGRES_IMAGE} AS backup
COPY --from=node-binary /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --create-home --shell /bin/sh node \
 && mkdir -p /var/lib/castline/backups /var/lib/castline/uploads /var/lib/castline/nginx \
 && chown -R node:node /var/lib/castline
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=pruned /app/package.json ./
COPY --from=pruned /app/node_modules ./node_modules
COPY --from=pruned /app/packages ./packages
COPY --from=pruned /app/services/backup ./services/backup
USER node
ENV PORT=3004
EXPOSE 3004
ENTRYPOINT []
CMD ["node", "services/backup/dist/main.js"]

FROM runtime AS campaigns
COPY --from=pruned /app/services/campaigns ./services/campaigns
USER node
ENV PORT=3005
EXPOSE 3005
CMD ["node", "services/campaigns/dist/main.js"]

FROM runtime AS traffic-logger
COPY --from=pruned /app/services/traffic-logger ./services/traffic-logger
USER node
ENV PORT=3006
EXPOSE 3006
CMD ["node", "services/traffic-logger/dist/main.js"]

# Probes and transcodes uploaded videos, hence FFmpeg as well.
# The transcode worker runs from the same image: command services/media/dist/worker/main.js.
FROM runtime-ffmpeg AS media
RUN mkdir -p /var/media && chown -R node:node /var/media
COPY --from=pruned /app/services/media ./services/media
USER node
ENV PORT=3007 MEDIA_ROOT=/var/media
EXPOSE 3007
CMD ["node", "services/media/dist/main.js"]

FROM runtime AS dashboard
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=dashboard-build /app/apps/dashboard ./apps/dashboard
USER node
ENV PORT=3001
EXPOSE 3001
CMD ["npm", "run", "start", "-w", "@castline/dashboard"]

# The migration runner needs the Prisma tooling, which is a dev dependency: it keeps the full install.
FROM ${NODE_IMAGE} AS migrate
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
USER node
CMD ["npm", "run", "db:migrate"]

# Local development only (docker-compose.local.yml): the source is mounted, the image just adds FFmpeg.
FROM ${NODE_DEV_IMAGE} AS dev-ffmpeg
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

# Local development of the backup service (docker-compose.local.yml): the source is mounted; Node and npm on the
# PostgreSQL server image, so its pg_dump is the local postgres service's major.
FROM ${POSTGRES_IMAGE} AS dev-backup
COPY --from=node-dev-binary /usr/local/bin/node /usr/local/bin/node
COPY --from=node-dev-binary /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --create-home --shell /bin/sh node
ENTRYPOINT []
