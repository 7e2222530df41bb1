import { InvalidLiveSpecError } from './live-command';
import { buildThumbnailCommand } from './thumbnail';

describe('buildThumbnailCommand', () => {
  it('grabs one frame of the newest segment', () => {
    expect(buildThumbnailCommand('/var/hls/a/index.m3u8', '/tmp/thumbs/a.jpg')).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-protocol_whitelist', 'file',
      '-live_start_index', '-1',
      '-i', '/var/hls/a/index.m3u8',
      '-map', '0:v:0',
      '-frames:v', '1',
      '-vf', 'scale=640:-2',
      '-q:v', '4',
      '-update', '1',
      '-y', '/tmp/thumbs/a.jpg',
    ]);
  });

  it('rounds an odd width down to even and refuses nonsense', () => {
    const command = buildThumbnailCommand('/p.m3u8', '/t.jpg', 321);
    expect(command[command.indexOf('-vf') + 1]).toBe('scale=320:-2');
    expect(() => buildThumbnailCommand('/p.m3u8', '/t.jpg', 0)).toThrow(InvalidLiveSpecError);
  });
});
