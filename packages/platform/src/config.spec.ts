import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  const schema = baseConfigSchema.extend({ PORT: z.coerce.number().int().min(1).max(65535), API_TOKEN: z.string().min(8) });

  it('applies defaults and coerces numbers', () => {
    const config = loadConfig('demo', schema, { PORT: '3100', API_TOKEN: 'long-enough' });
    expect(config).toMatchObject({
      PORT: 3100,
      NODE_ENV: 'development',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/castline',
      REDIS_URL: 'redis://127.0.0.1:6379',
      NATS_URL: 'nats://127.0.0.1:4222',
    });
  });

  it('names every missing or invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig('demo', schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', API_TOKEN: '' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(message).toMatch(/^Invalid configuration for demo:/);
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: /),
      expect.stringMatching(/^PORT: /),
      'API_TOKEN: is required',
    ]);
  });

  it('refuses unknown enum values with the allowed ones in the message', () => {
    expect(() => loadConfig('demo', schema, { PORT: '1', API_TOKEN: 'long-enough', LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: .*info/);
  });
});
