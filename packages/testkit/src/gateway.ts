// The gateway's starter as a package import: tsc reads its build's types, jest maps it to services/gateway/src.
import { startGateway } from '@castline/gateway/dist/gateway';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, redisKeyPrefix } from './database';
import { ADMIN, JWT_SECRET } from './sessions';
import { inProcessServiceEnv } from './services';

export interface TestGateway {
  app: NestFastifyApplication;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * A gateway in this process on its own database and Redis key prefix, listening on a free port, for tests of
 * the whole path (HTTP -> gateway -> NATS -> service). Services started on `databaseUrl` share its database.
 */
export async function startTestGateway(label: string, env: Record<string, string> = {}): Promise<TestGateway> {
  const database = await createTestDatabase(label);
  const app = await startGateway(
    {
      ...inProcessServiceEnv(database.url),
      REDIS_KEY_PREFIX: redisKeyPrefix(label),
      JWT_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      HEALTH_TIMEOUT_MS: '300',
      ...env,
    },
    { handleSignals: false },
  );
  return {
    app,
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
