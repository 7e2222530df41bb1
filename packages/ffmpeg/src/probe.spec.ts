import { InvalidLiveSpecError } from './live-command';
import { buildDecodeCheckCommand, buildFrameSizeProbeCommand, buildMediaProbeCommand, buildSourceProbeCommand, parseFrameSize, parseMediaProbe } from './probe';

describe('buildSourceProbeCommand', () => {
  it('probes a udp source with its timeout and whitelist', () => {
    expect(buildSourceProbeCommand('udp://127.0.0.1:5000', 1.5)).toEqual([
      '-hide_banner', '-loglevel', 'error',
      '-timeout', '1500000', '-overrun_nonfatal', '1',
      '-analyzeduration', '1000000', '-probesize', '5000000',
      '-protocol_whitelist', 'udp',
      '-show_entries', 'stream=codec_type', '-of', 'csv=p=0',
      '-i', 'udp://127.0.0.1:5000',
    ]);
  });

  it('refuses a source the live input would refuse', () => {
    expect(() => buildSourceProbeCommand('file:///etc/passwd', 2)).toThrow(InvalidLiveSpecError);
  });
});

describe('buildFrameSizeProbeCommand / parseFrameSize', () => {
  it('asks ffprobe for the first video stream size of the newest segment, local files only', () => {
    expect(buildFrameSizeProbeCommand('/var/hls/a/index.m3u8')).toEqual([
      '-hide_banner', '-loglevel', 'error',
      '-protocol_whitelist', 'file',
      '-live_start_index', '-1',
      '-select_streams', 'v:0',
      '-show_entries', 'stream=width,height',
      '-of', 'csv=p=0:s=x',
      '-i', '/var/hls/a/index.m3u8',
    ]);
  });

  it('reads "WxH" and nothing else', () => {
    expect(parseFrameSize('1920x1080\n')).toEqual({ width: 1920, height: 1080 });
    expect(parseFrameSize('  854x480  ')).toEqual({ width: 854, height: 480 });
    expect(parseFrameSize('')).toBeNull();
    expect(parseFrameSize('0x720')).toBeNull();
    expect(parseFrameSize('N/AxN/A')).toBeNull();
    expect(parseFrameSize('1280x720x3')).toBeNull();
  });
});

describe('parseMediaProbe / buildMediaProbeCommand / buildDecodeCheckCommand', () => {
  const json = (streams: unknown[], format: Record<string, string> = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5', bit_rate: '900000' }) =>
    JSON.stringify({ streams, format });

  it('reads format, duration, size, frame rate and audio', () => {
    expect(parseMediaProbe(json([
      { codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001' },
      { codec_type: 'audio', codec_name: 'aac' },
    ]))).toEqual({
      formatName: 'mov,mp4,m4a,3gp,3g2,mj2', durationSeconds: 12.5, width: 1920, height: 1080, fps: 29.97,
      videoCodec: 'h264', hasAudio: true, audioCodec: 'aac', bitRate: 900000,
    });
  });

  it('swaps the size of a rotated phone video and falls back to r_frame_rate', () => {
    const probe = parseMediaProbe(json([
      { codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, avg_frame_rate: '0/0', r_frame_rate: '30/1', side_data_list: [{ rotation: -90 }] },
    ]));
    expect(probe).toMatchObject({ width: 1080, height: 1920, fps: 30, hasAudio: false, audioCodec: null });
  });

  it('no video: audio only, cover art only, or not JSON', () => {
    expect(parseMediaProbe(json([{ codec_type: 'audio', codec_name: 'mp3' }]))).toBeNull();
    expect(parseMediaProbe(json([{ codec_type: 'audio' }, { codec_type: 'video', width: 600, height: 600, disposition: { attached_pic: 1 } }]))).toBeNull();
    expect(parseMediaProbe('not json')).toBeNull();
  });

  it('local files only', () => {
    expect(buildMediaProbeCommand('/m/in')).toEqual([
      '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file', '-show_format', '-show_streams', '-of', 'json', '-i', '/m/in',
    ]);
    expect(buildDecodeCheckCommand('/m/in')).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-xerror', '-protocol_whitelist', 'file', '-t', '2', '-i', '/m/in', '-map', '0:v:0', '-f', 'null', '-',
    ]);
  });
});
