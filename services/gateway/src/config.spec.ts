import { ConfigError } from '@castline/platform';
import { loadGatewayConfig } from './config';

describe('gateway config', () => {
  it('refuses to start in production without a JWT secret', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set to at least 32 random characters/);
  });

  it('refuses a short JWT secret in production', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('accepts a long secret in production', () => {
    const secret = 'x'.repeat(32);
    expect(
      loadGatewayConfig({ NODE_ENV: 'production', JWT_SECRET: secret, MEDIA_UPLOAD_SECRET: 'm'.repeat(32), BACKUP_TRANSFER_SECRET: 'b'.repeat(32) }).JWT_SECRET,
    ).toBe(secret);
  });

  it('refuses the development BACKUP_TRANSFER_SECRET in production (it signs archive transfers)', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), MEDIA_UPLOAD_SECRET: 'm'.repeat(32) })).toThrow(
      /BACKUP_TRANSFER_SECRET: must be set/,
    );
  });

  it('refuses the development MEDIA_UPLOAD_SECRET in production (it signs upload authorisations)', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toThrow(/MEDIA_UPLOAD_SECRET: must be set/);
  });

  it('makes a random per-process secret outside production', () => {
    const a = loadGatewayConfig({ NODE_ENV: 'development' }).JWT_SECRET;
    const b = loadGatewayConfig({ NODE_ENV: 'development' }).JWT_SECRET;
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
  });

  it('parses the CORS allow-list and validates the admin bootstrap variables', () => {
    expect(loadGatewayConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).CORS_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(() => loadGatewayConfig({ ADMIN_EMAIL: 'not-an-email' })).toThrow(/ADMIN_EMAIL/);
    expect(() => loadGatewayConfig({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD: must be at least 12 characters/);
  });
});
