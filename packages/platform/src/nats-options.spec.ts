import { natsConnectionOptions } from './nats-options';

describe('natsConnectionOptions', () => {
  it('connects without credentials when none are given', () => {
    expect(natsConnectionOptions({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({ servers: ['nats://127.0.0.1:4222'] });
  });

  it('takes credentials out of the URL (nats.js would ignore them there)', () => {
    expect(natsConnectionOptions({ NATS_URL: 'nats://gateway:p%40ss@nats:4222, nats://nats-2:4222' })).toEqual({
      servers: ['nats://nats:4222', 'nats://nats-2:4222'], user: 'gateway', pass: 'p@ss',
    });
  });

  it('prefers NATS_USER and NATS_PASSWORD over the URL', () => {
    expect(
      natsConnectionOptions({ NATS_URL: 'nats://a:b@nats:4222', NATS_USER: 'media', NATS_PASSWORD: 'secret' }),
    ).toEqual({ servers: ['nats://nats:4222'], user: 'media', pass: 'secret' });
  });
});
