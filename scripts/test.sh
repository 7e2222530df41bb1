#!/usr/bin/env bash
# `npm test`: type-check every workspace and the tests, lint, validate the deployment files, then run unit
# and integration tests (real Postgres, Redis, NATS at DATABASE_URL / REDIS_URL / NATS_URL, local defaults).
# jest writes reports/jest.json, from which .ci/run prints its summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "build + type-check (tsc -b, every workspace)"
bash scripts/build.sh
npx tsc -p tsconfig.test.json

step "lint (eslint)"
npx eslint --max-warnings 0 .

step "deployment files (nginx -t on every template, compose validation)"
bash scripts/check-deploy-files.sh

step "unit + integration tests (jest)"
mkdir -p reports
# --experimental-vm-modules lets jest require() the ESM-only NestJS 12 packages.
# Integration files run one at a time: they start real services that answer on shared NATS subjects.
NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning" \
  npx jest --runInBand --json --outputFile=reports/jest.json "$@"
