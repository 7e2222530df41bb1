import 'reflect-metadata';
import { startChannels } from './channels-app';

startChannels().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
