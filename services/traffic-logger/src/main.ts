import 'reflect-metadata';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadTrafficLoggerConfig } from './config';

async function main(): Promise<void> {
  const config = loadTrafficLoggerConfig();
  await bootstrapService(AppModule.forRoot(config), { service: 'traffic-logger', config, port: config.PORT });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
