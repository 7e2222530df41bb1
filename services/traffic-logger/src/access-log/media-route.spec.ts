import { redactUri, routeMedia } from './media-route';

const ID = '5b0f2d3e-8f6a-4a8e-9c1d-2e3f4a5b6c7d';
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUv';

describe('routeMedia', () => {
  const cases: [string, string, ReturnType<typeof routeMedia>][] = [
    ['public playlist', '/live/news/index.m3u8', { kind: 'live', slug: 'news', channelId: null, rendition: null, file: 'index.m3u8', segment: false }],
    ['public segment', '/live/news/seg_12.ts', { kind: 'live', slug: 'news', channelId: null, rendition: null, file: 'seg_12.ts', segment: true }],
    ['rendition segment', '/live/news/720p/seg_3.ts', { kind: 'live', slug: 'news', channelId: null, rendition: '720p', file: 'seg_3.ts', segment: true }],
    ['fMP4 segment', '/live/sport-1/hi/chunk_9.m4s', { kind: 'live', slug: 'sport-1', channelId: null, rendition: 'hi', file: 'chunk_9.m4s', segment: true }],
    ['fMP4 init is not a segment', '/live/sport-1/init.mp4', { kind: 'live', slug: 'sport-1', channelId: null, rendition: null, file: 'init.mp4', segment: false }],
    ['query ignored', '/live/news/seg_1.ts?token=[redacted]', { kind: 'live', slug: 'news', channelId: null, rendition: null, file: 'seg_1.ts', segment: true }],
    ['signed playlist', `/live/_signed/${TOKEN}/1767225600/${ID}.2/index.m3u8`, { kind: 'live', slug: null, channelId: ID, rendition: null, file: 'index.m3u8', segment: false }],
    ['signed rendition segment', `/live/_signed/${TOKEN}/1767225600/${ID}.2/480p/seg_7.ts`, { kind: 'live', slug: null, channelId: ID, rendition: '480p', file: 'seg_7.ts', segment: true }],
    ['signed without token is not a channel', `/live/_signed/${ID}.2/seg_1.ts`, null],
    ['_signed is never a slug', '/live/_signed/seg_1.ts', null],
    ['short token', `/live/_signed/abc/1767225600/${ID}.2/seg_1.ts`, null],
    ['upper-case slug', '/live/News/seg_1.ts', null],
    ['too deep', '/live/news/a/b/seg_1.ts', null],
    ['traversal', '/live/news/../etc/passwd', null],
    ['API', '/api/v1/channels', null],
    ['dashboard', '/channels/news', null],
    ['channel root', '/live/news/', null],
  ];
  it.each(cases)('%s', (_name, uri, expected) => {
    expect(routeMedia(uri)).toEqual(expected);
  });
});

describe('redactUri', () => {
  it('replaces the signed token and keeps the rest', () => {
    expect(redactUri(`/live/_signed/${TOKEN}/1767225600/${ID}.2/seg_7.ts`)).toBe(`/live/_signed/[token]/1767225600/${ID}.2/seg_7.ts`);
  });
  it('leaves other URIs alone', () => {
    expect(redactUri('/live/news/seg_1.ts')).toBe('/live/news/seg_1.ts');
  });
});
