import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-test-key-of-enough-length-123456');

  it('opens what it sealed, with a fresh IV every time', () => {
    const url = 'rtmp://user:pass@host/app/key';
    const a = box.seal(url);
    const b = box.seal(url);
    expect(a).not.toBe(b);
    expect(a).not.toContain('pass');
    expect(a.split('.').slice(0, 2)).toEqual(['v2', box.keyId]);
    expect(box.open(a)).toBe(url);
    expect(box.open(b)).toBe(url);
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('another-key-of-enough-length-0000').open(sealed)).toThrow('unknown key');
    expect(() => box.open('plain text')).toThrow('Not a sealed secret');
  });

  it('binds a value to its row and column: another AAD does not open it', () => {
    const sealed = box.seal('token', 'ad_accounts:1:credentials');
    expect(box.open(sealed, 'ad_accounts:1:credentials')).toBe('token');
    expect(() => box.open(sealed, 'ad_accounts:2:credentials')).toThrow();
    expect(() => box.open(sealed)).toThrow();
  });

  it('opens values of a previous key after a rotation and says they need resealing', () => {
    const oldBox = new SecretBox('the-old-key-of-enough-length-0001');
    const sealedBefore = oldBox.seal('hook', 'receivers:7:url');
    const rotated = new SecretBox('the-new-key-of-enough-length-0002', ['the-old-key-of-enough-length-0001']);
    expect(rotated.open(sealedBefore, 'receivers:7:url')).toBe('hook');
    expect(rotated.needsResealing(sealedBefore)).toBe(true);
    const resealed = rotated.seal('hook', 'receivers:7:url');
    expect(rotated.needsResealing(resealed)).toBe(false);
    expect(() => new SecretBox('the-new-key-of-enough-length-0002').open(sealedBefore, 'receivers:7:url')).toThrow('unknown key');
  });

  it('still opens values written in the v1 format (no key id, no AAD)', () => {
    const secret = 'a-test-key-of-enough-length-123456';
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(secret).digest(), iv);
    const body = Buffer.concat([cipher.update('legacy', 'utf8'), cipher.final()]);
    const v1 = ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    expect(box.open(v1)).toBe('legacy');
    expect(box.needsResealing(v1)).toBe(true);
  });

  it('refuses a short key', () => {
    expect(() => new SecretBox('short')).toThrow();
    expect(() => new SecretBox('a-test-key-of-enough-length-123456', ['short'])).toThrow();
  });
});
