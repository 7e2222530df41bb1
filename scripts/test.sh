#!/usr/bin/env bash
# `npm test`: type-check every workspace and the tests, lint, validate the deployment files, run unit and
# integration tests (real Postgres, Redis, NATS at DATABASE_URL / REDIS_URL / NATS_URL, local defaults), then
# the dashboard's browser tests (Playwright in Debian's Chromium against the platform started natively).
# jest writes reports/jest.json and Playwright reports/playwright.json, from which .ci/run prints its summary.
# Arguments go to jest and skip the browser tests: `npm test -- services/gateway`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "build + type-check (tsc -b, every workspace)"
bash scripts/build.sh
npx tsc -p tsconfig.test.json
npx tsc -p apps/dashboard/tsconfig.json --noEmit

step "lint (eslint)"
npx eslint --max-warnings 0 .

step "deployment files (nginx -t on every template, compose validation)"
bash scripts/check-deploy-files.sh

step "unit + integration tests (jest)"
mkdir -p reports
# --experimental-vm-modules lets jest require() the ESM-only NestJS 12 packages. --runInBand keeps every test
# file's module registry in one process, whose heap outgrew node's default 4 GiB limit near the end of the run
# (an OOM abort that wrote no report and orphaned the services the running test had started): 10 GiB.
# Integration files run one at a time: they start real services that answer on shared NATS subjects.
rm -f reports/jest.json reports/playwright.json
jest_status=0
NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning --max-old-space-size=10240" \
  npx jest --runInBand --json --outputFile=reports/jest.json "$@" || jest_status=$?
[ $# -gt 0 ] && exit $jest_status

step "dashboard in the browser (Playwright + Chromium, after jest: both start the platform on ports 3000-3007)"
playwright_status=0
NEXT_TELEMETRY_DISABLED=1 npx playwright test -c apps/dashboard/playwright.config.ts || playwright_status=$?
[ $jest_status -ne 0 ] && exit $jest_status
exit $playwright_status
