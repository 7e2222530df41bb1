import 'reflect-metadata';
import { startTrafficLogger } from './traffic-logger-app';

startTrafficLogger().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
