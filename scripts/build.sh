#!/usr/bin/env bash
# Builds everything from source: the Prisma client first (packages/db compiles against it), then every
# workspace through the root project references. Docker images, CI and `npm start` all build this way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run db:generate
npx tsc -b
