import { formatBitrate, formatBytes, formatDuration, formatPercent, formatRelative } from './format';

describe('format', () => {
  it('prints bytes in binary units, labelled as binary (KiB, GiB), and a dash for missing values', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3.25 * 1024 ** 3, 2)).toBe('3.25 GiB');
    expect(formatBytes(512 * 1024, 0)).toBe('512 KiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('prints bit rates in decimal units', () => {
    expect(formatBitrate(640_000)).toBe('640 kb/s');
    expect(formatBitrate(2_500_000)).toBe('2.50 Mb/s');
    expect(formatBitrate(1.2e9)).toBe('1.20 Gb/s');
    expect(formatBitrate(undefined)).toBe('—');
  });

  it('prints percentages and durations', () => {
    expect(formatPercent(42.37, 1)).toBe('42.4%');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(61)).toBe('1m 1s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 2m');
    expect(formatDuration(2 * 86_400 + 3600)).toBe('2d 1h');
  });

  it('says how long ago, relative to now', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(formatRelative('2026-11-22T11:59:50Z', now)).toBe('10 seconds ago');
    expect(formatRelative('2026-11-22T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-11-22T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-11-20T12:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative(null, now)).toBe('never');
  });
});
