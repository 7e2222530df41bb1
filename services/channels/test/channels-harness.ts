import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ServiceHarness, startServiceHarness } from '@castline/testkit';
import { startChannels } from '../src/channels-app';

/** The channels service on the service harness, with an uploads directory of its own (removed on close). */
export async function startChannelsHarness(label: string, env: Record<string, string> = {}): Promise<ServiceHarness> {
  const uploadsDir = mkdtempSync(path.join(tmpdir(), `castline-uploads-${label}-`));
  const harness = await startServiceHarness(label, startChannels, { UPLOADS_DIR: uploadsDir, ...env });
  return {
    ...harness,
    close: async () => {
      await harness.close();
      rmSync(uploadsDir, { recursive: true, force: true });
    },
  };
}
