import { LOGO_MAX_BYTES } from '@castline/contracts';
import { LOGO_ACCEPT, LOGO_HINT, logoFileProblem } from './logo-file';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const file = (bytes: Uint8Array<ArrayBuffer>, name = 'logo.png', type = 'image/png') => new File([bytes], name, { type });

describe('logoFileProblem', () => {
  it('accepts a PNG, JPEG or WebP within the limit, by content', async () => {
    expect(await logoFileProblem(file(new Uint8Array(PNG_HEAD)))).toBeNull();
    expect(await logoFileProblem(file(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 'a.jpg', 'image/jpeg'))).toBeNull();
    expect(await logoFileProblem(file(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '), 'a.webp', 'image/webp'))).toBeNull();
    const atLimit = new Uint8Array(LOGO_MAX_BYTES);
    atLimit.set(PNG_HEAD);
    expect(await logoFileProblem(file(atLimit))).toBeNull();
  });

  it('refuses a 49 MB file before any upload, naming the limit', async () => {
    const big = new Uint8Array(49 * 1024 * 1024);
    big.set(PNG_HEAD);
    expect(await logoFileProblem(file(big, 'huge.png'))).toBe('huge.png is 49.0 MiB; a logo may be at most 512 KiB');
    const justOver = new Uint8Array(LOGO_MAX_BYTES + 1);
    justOver.set(PNG_HEAD);
    expect(await logoFileProblem(file(justOver))).toMatch(/at most 512 KiB$/);
  });

  it('refuses what is not an image whatever its name or declared type says, and empty files', async () => {
    expect(await logoFileProblem(file(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo.png', 'image/png'))).toBe(
      'logo.png is not a PNG, JPEG or WebP image',
    );
    expect(await logoFileProblem(file(new TextEncoder().encode('GIF89a......'), 'anim.gif', 'image/gif'))).toMatch(/not a PNG/);
    expect(await logoFileProblem(file(new Uint8Array()))).toBe('logo.png is empty');
  });

  it('offers and describes exactly the types and limit of the contracts', () => {
    expect(LOGO_ACCEPT).toBe('image/png,image/jpeg,image/webp');
    expect(LOGO_HINT).toBe('PNG, JPEG or WebP, up to 512 KiB');
  });
});
