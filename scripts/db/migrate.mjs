// Applies pending migrations from prisma/migrations to DATABASE_URL, creating the database if needed.
import { applyMigrations, defaultDatabaseUrl, describeDatabase } from './engine.mjs';

const databaseUrl = defaultDatabaseUrl();
const target = describeDatabase(databaseUrl);
try {
  const started = performance.now();
  const applied = await applyMigrations(databaseUrl);
  const took = `${Math.round(performance.now() - started)} ms`;
  if (applied.length === 0) {
    console.log(`${target}: no pending migrations (${took}).`);
  } else {
    console.log(`${target}: applied ${applied.length} migration(s) in ${took}:`);
    for (const name of applied) console.log(`  ${name}`);
  }
} catch (error) {
  console.error(`db:migrate failed for ${target}: ${error.message}`);
  process.exitCode = 1;
}
