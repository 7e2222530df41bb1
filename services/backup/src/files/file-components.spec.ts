import { excludedFromMedia, excludedFromNginx, excludedFromUploads } from './file-components';
import { envKeyDiff } from './tar-restore';

describe('what each tar component leaves out', () => {
  it('media: in-flight uploads, transcodes and temp files, never the library', () => {
    const paths = ['originals/a.mp4', 'vod/a/720p/seg-001.ts', 'vod/a/master.m3u8', 'incoming/abc', 'incoming/abc.json', 'work/a/x.ts', 'originals/b.mp4.partial', 'vod/a/x.tmp', '.cache/y'];
    expect(paths.filter((file) => !excludedFromMedia(file))).toEqual(['originals/a.mp4', 'vod/a/720p/seg-001.ts', 'vod/a/master.m3u8']);
  });

  it('uploads: a restore leftovers only', () => {
    const paths = ['logos/a.png', '.pre-restore-1a2b3c4d/logos/a.png', 'logos/a.png.restore-1a2b3c4d.tmp'];
    expect(paths.filter((file) => !excludedFromUploads(file))).toEqual(['logos/a.png']);
  });

  it('nginx: config and certificates only, not logs, pids or temp bodies', () => {
    const paths = ['nginx.conf', 'snippets/tls.conf', 'mime.types', 'certs/fullchain.pem', 'access.log', 'nginx.pid', 'client_body_temp/0001', 'proxy_temp/1/x.conf'];
    expect(paths.filter((file) => !excludedFromNginx(file))).toEqual(['nginx.conf', 'snippets/tls.conf', 'mime.types', 'certs/fullchain.pem']);
  });
});

describe('envKeyDiff', () => {
  it('names keys only, never values', () => {
    const diff = envKeyDiff('A=1\nB=secret-now\n# C=commented\nexport D=4\n', 'A=1\nB=secret-then\nE=5\n');
    expect(diff).toBe('only in the backup: E; only in the current file: D; changed: B');
    expect(diff).not.toContain('secret');
    expect(envKeyDiff('A=1\n', 'A=1\n')).toBe('same keys and values');
  });
});
