import 'reflect-metadata';
import { startMedia } from './media-app';

startMedia().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
