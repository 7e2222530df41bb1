import type { MediaPlaylist } from './playlist';
import type { SourceProbe } from './probe';
import {
  buildSpriteVtt,
  buildVodCommand,
  buildVodMasterPlaylist,
  buildVodMp4Command,
  planVod,
  type VodEncodeSpec,
} from './vod-command';
import { InvalidLiveSpecError } from './live-command';

const GLOBAL = ['-nostdin', '-hide_banner', '-loglevel', 'level+warning', '-nostats', '-progress', 'pipe:1'];
const spec: VodEncodeSpec = {
  input: '/media/originals/v1',
  outputDir: '/media/work/v1/1',
  rungHeights: [1080, 720, 480, 360],
  preset: 'veryfast',
  crf: 23,
  gopSeconds: 2,
  segmentSeconds: 4,
  threads: 2,
};
const probe = (overrides: Partial<SourceProbe> = {}): SourceProbe => ({
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSeconds: 60,
  width: 1920,
  height: 1080,
  fps: 30,
  videoCodec: 'h264',
  hasAudio: true,
  audioCodec: 'aac',
  bitRate: 8_000_000,
  ...overrides,
});

const HLS = ['-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod', '-hls_list_size', '0', '-hls_flags', 'independent_segments+temp_file'];
const images = (dir: string) => [
  '-map', '[poster]', '-c:v', 'mjpeg', '-q:v', '3', '-update', '1', '-f', 'image2', `${dir}/poster.jpg`,
  '-map', '[sprite]', '-c:v', 'mjpeg', '-q:v', '5', '-update', '1', '-f', 'image2', `${dir}/sprite.jpg`,
];

describe('buildVodCommand', () => {
  it('1080p30 with audio: one decode, split into 4 rungs + poster + sprite, capped CRF, aligned keyframes, HLS VOD', () => {
    expect(buildVodCommand(spec, probe())).toEqual([
      ...GLOBAL,
      '-threads', '2', '-protocol_whitelist', 'file', '-i', '/media/originals/v1',
      '-filter_complex_threads', '2',
      '-filter_complex',
      '[0:v:0]fps=30,split=6[s0][s1][s2][s3][s4][s5];' +
        '[s0]scale=1920:1080[v0];[s1]scale=1280:720[v1];[s2]scale=854:480[v2];[s3]scale=640:360[v3];' +
        '[s4]select=eq(n\\,150),scale=1920:1080[poster];' +
        '[s5]select=not(mod(n\\,30))*lt(n\\,1800),scale=160:90,tile=10x6[sprite]',
      '-map', '[v0]', '-map', '[v1]', '-map', '[v2]', '-map', '[v3]',
      '-map', '0:a:0', '-map', '0:a:0', '-map', '0:a:0', '-map', '0:a:0',
      '-threads', '2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '4.1',
      '-crf:v:0', '23', '-maxrate:v:0', '5350k', '-bufsize:v:0', '7500k',
      '-crf:v:1', '23', '-maxrate:v:1', '2996k', '-bufsize:v:1', '4200k',
      '-crf:v:2', '23', '-maxrate:v:2', '1498k', '-bufsize:v:2', '2100k',
      '-crf:v:3', '23', '-maxrate:v:3', '856k', '-bufsize:v:3', '1200k',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a:0', '128k', '-b:a:1', '128k', '-b:a:2', '96k', '-b:a:3', '96k', '-ar', '48000', '-ac', '2',
      ...HLS,
      '-hls_segment_filename', '/media/work/v1/1/%v/seg_%d.ts',
      '-var_stream_map', 'v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p v:3,a:3,name:360p',
      '/media/work/v1/1/%v/index.m3u8',
      ...images('/media/work/v1/1'),
    ]);
  });

  it('a 480p source gets 480p and 360p only: never upscaled', () => {
    const command = buildVodCommand({ ...spec, threads: undefined }, probe({ width: 854, height: 480, fps: 25 }));
    expect(command).toEqual([
      ...GLOBAL,
      '-protocol_whitelist', 'file', '-i', '/media/originals/v1',
      '-filter_complex',
      '[0:v:0]fps=25,split=4[s0][s1][s2][s3];[s0]scale=854:480[v0];[s1]scale=640:360[v1];' +
        '[s2]select=eq(n\\,125),scale=854:480[poster];' +
        '[s3]select=not(mod(n\\,25))*lt(n\\,1500),scale=160:90,tile=10x6[sprite]',
      '-map', '[v0]', '-map', '[v1]', '-map', '0:a:0', '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '4.1',
      '-crf:v:0', '23', '-maxrate:v:0', '1498k', '-bufsize:v:0', '2100k',
      '-crf:v:1', '23', '-maxrate:v:1', '856k', '-bufsize:v:1', '1200k',
      '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a:0', '96k', '-b:a:1', '96k', '-ar', '48000', '-ac', '2',
      ...HLS,
      '-hls_segment_filename', '/media/work/v1/1/%v/seg_%d.ts',
      '-var_stream_map', 'v:0,a:0,name:480p v:1,a:1,name:360p',
      '/media/work/v1/1/%v/index.m3u8',
      ...images('/media/work/v1/1'),
    ]);
  });

  it('a source without audio maps no audio and names video-only variants', () => {
    const command = buildVodCommand({ ...spec, threads: undefined, rungHeights: [720] }, probe({ hasAudio: false, audioCodec: null, durationSeconds: 8 }));
    expect(command).toEqual([
      ...GLOBAL,
      '-protocol_whitelist', 'file', '-i', '/media/originals/v1',
      '-filter_complex',
      '[0:v:0]fps=30,split=3[s0][s1][s2];[s0]scale=1280:720[v0];' +
        '[s1]select=eq(n\\,24),scale=1280:720[poster];' +
        '[s2]select=not(mod(n\\,30))*lt(n\\,240),scale=160:90,tile=8x1[sprite]',
      '-map', '[v0]',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '4.1',
      '-crf:v:0', '23', '-maxrate:v:0', '2996k', '-bufsize:v:0', '4200k',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
      ...HLS,
      '-hls_segment_filename', '/media/work/v1/1/%v/seg_%d.ts',
      '-var_stream_map', 'v:0,name:720p',
      '/media/work/v1/1/%v/index.m3u8',
      ...images('/media/work/v1/1'),
    ]);
    expect(planVod(spec, probe({ hasAudio: false })).codecs).toBe('avc1.640029');
  });

  it('a portrait source: rungs by its short side, width and height swapped, a portrait sprite', () => {
    const plan = planVod(spec, probe({ width: 1080, height: 1920 }));
    expect(plan.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['1080p', 1080, 1920],
      ['720p', 720, 1280],
      ['480p', 480, 854],
      ['360p', 360, 640],
    ]);
    expect(plan.sprite).toMatchObject({ width: 90, height: 160 });
    const graph = buildVodCommand(spec, probe({ width: 1080, height: 1920 }));
    expect(graph[graph.indexOf('-filter_complex') + 1]).toContain('[s0]scale=1080:1920[v0];[s1]scale=720:1280[v1]');
  });

  it('odd sizes give even rungs: 1281x719 -> 480p/360p at the source aspect, a below-ladder source one rung of its own', () => {
    expect(planVod(spec, probe({ width: 1281, height: 719 })).renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['480p', 856, 480],
      ['360p', 642, 360],
    ]);
    expect(planVod(spec, probe({ width: 321, height: 241 })).renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['240p', 320, 240],
    ]);
    expect(planVod(spec, probe({ width: 201, height: 113 })).renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['112p', 200, 112],
    ]);
  });

  it('above 30 fps: level 4.2, 60 fps cap, GOP in frames of the output rate', () => {
    const plan = planVod(spec, probe({ fps: 120 }));
    expect(plan).toMatchObject({ fps: 60, gopFrames: 120, level: '4.2', codecs: 'avc1.64002a,mp4a.40.2' });
    expect(planVod(spec, probe({ fps: null })).fps).toBe(30);
  });

  it.each([
    ['a relative input', { input: 'in.mp4' }, 'input must be an absolute path'],
    ['a % in the output', { outputDir: '/media/%d' }, 'outputDir must be an absolute path'],
    ['an option-like preset', { preset: '-y' }, 'preset must be a plain word'],
    ['an odd rung', { rungHeights: [721] }, 'rungHeights must be even'],
    ['segments shorter than the GOP', { segmentSeconds: 1 }, 'segmentSeconds must be >= gopSeconds'],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => buildVodCommand({ ...spec, ...overrides }, probe())).toThrow(InvalidLiveSpecError);
    expect(() => buildVodCommand({ ...spec, ...overrides }, probe())).toThrow(message);
  });
});

describe('buildVodMp4Command', () => {
  it('remuxes the top rung with the index up front, no encode', () => {
    expect(buildVodMp4Command('/w/1080p/index.m3u8', '/w/download.mp4', true)).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-i', '/w/1080p/index.m3u8',
      '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy', '-bsf:a', 'aac_adtstoasc', '-movflags', '+faststart', '-f', 'mp4', '-y', '/w/download.mp4',
    ]);
    expect(buildVodMp4Command('/w/720p/index.m3u8', '/w/download.mp4', false)).not.toContain('0:a:0');
  });
});

describe('buildVodMasterPlaylist / buildSpriteVtt', () => {
  const plan = planVod({ ...spec, rungHeights: [720, 360] }, probe({ width: 1280, height: 720, durationSeconds: 10.5 }));
  const playlist = (durations: number[]): MediaPlaylist => ({
    kind: 'media', mediaSequence: 0, endList: true, segments: durations.map((d, i) => ({ uri: `seg_${i}.ts`, durationSeconds: d, discontinuity: false })),
  });

  it('peak and average bandwidth from the written segments, resolution, codecs and frame rate', () => {
    const master = buildVodMasterPlaylist(plan, [
      { rendition: plan.renditions[0]!, playlist: playlist([4, 4, 2.5]), segmentBytes: [1_000_000, 500_000, 250_000] },
      { rendition: plan.renditions[1]!, playlist: playlist([4, 4, 2.5]), segmentBytes: [200_000, 200_000, 100_000] },
    ]);
    expect(master).toBe(
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,AVERAGE-BANDWIDTH=1333334,RESOLUTION=1280x720,CODECS="avc1.640029,mp4a.40.2",FRAME-RATE=30.000\n720p/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=400000,AVERAGE-BANDWIDTH=380953,RESOLUTION=640x360,CODECS="avc1.640029,mp4a.40.2",FRAME-RATE=30.000\n360p/index.m3u8\n',
    );
  });

  it('one cue per thumbnail, tiles left to right then down, the last cue ends at the duration', () => {
    const vtt = buildSpriteVtt(plan);
    expect(plan.sprite).toEqual({ intervalSeconds: 1, count: 11, columns: 10, rows: 2, width: 160, height: 90 });
    const lines = vtt.split('\n');
    expect(lines.slice(0, 5)).toEqual(['WEBVTT', '', '00:00:00.000 --> 00:00:01.000', 'sprite.jpg#xywh=0,0,160,90', '']);
    expect(vtt).toContain('00:00:09.000 --> 00:00:10.000\nsprite.jpg#xywh=1440,0,160,90\n');
    expect(vtt.trimEnd().split('\n').slice(-2)).toEqual(['00:00:10.000 --> 00:00:10.500', 'sprite.jpg#xywh=0,90,160,90']);
  });
});
