#!/usr/bin/env bash
# Builds everything from source: the Prisma client first (packages/db compiles against it), then every
# workspace through the root project references, then the Next.js dashboard. Docker images, CI and
# `npm start` all build this way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run db:generate
npx tsc -b

# next build takes ~30 s and has no incremental mode: skip it when nothing it reads changed since the last one.
dashboard=apps/dashboard
stamp=$dashboard/.next/BUILD_ID
if [ "${DASHBOARD_DEV:-}" = 1 ]; then
  echo "dashboard: DASHBOARD_DEV=1, next dev compiles pages on demand"
elif [ -f "$stamp" ] && [ -z "$(find $dashboard/src $dashboard/public $dashboard/next.config.ts $dashboard/postcss.config.mjs \
    $dashboard/package.json $dashboard/tsconfig.json packages/contracts/dist package-lock.json -newer "$stamp" -print -quit)" ]; then
  echo "dashboard: up to date (apps/dashboard/.next)"
else
  # A production build whatever NODE_ENV the caller runs with (npm start sets development for the services).
  NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 npm run --silent build -w @castline/dashboard
fi
