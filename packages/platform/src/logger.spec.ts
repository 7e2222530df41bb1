import { redactQueryToken } from './logger';

describe('redactQueryToken', () => {
  it.each([
    ['/api/v1/ws/metrics?token=eyJabc.def', '/api/v1/ws/metrics?token=[redacted]'],
    ['/api/v1/ws/metrics?channels=1&token=eyJabc&x=1', '/api/v1/ws/metrics?channels=1&token=[redacted]&x=1'],
    ['/api/v1/channels?search=token', '/api/v1/channels?search=token'],
    ['/api/v1/ws/metrics?TOKEN=abc', '/api/v1/ws/metrics?TOKEN=[redacted]'],
  ])('%s -> %s', (url, logged) => {
    expect(redactQueryToken(url)).toBe(logged);
  });
});
