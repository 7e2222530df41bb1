import 'reflect-metadata';
import { startCampaigns } from './campaigns-app';

startCampaigns().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
