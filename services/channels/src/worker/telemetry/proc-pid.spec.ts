import { cpuPercent, parsePidIo, parsePidStat, parsePidStatus, perSecond } from './proc-pid';

// Copied from a running FFmpeg; the command name holds a space and a ")" to exercise the parsing.
const STAT =
  '4242 (ffmpeg (x) 2) S 4241 4242 4100 0 -1 4194560 21077 0 0 0 1520 312 0 0 20 0 9 0 91817 584404992 30162 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
const STATUS = `Name:\tffmpeg
Umask:\t0022
State:\tS (sleeping)
VmPeak:\t  600000 kB
VmRSS:\t  120648 kB
RssAnon:\t   98000 kB
Threads:\t9
`;
const IO = `rchar: 73422528
wchar: 9241031
syscr: 61934
syscw: 1032
read_bytes: 0
write_bytes: 0
cancelled_write_bytes: 0
`;

describe('/proc/<pid> parsers', () => {
  it('reads utime + stime and the thread count from stat, whatever the command name holds', () => {
    expect(parsePidStat(STAT)).toEqual({ cpuTicks: 1520 + 312, threads: 9 });
  });

  it('refuses a stat line without the command name or with a garbled field', () => {
    expect(() => parsePidStat('4242 ffmpeg S')).toThrow(/no "\)"/);
    expect(() => parsePidStat('4242 (ffmpeg) S 1 2 3 4 5 6 7 8 9 10 x 11')).toThrow(/field 14/);
  });

  it('reads VmRSS (KiB -> bytes) and Threads from status', () => {
    expect(parsePidStatus(STATUS)).toEqual({ rssBytes: 120648 * 1024, threads: 9 });
    expect(() => parsePidStatus('Name:\tzombie\nThreads:\t1\n')).toThrow(/VmRSS/);
  });

  it('reads rchar and wchar from io (tmpfs writes never show in write_bytes)', () => {
    expect(parsePidIo(IO)).toEqual({ readChars: 73422528, writeChars: 9241031 });
    expect(() => parsePidIo('')).toThrow(/rchar/);
  });
});

describe('rates', () => {
  it('gives CPU in percent of one core: ticks are 1/100 s', () => {
    expect(cpuPercent(1000, 1050, 1000)).toBeCloseTo(50);
    // Two cores busy for half a second.
    expect(cpuPercent(1000, 1100, 500)).toBeCloseTo(200);
    expect(cpuPercent(1000, 1000, 1000)).toBe(0);
  });

  it('gives null for an empty interval or ticks that went backwards (a pid reused)', () => {
    expect(cpuPercent(1000, 1050, 0)).toBeNull();
    expect(cpuPercent(1000, 900, 1000)).toBeNull();
  });

  it('turns counter growth into bytes per second, null when unknown or backwards', () => {
    expect(perSecond(1_000, 3_000, 500)).toBe(4_000);
    expect(perSecond(null, 3_000, 1000)).toBeNull();
    expect(perSecond(1_000, undefined, 1000)).toBeNull();
    expect(perSecond(5_000, 3_000, 1000)).toBeNull();
    expect(perSecond(1_000, 3_000, 0)).toBeNull();
  });
});
