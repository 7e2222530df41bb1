import {
  buildLiveCommand,
  HLS_FLAGS,
  hlsOutputPaths,
  InvalidLiveSpecError,
  type LiveEncodeSpec,
} from './live-command';

const GLOBAL = ['-nostdin', '-hide_banner', '-loglevel', 'level+warning', '-nostats', '-progress', 'pipe:1'];
const PROBE = ['-analyzeduration', '1000000', '-probesize', '5000000', '-fflags', '+genpts', '-thread_queue_size', '1024'];
const AAC = ['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2'];
const FLAGS = 'delete_segments+independent_segments+temp_file+program_date_time+append_list+omit_endlist';
const HLS = ['-f', 'hls', '-hls_time', '2', '-hls_list_size', '6', '-hls_flags', FLAGS];

function spec(overrides: Partial<LiveEncodeSpec> = {}): LiveEncodeSpec {
  return {
    input: { url: 'https://cdn.example.com/live/channel.m3u8' },
    outputDir: '/var/hls/news',
    video: {
      preset: 'veryfast',
      tune: 'zerolatency',
      profile: 'high',
      level: '4.1',
      crf: 23,
      fps: 30,
      gopSeconds: 2,
      bFrames: 0,
    },
    audio: { codec: 'aac', bitrateKbps: 128, sampleRate: 48000, channels: 2 },
    hls: { segmentSeconds: 2, listSize: 6 },
    ...overrides,
  };
}

const logo = { path: '/data/uploads/logo.png', x: 20, y: 30, width: 160, height: 90, opacity: 0.8 };

describe('buildLiveCommand', () => {
  it('https source, logo, CRF, one rendition', () => {
    const command = buildLiveCommand(
      spec({ logo, video: { ...spec().video, width: 1280, height: 720 } }),
    );
    expect(command).toEqual([
      ...GLOBAL,
      '-reconnect', '1',
      '-reconnect_streamed', '1',
      '-reconnect_on_network_error', '1',
      '-reconnect_delay_max', '5',
      '-rw_timeout', '10000000',
      ...PROBE,
      '-protocol_whitelist', 'http,https,tls,tcp,crypto',
      '-i', 'https://cdn.example.com/live/channel.m3u8',
      '-protocol_whitelist', 'file',
      '-i', '/data/uploads/logo.png',
      '-filter_complex',
      '[0:v:0]fps=30,scale=1280:720[base];' +
        '[1:v:0]scale=160:90,format=rgba,colorchannelmixer=aa=0.8[logo];' +
        '[base][logo]overlay=x=20:y=30:eof_action=repeat[vout]',
      '-map', '[vout]',
      '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '4.1',
      '-crf', '23',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
      ...AAC,
      ...HLS,
      '-hls_segment_filename', '/var/hls/news/seg_%d.ts',
      '/var/hls/news/index.m3u8',
    ]);
  });

  it('udp source without logo in bitrate mode, with threads, a run id and a custom timeout', () => {
    const command = buildLiveCommand(
      spec({
        input: { url: 'udp://239.1.1.1:5000?pkt_size=1316', timeoutSeconds: 5 },
        outputDir: '/var/hls/udp/',
        video: {
          preset: 'veryfast',
          profile: 'main',
          level: '4.0',
          bitrateKbps: 3000,
          fps: 25,
          gopSeconds: 2,
          bFrames: 0,
        },
        hls: { segmentSeconds: 2, listSize: 6, runId: 'r1a2' },
        threads: 2,
      }),
    );
    expect(command).toEqual([
      ...GLOBAL,
      '-timeout', '5000000',
      '-overrun_nonfatal', '1',
      ...PROBE,
      '-protocol_whitelist', 'udp',
      '-i', 'udp://239.1.1.1:5000?pkt_size=1316',
      '-filter_complex', '[0:v:0]fps=25[vout]',
      '-map', '[vout]',
      '-map', '0:a:0',
      '-threads', '2',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-level:v', '4.0',
      '-b:v', '3000k', '-maxrate', '3210k', '-bufsize', '4500k',
      '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
      ...AAC,
      ...HLS,
      '-hls_segment_filename', '/var/hls/udp/seg_r1a2_%d.ts',
      '/var/hls/udp/index.m3u8',
    ]);
  });

  it('rtsp source over TCP with a height-only scale and capped CRF', () => {
    const command = buildLiveCommand(
      spec({
        input: { url: 'rtsp://user:secret@10.0.0.5:554/stream1' },
        video: { ...spec().video, height: 720, maxrateKbps: 4000, bufsizeKbps: 6000 },
      }),
    );
    expect(command).toEqual([
      ...GLOBAL,
      '-rtsp_transport', 'tcp',
      '-timeout', '10000000',
      ...PROBE,
      '-protocol_whitelist', 'tcp',
      '-i', 'rtsp://user:secret@10.0.0.5:554/stream1',
      '-filter_complex', '[0:v:0]fps=30,scale=-2:720[vout]',
      '-map', '[vout]',
      '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '4.1',
      '-crf', '23', '-maxrate', '4000k', '-bufsize', '6000k',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
      ...AAC,
      ...HLS,
      '-hls_segment_filename', '/var/hls/news/seg_%d.ts',
      '/var/hls/news/index.m3u8',
    ]);
  });

  it('srt source', () => {
    const url = 'srt://ingest.example.com:9000?streamid=news&passphrase=abcdefghij';
    const command = buildLiveCommand(spec({ input: { url } }));
    expect(command).toEqual([
      ...GLOBAL,
      '-timeout', '10000000',
      ...PROBE,
      '-protocol_whitelist', 'srt',
      '-i', url,
      '-filter_complex', '[0:v:0]fps=30[vout]',
      '-map', '[vout]',
      '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '4.1',
      '-crf', '23',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
      ...AAC,
      ...HLS,
      '-hls_segment_filename', '/var/hls/news/seg_%d.ts',
      '/var/hls/news/index.m3u8',
    ]);
  });

  it.each([
    ['rtmp://live.example.com/app/key', ['-rw_timeout', '10000000'], 'rtmp,tcp', 'rtmp://live.example.com/app/key'],
    ['rtmps://live.example.com:443/app/key', ['-rw_timeout', '10000000'], 'rtmps,tls,tcp', 'rtmps://live.example.com:443/app/key'],
    ['http://10.1.1.1:8000/stream.ts', ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_on_network_error', '1', '-reconnect_delay_max', '5', '-rw_timeout', '10000000'], 'http,https,tls,tcp,crypto', 'http://10.1.1.1:8000/stream.ts'],
    ['rtp://239.0.0.2:5004', [], 'rtp,udp', 'rtp://239.0.0.2:5004?timeout=10000000'],
    ['rtp://239.0.0.2:5004?localaddr=10.0.0.1', [], 'rtp,udp', 'rtp://239.0.0.2:5004?localaddr=10.0.0.1&timeout=10000000'],
    ['rtp://239.0.0.2:5004?timeout=3000000', [], 'rtp,udp', 'rtp://239.0.0.2:5004?timeout=3000000'],
  ])('%s: input options, whitelist and the URL FFmpeg gets', (url, protocolOptions, whitelist, ffmpegUrl) => {
    const command = buildLiveCommand(spec({ input: { url } }));
    const firstInput = command.indexOf('-i');
    expect(command.slice(GLOBAL.length, firstInput + 2)).toEqual([
      ...protocolOptions,
      ...PROBE,
      '-protocol_whitelist', whitelist,
      '-i', ffmpegUrl,
    ]);
  });

  it('a 3-rung ladder with logo: one decode and overlay, split, one encode per rendition, master playlist', () => {
    const command = buildLiveCommand(
      spec({
        logo: { path: '/data/uploads/logo.png', anchor: 'top_right', x: 28, y: 40, width: 192, height: 108, opacity: 1 },
        video: { ...spec().video, width: 1920, height: 1080 },
        renditions: [
          { name: '1080p', width: 1920, height: 1080, bitrateKbps: 5000, maxrateKbps: 5350, bufsizeKbps: 7500 },
          { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200 },
          { name: '480p', width: 854, height: 480, bitrateKbps: 1400, maxrateKbps: 1498, bufsizeKbps: 2100, audioBitrateKbps: 96 },
        ],
        hls: { segmentSeconds: 2, listSize: 6, runId: 'k3x9' },
      }),
    );
    const filterGraph =
      '[0:v:0]fps=30,scale=1920:1080[base];' +
      '[1:v:0]scale=192:108,format=rgba,colorchannelmixer=aa=1[logo];' +
      '[base][logo]overlay=x=main_w-overlay_w-28:y=40:eof_action=repeat,split=3[split0][split1][split2];' +
      '[split0]scale=1920:1080[v0];' +
      '[split1]scale=1280:720[v1];' +
      '[split2]scale=854:480[v2]';
    expect(command[command.indexOf('-filter_complex') + 1]).toBe(filterGraph);
    expect(command[command.indexOf('-var_stream_map') + 1]).toBe('v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p');
    expect(command).toEqual([
      ...GLOBAL,
      '-reconnect', '1',
      '-reconnect_streamed', '1',
      '-reconnect_on_network_error', '1',
      '-reconnect_delay_max', '5',
      '-rw_timeout', '10000000',
      ...PROBE,
      '-protocol_whitelist', 'http,https,tls,tcp,crypto',
      '-i', 'https://cdn.example.com/live/channel.m3u8',
      '-protocol_whitelist', 'file',
      '-i', '/data/uploads/logo.png',
      '-filter_complex', filterGraph,
      '-map', '[v0]', '-map', '[v1]', '-map', '[v2]',
      '-map', '0:a:0', '-map', '0:a:0', '-map', '0:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level:v', '4.1',
      '-b:v:0', '5000k', '-maxrate:v:0', '5350k', '-bufsize:v:0', '7500k',
      '-b:v:1', '2800k', '-maxrate:v:1', '2996k', '-bufsize:v:1', '4200k',
      '-b:v:2', '1400k', '-maxrate:v:2', '1498k', '-bufsize:v:2', '2100k',
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
      '-c:a', 'aac', '-b:a', '128k', '-b:a:2', '96k', '-ar', '48000', '-ac', '2',
      ...HLS,
      '-var_stream_map', 'v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p',
      '-master_pl_name', 'index.m3u8',
      '-hls_segment_filename', '/var/hls/news/%v/seg_k3x9_%d.ts',
      '/var/hls/news/%v/index.m3u8',
    ]);
  });

  it.each([
    ['top_left', 'overlay=x=20:y=30:'],
    ['top_right', 'overlay=x=main_w-overlay_w-20:y=30:'],
    ['bottom_left', 'overlay=x=20:y=main_h-overlay_h-30:'],
    ['bottom_right', 'overlay=x=main_w-overlay_w-20:y=main_h-overlay_h-30:'],
  ] as const)('anchors the logo %s with overlay expressions, whatever the source size', (anchor, overlay) => {
    const command = buildLiveCommand(spec({ logo: { ...logo, anchor } }));
    expect(command[command.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]fps=30[base];[1:v:0]scale=160:90,format=rgba,colorchannelmixer=aa=0.8[logo];' +
        `[base][logo]${overlay}eof_action=repeat[vout]`,
    );
  });

  it('a ladder without logo splits the base picture directly', () => {
    const command = buildLiveCommand(
      spec({
        renditions: [
          { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200 },
          { name: '360p', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200 },
        ],
      }),
    );
    expect(command[command.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]fps=30,split=2[split0][split1];[split0]scale=1280:720[v0];[split1]scale=640:360[v1]',
    );
    expect(command).not.toContain('-crf');
  });

  it('writes opacity and fractional rates in plain decimal notation', () => {
    const command = buildLiveCommand(
      spec({
        logo: { ...logo, opacity: 0.0000001 },
        video: { ...spec().video, fps: 29.97 },
        hls: { segmentSeconds: 2.5, listSize: 6 },
      }),
    );
    const graph = command[command.indexOf('-filter_complex') + 1];
    expect(graph).toContain('fps=29.97');
    expect(graph).toContain('colorchannelmixer=aa=0[logo]');
    expect(command[command.indexOf('-g') + 1]).toBe('60');
    expect(command[command.indexOf('-hls_time') + 1]).toBe('2.5');
  });

  it('never goes through a shell and never whitelists file for the source', () => {
    const command = buildLiveCommand(spec({ logo }));
    const whitelists = command.flatMap((arg, index) => (arg === '-protocol_whitelist' ? [command[index + 1]] : []));
    expect(whitelists).toEqual(['http,https,tls,tcp,crypto', 'file']);
    expect(HLS_FLAGS).toBe(FLAGS);
  });

  it.each([
    ['a refused source URL', { input: { url: 'file:///etc/passwd' } }, 'The "file:" scheme is not allowed'],
    ['a protocol chain', { input: { url: 'crypto+http://x/a' } }, 'protocol chain'],
    ['a relative output directory', { outputDir: 'hls/news' }, 'outputDir must be an absolute path'],
    ['a % in the output directory', { outputDir: '/var/hls/%d' }, 'outputDir must be an absolute path'],
    ['opacity above 1', { logo: { ...logo, opacity: 1.5 } }, 'logo.opacity must be between 0 and 1'],
    ['a relative logo path', { logo: { ...logo, path: 'logo.png' } }, 'logo.path must be an absolute path'],
    ['neither crf nor bitrate', { video: { ...spec().video, crf: undefined } }, 'video needs crf or bitrateKbps'],
    ['an odd width', { video: { ...spec().video, width: 1279 } }, 'video.width must be an even integer'],
    ['an option-like preset', { video: { ...spec().video, preset: '-y' } }, 'video.preset must be a plain word'],
    ['a run id with a path', { hls: { segmentSeconds: 2, listSize: 6, runId: '../x' } }, 'hls.runId'],
    [
      'a rendition name used twice',
      {
        renditions: [
          { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200 },
          { name: '720p', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200 },
        ],
      },
      'renditions[1].name "720p" is used twice',
    ],
    [
      'a rendition name with a space',
      { renditions: [{ name: 'a b', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200 }] },
      'renditions[0].name must be',
    ],
  ])('refuses %s', (_case, overrides, message) => {
    const build = () => buildLiveCommand(spec(overrides as Partial<LiveEncodeSpec>));
    expect(build).toThrow(InvalidLiveSpecError);
    expect(build).toThrow(message);
  });
});

describe('hlsOutputPaths', () => {
  it('single rendition: the entry point is the media playlist', () => {
    expect(hlsOutputPaths({ outputDir: '/var/hls/a' })).toEqual({
      entryPlaylist: '/var/hls/a/index.m3u8',
      mediaPlaylists: ['/var/hls/a/index.m3u8'],
    });
  });

  it('ladder: a master playlist and one media playlist per rendition directory', () => {
    const renditions = [
      { name: '720p', width: 1280, height: 720, bitrateKbps: 2800, maxrateKbps: 2996, bufsizeKbps: 4200 },
      { name: '360p', width: 640, height: 360, bitrateKbps: 800, maxrateKbps: 856, bufsizeKbps: 1200 },
    ];
    expect(hlsOutputPaths({ outputDir: '/var/hls/a', renditions })).toEqual({
      entryPlaylist: '/var/hls/a/index.m3u8',
      mediaPlaylists: ['/var/hls/a/720p/index.m3u8', '/var/hls/a/360p/index.m3u8'],
    });
  });
});
