import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-test-key-of-enough-length-123456');

  it('opens what it sealed, with a fresh IV every time', () => {
    const url = 'rtmp://user:pass@host/app/key';
    const a = box.seal(url);
    const b = box.seal(url);
    expect(a).not.toBe(b);
    expect(a).not.toContain('pass');
    expect(box.open(a)).toBe(url);
    expect(box.open(b)).toBe(url);
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('another-key-of-enough-length-0000').open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow('Not a sealed secret');
  });

  it('refuses a short key', () => {
    expect(() => new SecretBox('short')).toThrow();
  });
});
