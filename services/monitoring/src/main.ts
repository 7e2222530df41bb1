import 'reflect-metadata';
import { bootstrapService } from '@castline/platform';
import { AppModule } from './app.module';
import { loadMonitoringConfig } from './config';

async function main(): Promise<void> {
  const config = loadMonitoringConfig();
  await bootstrapService(AppModule.forRoot(config), { service: 'monitoring', config, port: config.PORT });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
