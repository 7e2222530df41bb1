import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadCampaignsConfig } from './config';

/** Starts the campaigns service from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startCampaigns(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadCampaignsConfig(env);
  return bootstrapService(AppModule.forRoot(config), { service: 'campaigns', config, port: config.PORT, handleSignals: options.handleSignals });
}
