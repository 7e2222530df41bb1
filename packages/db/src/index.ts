import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/client';

export * from './generated/client';
export * from './databases';
export * from './migrations';

/** A Prisma client on the pg driver adapter (Prisma 7 runs no native query engine). */
export function createPrismaClient<Options extends Prisma.PrismaClientBaseOptions>(databaseUrl: string, options?: Options) {
  return new PrismaClient({ ...options, adapter: new PrismaPg({ connectionString: databaseUrl }) });
}
