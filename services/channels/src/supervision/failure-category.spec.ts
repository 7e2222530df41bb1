import { categorizeFailure } from './failure-category';

describe('categorizeFailure', () => {
  it.each([
    ['[error] udp://x: Invalid data found when processing input', 'fatal'],
    ['[error] Protocol not found', 'fatal'],
    ["[error] Protocol 'file' not on whitelist 'udp'! ... not in whitelist", 'fatal'],
    ['[error] Server returned 404 Not Found', 'fatal'],
    ['[error] Connection to tcp://a:1935 failed: Connection refused', 'network'],
    ['[error] rtmp://a: Connection timed out', 'network'],
    ['[warning] End of file', 'network'],
    ['[error] udp://127.0.0.1:45999: Input/output error', 'network'],
    ['[error] Error while filtering', 'encoding'],
    ['', 'encoding'],
  ])('%s -> %s', (stderr, category) => {
    expect(categorizeFailure(stderr)).toBe(category);
  });
});
