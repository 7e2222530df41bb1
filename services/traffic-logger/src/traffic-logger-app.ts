import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadTrafficLoggerConfig } from './config';

/** Starts the traffic-logger from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startTrafficLogger(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadTrafficLoggerConfig(env);
  return bootstrapService(AppModule.forRoot(config), { service: 'traffic-logger', config, port: config.PORT, handleSignals: options.handleSignals, trustedProxies: config.TRUSTED_PROXIES });
}
