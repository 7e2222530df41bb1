import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Each table has one owning service (`/// Owner: <service>.` above its model in prisma/schema.prisma); only
 * the owner reads or writes it, through Prisma (`prisma.<model>.<method>(`) or SQL (`FROM <table>`, ...).
 * Another service asks the owner over NATS.
 */
const root = path.resolve(__dirname, '../..');

interface Table {
  model: string;
  /** Prisma client accessor: `auditLog` for model AuditLog. */
  accessor: string;
  table: string;
  owner: string;
}

export function parseOwners(schema: string): Table[] {
  const tables: Table[] = [];
  const model = /^((?:\/\/\/.*\n)*)model (\w+) \{([\s\S]*?)^\}/gm;
  for (const [, docs, name, body] of schema.matchAll(model)) {
    const owner = /^\/\/\/ Owner: ([\w-]+)\./m.exec(docs!)?.[1];
    if (!owner) throw new Error(`prisma/schema.prisma: model ${name} has no "/// Owner: <service>." line`);
    const table = /@@map\("(\w+)"\)/.exec(body!)?.[1] ?? name!;
    tables.push({ model: name!, accessor: name![0]!.toLowerCase() + name!.slice(1), table, owner });
  }
  return tables;
}

const PRISMA_METHODS = 'findMany|findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy';

/** Every table a source file touches, through a Prisma model accessor or by name in SQL. */
export function tablesTouched(source: string, tables: Table[]): Set<string> {
  const touched = new Set<string>();
  for (const { accessor, table } of tables) {
    if (new RegExp(`\\.\\s*${accessor}\\s*\\.\\s*(${PRISMA_METHODS})\\s*\\(`).test(source)) touched.add(table);
    if (new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+"?${table}"?\\b`, 'i').test(source)) touched.add(table);
  }
  return touched;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry) && !/\.spec\.ts$/.test(entry) ? [full] : [];
  });
}

/**
 * Reads of another service's table that are the point of the file, each with its reason. Keep this short.
 */
const ALLOWED_READS: Array<{ file: string; table: string; why: string }> = [
  // Not the live table: the restored copy in `<db>_restore_<id>`, checked before it may replace the live one.
  { file: 'services/backup/src/restore/restore-runner.ts', table: 'users', why: 'restore smoke check: the restored database has an enabled admin' },
];

/** `service: file uses table (owner: other)` for each touch of a table the service does not own. */
export function ownershipViolations(files: Array<{ service: string; file: string; source: string }>, tables: Table[]): string[] {
  const owners = new Map(tables.map((table) => [table.table, table.owner]));
  return files.flatMap(({ service, file, source }) =>
    [...tablesTouched(source, tables)]
      .filter((table) => owners.get(table) !== service)
      .filter((table) => !ALLOWED_READS.some((allowed) => allowed.file === file && allowed.table === table))
      .map((table) => `${service}: ${file} uses ${table} (owner: ${owners.get(table)})`),
  );
}

const tables = parseOwners(readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8'));
const serviceFiles = () =>
  readdirSync(path.join(root, 'services')).flatMap((service) =>
    sourceFiles(path.join(root, 'services', service, 'src')).map((full) => ({
      service,
      file: path.relative(root, full),
      source: readFileSync(full, 'utf8'),
    })),
  );

it('reads an owner for every model of prisma/schema.prisma', () => {
  expect(tables.length).toBeGreaterThan(0);
  expect(tables.find((table) => table.model === 'AuditLog')).toEqual({ model: 'AuditLog', accessor: 'auditLog', table: 'audit_log', owner: 'gateway' });
  expect([...new Set(tables.map((table) => table.owner))]).toEqual(expect.arrayContaining(['gateway', 'channels', 'monitoring', 'campaigns', 'backup', 'media']));
});

it('no service touches a table another service owns', () => {
  expect(ownershipViolations(serviceFiles(), tables)).toEqual([]);
});

it('fails on a planted violation, through Prisma and through SQL', () => {
  const planted = [
    { service: 'channels', file: 'services/channels/src/planted.repository.ts', source: 'const users = await this.prisma.user.findMany({ where: { disabled: false } });' },
    { service: 'monitoring', file: 'services/monitoring/src/planted.repository.ts', source: 'await this.prisma.$queryRaw`SELECT count(*) FROM channel_events WHERE at > now()`;' },
    { service: 'gateway', file: 'services/gateway/src/fine.repository.ts', source: 'await tx.refreshToken.deleteMany({}); await this.prisma.user.update({});' },
  ];
  expect(ownershipViolations(planted, tables)).toEqual([
    'channels: services/channels/src/planted.repository.ts uses users (owner: gateway)',
    'monitoring: services/monitoring/src/planted.repository.ts uses channel_events (owner: channels)',
  ]);
  expect(ownershipViolations([...serviceFiles(), ...planted], tables)).toHaveLength(2);
});
