import { describeSource, judgeRun, type RunFacts } from './failure-category';

const MID_GOP = [
  '[h264 @ 0x55a951cf1940] [error] non-existing PPS 0 referenced',
  '[h264 @ 0x55a951cf1940] [error] decode_slice_header error',
  '[mpegts @ 0x55a951cdd3c0] [error] udp://127.0.0.1:5999: Invalid data found when processing input',
];
const facts = (overrides: Partial<RunFacts>): RunFacts => ({
  code: 0,
  signal: null,
  signalledByPlatform: false,
  segments: 0,
  msSinceLastSegment: 0,
  linesAfterLastSegment: [],
  oomKilled: false,
  inputTimeoutMs: 10_000,
  sourceUrl: 'udp://127.0.0.1:5999',
  ...overrides,
});

describe('judgeRun', () => {
  it('a SIGKILL the platform did not send is a crash, restarted at once, whatever the log says', () => {
    expect(judgeRun(facts({ signal: 'SIGKILL', code: null, segments: 4, linesAfterLastSegment: MID_GOP }))).toEqual({
      category: 'crash', openFailure: false, immediate: true, reason: 'FFmpeg crashed (SIGKILL)',
    });
    expect(judgeRun(facts({ signal: 'SIGSEGV', code: null, segments: 0 }))).toMatchObject({ category: 'crash', openFailure: false });
    expect(judgeRun(facts({ signal: 'SIGKILL', code: null, oomKilled: true }))).toMatchObject({ category: 'resource', immediate: true });
  });

  it('a run that was on the air is never fatal: a silent source is network, anything else a restart', () => {
    const gone = facts({ code: 0, segments: 12, msSinceLastSegment: 11_000, linesAfterLastSegment: ['[error] udp://127.0.0.1:5999: Input/output error'] });
    expect(judgeRun(gone)).toEqual({ category: 'network', openFailure: false, immediate: true, reason: 'No data from udp port 5999 for 11 s' });
    const noisy = facts({ code: 1, segments: 3, msSinceLastSegment: 500, linesAfterLastSegment: ['[error] udp://127.0.0.1:5999: Invalid data found when processing input'] });
    expect(judgeRun(noisy)).toMatchObject({ category: 'encoding', openFailure: false, immediate: true });
  });

  it('reads only anchored [error] lines: a warning or a word inside a decode message decides nothing', () => {
    const lines = ['[warning] udp://x: Connection refused', '[h264 @ 0x1] [error] Connection refused inside a slice'];
    expect(judgeRun(facts({ code: 1, segments: 0, linesAfterLastSegment: lines }))).toMatchObject({ category: 'encoding', openFailure: false });
  });

  it('a source that cannot be opened is an open failure: refused (fatal) or silent (network)', () => {
    expect(judgeRun(facts({ code: 1, linesAfterLastSegment: ['[error] http://a/x.m3u8: Server returned 404 Not Found'] }))).toMatchObject({
      category: 'fatal', openFailure: true, immediate: false,
    });
    expect(judgeRun(facts({ code: 0, linesAfterLastSegment: ['[error] udp://127.0.0.1:5999: Input/output error'] }))).toEqual({
      category: 'network', openFailure: true, immediate: false, reason: 'No data from udp port 5999 for 10 s',
    });
    expect(judgeRun(facts({ code: 1, linesAfterLastSegment: ['[error] Connection to tcp://a:1935 failed: Connection refused'] }))).toMatchObject({ category: 'network', openFailure: true });
  });

  it('a run that fails before its first segment for another reason is an encoding failure', () => {
    expect(judgeRun(facts({ code: 1, msSinceLastSegment: 300, linesAfterLastSegment: ['[error] Error while filtering'] }))).toMatchObject({ category: 'encoding', openFailure: false, immediate: false });
  });

  it('names sources as an operator reads them', () => {
    expect(describeSource('udp://239.1.1.1:5000?pkt_size=1316')).toBe('udp port 5000');
    expect(describeSource('http://cdn.example/live/index.m3u8?token=1')).toBe('http://cdn.example/live/index.m3u8');
  });
});
