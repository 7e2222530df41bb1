import 'reflect-metadata';
import { startMonitoring } from './monitoring-app';

startMonitoring().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
