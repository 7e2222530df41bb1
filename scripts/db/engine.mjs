// The migration core lives in packages/db (src/migrations.ts, covered by its jest tests); the scripts
// and `npm start` use its build. On a fresh clone that build does not exist yet: make it first, so
// `npm run db:migrate` works as the first command after `npm install`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const distDir = new URL('../../packages/db/dist/', import.meta.url);
if (!existsSync(new URL('migrations.js', distDir))) {
  console.log('packages/db is not built yet: generating the Prisma client and building it');
  execFileSync(process.execPath, ['scripts/db/generate.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync('npx', ['tsc', '-b', 'packages/db'], { cwd: root, stdio: 'inherit' });
}

const migrations = await import(new URL('migrations.js', distDir).href);
const databases = await import(new URL('databases.js', distDir).href);

export const { applyMigrations, diffSql, createMigration, readMigrationsList } = migrations;
export const { defaultDatabaseUrl, describeDatabase, ensureDatabase, dropDatabase } = databases;
