import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadMonitoringConfig } from './config';

/** Starts the monitoring service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startMonitoring(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadMonitoringConfig(env);
  return bootstrapService(AppModule.forRoot(config), { service: 'monitoring', config, port: config.PORT, handleSignals: options.handleSignals });
}
