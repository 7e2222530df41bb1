import { signUploadPrincipal, verifyUploadPrincipal } from './upload-principal';

const secret = 'upload-secret-upload-secret-0123456789';
const principal = { sub: 'user:1', label: 'a@b.c', exp: 2_000_000_000 };

describe('upload principal', () => {
  it('round-trips a signed principal', () => {
    expect(verifyUploadPrincipal(secret, signUploadPrincipal(secret, principal), 1_000)).toEqual(principal);
  });

  it('refuses a forged, re-signed, expired or malformed header', () => {
    const header = signUploadPrincipal(secret, principal);
    const [payload, signature] = header.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...principal, sub: 'user:2' })).toString('base64url');
    expect(verifyUploadPrincipal(secret, `${forged}.${signature}`, 1_000)).toBeNull();
    expect(verifyUploadPrincipal(`${secret}x`, header, 1_000)).toBeNull();
    expect(verifyUploadPrincipal(secret, header, 2_000_000_001_000)).toBeNull();
    expect(verifyUploadPrincipal(secret, `${payload}.${signature}.x`, 1_000)).toBeNull();
    expect(verifyUploadPrincipal(secret, undefined)).toBeNull();
    expect(verifyUploadPrincipal(secret, 'garbage')).toBeNull();
  });
});
