import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadBackupConfig } from './config';
import { mountTransferRoutes } from './transfer/transfer-routes';

/** Starts the backup service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startBackup(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadBackupConfig(env);
  return bootstrapService(AppModule.forRoot(config), {
    service: 'backup',
    config,
    port: config.PORT,
    handleSignals: options.handleSignals,
    configure: (app) => mountTransferRoutes(app),
  });
}
