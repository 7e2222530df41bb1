import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService, type HostResolver } from '@castline/platform';
import { AppModule } from './app.module';
import { loadChannelsConfig } from './config';

/** Starts the channels service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startChannels(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean; resolver?: HostResolver } = {},
): Promise<NestFastifyApplication> {
  const config = loadChannelsConfig(env);
  return bootstrapService(AppModule.forRoot(config, options.resolver), {
    service: 'channels',
    config,
    port: config.PORT,
    handleSignals: options.handleSignals,
  });
}
