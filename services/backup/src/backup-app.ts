import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadBackupConfig } from './config';
import { lowerProcessPriority } from './process-priority';
import { mountTransferRoutes } from './transfer/transfer-routes';

/** Starts the backup service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startBackup(
  env: Record<string, string | undefined> = process.env,
  /** ownProcess: the service is this process (main.ts), not a guest in a test's, so it may lower its priority. */
  options: { handleSignals?: boolean; ownProcess?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadBackupConfig(env);
  if (options.ownProcess && config.BACKUP_LOW_PRIORITY) lowerProcessPriority();
  return bootstrapService(AppModule.forRoot(config), {
    service: 'backup',
    config,
    port: config.PORT,
    handleSignals: options.handleSignals,
    configure: (app) => mountTransferRoutes(app),
  });
}
