import { checkLogo, sniffImageType } from './image-check';

// A 1x1 PNG, a JPEG SOI + JFIF header and a WebP RIFF header: enough bytes for sniffing.
const PNG_1X1 = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082',
  'hex',
);
const limits = { maxBytes: 1024, maxWidth: 100, maxHeight: 100, minSide: 1 };

describe('sniffImageType', () => {
  it('recognises PNG, JPEG and WebP by content', () => {
    expect(sniffImageType(PNG_1X1)).toBe('png');
    expect(sniffImageType(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('jpeg');
    expect(sniffImageType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('webp');
  });

  it('does not trust anything else', () => {
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeUndefined();
  });
});

describe('checkLogo', () => {
  it('accepts a PNG within the limits', () => {
    expect(checkLogo(PNG_1X1, limits)).toEqual({ ok: true, type: 'png', mimeType: 'image/png', width: 1, height: 1 });
  });

  it('names the problem for empty, oversized, foreign, small and damaged files', () => {
    expect(checkLogo(Buffer.alloc(0), limits)).toEqual({ ok: false, reason: 'the file is empty' });
    expect(checkLogo(Buffer.alloc(2048), limits)).toEqual({ ok: false, reason: 'the file is 2048 bytes; the limit is 1024' });
    expect(checkLogo(Buffer.from('hello'), limits)).toMatchObject({ ok: false, reason: expect.stringContaining('not a PNG') });
    expect(checkLogo(PNG_1X1, { ...limits, minSide: 8 })).toMatchObject({ ok: false, reason: expect.stringContaining('at least 8 px') });
    expect(checkLogo(PNG_1X1.subarray(0, 12), limits)).toMatchObject({ ok: false });
  });
});
