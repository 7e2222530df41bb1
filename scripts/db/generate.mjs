// Runs `prisma generate`. Generating the client needs no schema engine, but the Prisma CLI insists on
// having one and otherwise downloads it from Prisma's server, which is not always reachable. Unless an
// engine is already on disk (or PRISMA_SCHEMA_ENGINE_BINARY is set), it gets a placeholder, so generate
// never touches the network. Migrations do not use the native engine (see migrate.mjs).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const prismaPackageJson = require.resolve('prisma/package.json');
const prismaCli = join(dirname(prismaPackageJson), 'build', 'index.js');

function downloadedEngineExists() {
  const enginesDir = dirname(createRequire(prismaPackageJson).resolve('@prisma/engines/package.json'));
  return readdirSync(enginesDir).some((file) => file.startsWith('schema-engine-'));
}

function placeholderEngine() {
  const path = join(root, '.cache', 'prisma', 'schema-engine-placeholder');
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      '#!/bin/sh\necho "placeholder schema engine (scripts/db/generate.mjs): use npm run db:migrate / db:migration" >&2\nexit 1\n',
    );
  }
  chmodSync(path, 0o755);
  return path;
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !downloadedEngineExists()) env.PRISMA_SCHEMA_ENGINE_BINARY = placeholderEngine();

const result = spawnSync(process.execPath, [prismaCli, 'generate', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
