import { sniffImageType } from '@castline/contracts';
import { checkLogo } from './image-check';

import sharp from 'sharp';

const image = (format: 'png' | 'jpeg' | 'webp', size = 1) =>
  sharp({ create: { width: size, height: size, channels: 3, background: '#ff0000' } })[format]().toBuffer();

const limits = { maxBytes: 1024, maxWidth: 100, maxHeight: 100, minSide: 1 };

describe('sniffImageType', () => {
  it('recognises PNG, JPEG and WebP by content', async () => {
    expect(sniffImageType(await image('png'))).toBe('png');
    expect(sniffImageType(await image('jpeg'))).toBe('jpeg');
    expect(sniffImageType(await image('webp'))).toBe('webp');
  });

  it('does not trust anything else', () => {
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeUndefined();
  });
});

describe('checkLogo', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
  ] as const)('accepts a %s within the limits', async (format, mimeType) => {
    expect(await checkLogo(await image(format, 16), limits)).toEqual({ ok: true, type: format, mimeType, width: 16, height: 16 });
  });

  it('names the problem for empty, oversized, foreign, small and damaged files', async () => {
    expect(await checkLogo(Buffer.alloc(0), limits)).toEqual({ ok: false, reason: 'the file is empty' });
    expect(await checkLogo(Buffer.alloc(2048), limits)).toEqual({ ok: false, reason: 'the file is 2048 bytes; the limit is 1024' });
    expect(await checkLogo(Buffer.from('hello'), limits)).toMatchObject({ ok: false, reason: expect.stringContaining('not a PNG') });
    expect(await checkLogo(await image('png'), { ...limits, minSide: 8 })).toMatchObject({ ok: false, reason: expect.stringContaining('at least 8 px') });
    expect(await checkLogo(await image('png', 200), { ...limits, maxBytes: 100_000 })).toMatchObject({ ok: false, reason: 'the image is 200x200; the limit is 100x100' });
    expect(await checkLogo((await image('png')).subarray(0, 12), limits)).toEqual({ ok: false, reason: 'the PNG header is damaged or truncated' });
  });

  it('refuses a PNG whose header is whole but whose pixel data is cut off', async () => {
    // The header still reads 64x64; only decoding finds the missing pixels.
    const whole = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(await checkLogo(whole.subarray(0, whole.length >> 1), { ...limits, maxBytes: whole.length })).toEqual({
      ok: false,
      reason: 'the PNG data is damaged or truncated',
    });
  });
});
