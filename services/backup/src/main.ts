import 'reflect-metadata';
import { startBackup } from './backup-app';

startBackup(process.env, { ownProcess: true }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
