import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { configureGatewayHttp } from './http-setup';

/** Starts the gateway from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startGateway(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadGatewayConfig(env);
  return bootstrapService(AppModule.forRoot(config), {
    service: 'gateway',
    config,
    port: config.PORT,
    trustedProxies: config.TRUSTED_PROXIES,
    handleSignals: options.handleSignals,
    configure: (app) => configureGatewayHttp(app, config),
  });
}
