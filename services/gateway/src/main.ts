import 'reflect-metadata';
import { startGateway } from './gateway';

startGateway().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
