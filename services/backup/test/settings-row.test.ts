import { createPrismaClient } from '@castline/db';
import type { PrismaService } from '@castline/platform';
import { createTestDatabase, type TestDatabase } from '@castline/testkit';
import { BackupsRepository } from '../src/backups/backups.repository';

/** The settings row is created on first use by whoever asks first; callers racing at boot all get it. */
let database: TestDatabase;
let prisma: ReturnType<typeof createPrismaClient>;

beforeAll(async () => {
  database = await createTestDatabase('backup_settings_row');
  prisma = createPrismaClient(database.url);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

it('twenty concurrent first reads create one row and all answer it; an update then applies', async () => {
  const repository = new BackupsRepository(prisma as unknown as PrismaService);
  const rows = await Promise.all(Array.from({ length: 20 }, () => repository.settings()));
  expect(new Set(rows.map((row) => row.id)).size).toBe(1);
  expect(await prisma.backupSettings.count()).toBe(1);
  const updated = await repository.updateSettings({ keepLast: 3 });
  expect(updated.keepLast).toBe(3);
  expect((await repository.settings()).keepLast).toBe(3);
});
