import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadTrafficLoggerConfig } from './config';

/**
 * Collect parses its body itself (CollectService: JSON or schema wrong -> 400 INVALID_PAYLOAD), whatever the
 * Content-Type: a JSON post reaches it as text, not through Fastify's JSON parser, whose refusal of broken JSON
 * would carry the generic VALIDATION_FAILED code.
 */
function collectBodiesAsText(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request) => {
      if (request.method === 'POST' && request.url.split('?')[0] === '/api/v1/collect' && /^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        request.headers['content-type'] = 'text/plain';
      }
    });
}

/** Starts the traffic-logger from an environment; `main.ts` passes process.env, tests pass their own. */
export async function startTrafficLogger(
  env: Record<string, string | undefined> = process.env,
  options: { handleSignals?: boolean } = {},
): Promise<NestFastifyApplication> {
  const config = loadTrafficLoggerConfig(env);
  return bootstrapService(AppModule.forRoot(config), {
    service: 'traffic-logger',
    config,
    port: config.PORT,
    handleSignals: options.handleSignals,
    trustedProxies: config.TRUSTED_PROXIES,
    configure: collectBodiesAsText,
  });
}
