import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChannelsConfig } from '../config';
import { UploadStorage } from './upload-storage.repository';

describe('UploadStorage', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'castline-storage-'));
  const storage = new UploadStorage({ UPLOADS_DIR: root } as ChannelsConfig);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('saves under a generated name inside UPLOADS_DIR', async () => {
    const relative = await storage.save('logos', 'png', Buffer.from('data'));
    expect(relative).toMatch(/^logos\/[0-9a-f-]{36}\.png$/);
    expect(readFileSync(path.join(root, relative), 'utf8')).toBe('data');
  });

  it.each(['../etc/passwd', '/etc/passwd', 'logos/../../x', '..', ''])('refuses to resolve %j outside UPLOADS_DIR', (relative) => {
    expect(() => storage.resolve(relative)).toThrow(/escapes UPLOADS_DIR/);
  });
});
