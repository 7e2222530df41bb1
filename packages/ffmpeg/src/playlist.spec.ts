import { parsePlaylist } from './playlist';

describe('parsePlaylist', () => {
  it('reads a media playlist as FFmpeg 5.1 writes it after a restart (append_list)', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:3',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXTINF:2.000000,',
      '#EXT-X-PROGRAM-DATE-TIME:2026-11-22T01:15:06.217+0000',
      'seg_r1_3.ts',
      '#EXTINF:1.066667,',
      'seg_r1_4.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:2.000000,',
      'seg_r2_5.ts',
      '',
    ].join('\n');
    expect(parsePlaylist(text)).toEqual({
      kind: 'media',
      targetDurationSeconds: 2,
      mediaSequence: 3,
      endList: false,
      segments: [
        { uri: 'seg_r1_3.ts', durationSeconds: 2, discontinuity: false, programDateTime: '2026-11-22T01:15:06.217+0000' },
        { uri: 'seg_r1_4.ts', durationSeconds: 1.066667, discontinuity: false, programDateTime: undefined },
        { uri: 'seg_r2_5.ts', durationSeconds: 2, discontinuity: true, programDateTime: undefined },
      ],
    });
  });

  it('reads a master playlist with its variants', () => {
    const text =
      '#EXTM3U\r\n#EXT-X-VERSION:6\r\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=3220800,RESOLUTION=1280x720,CODECS="avc1.640029,mp4a.40.2"\r\n720p/index.m3u8\r\n\r\n' +
      '#EXT-X-STREAM-INF:BANDWIDTH=1020800,RESOLUTION=640x360,CODECS="avc1.640029,mp4a.40.2"\r\n360p/index.m3u8\r\n';
    expect(parsePlaylist(text)).toEqual({
      kind: 'master',
      variants: [
        { uri: '720p/index.m3u8', bandwidth: 3220800, resolution: { width: 1280, height: 720 }, codecs: 'avc1.640029,mp4a.40.2' },
        { uri: '360p/index.m3u8', bandwidth: 1020800, resolution: { width: 640, height: 360 }, codecs: 'avc1.640029,mp4a.40.2' },
      ],
    });
  });

  it('notices the end of a stream and refuses what is not a playlist', () => {
    const ended = parsePlaylist('#EXTM3U\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n');
    expect(ended).toMatchObject({ kind: 'media', endList: true, segments: [{ uri: 'a.ts', durationSeconds: 2 }] });
    expect(() => parsePlaylist('<html>')).toThrow('Not an HLS playlist');
  });
});
