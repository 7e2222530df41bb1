// Usage: npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema the
// existing migrations produce (replayed on a temporary shadow database, see createMigration in
// packages/db/src/migrations.ts) and prisma/schema.prisma. Needs a PostgreSQL server: SHADOW_DATABASE_URL,
// else the server of DATABASE_URL.
import { relative } from 'node:path';
import { createMigration } from './engine.mjs';

const args = process.argv.slice(2);
if (args.length !== 1) {
  console.error('Usage: npm run db:migration -- <name>   (lowercase letters, digits and underscores, e.g. add_channels)');
  process.exit(1);
}

try {
  const created = await createMigration({ name: args[0] });
  console.log(`Created ${relative(process.cwd(), created.directory)}/migration.sql:\n\n${created.sql}`);
} catch (error) {
  console.error(`db:migration: ${error.message}`);
  process.exitCode = 1;
}
