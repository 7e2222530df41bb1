#!/usr/bin/env node
// Renders nats/users.conf (one NATS user per Castline process, with the subjects it may publish and
// subscribe) from packages/contracts. Run after changing Subjects or NATS_EVENTS (needs `npm run build`):
//   node scripts/nats-permissions.mjs           writes nats/users.conf
//   node scripts/nats-permissions.mjs --check   exits 1 when nats/users.conf is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { renderNatsUsersConfig } = require(path.join(root, 'packages/contracts/dist/index.js'));
const file = path.join(root, 'nats/users.conf');
const rendered = renderNatsUsersConfig();

if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== rendered) {
    console.error('nats/users.conf is out of date: run `node scripts/nats-permissions.mjs`');
    process.exit(1);
  }
  console.log('nats/users.conf matches packages/contracts');
} else {
  writeFileSync(file, rendered);
  console.log(`wrote ${path.relative(root, file)}`);
}
