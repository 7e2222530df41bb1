import { LOG_LIMITS, TRUNCATED_MARKER } from '@castline/contracts';
import { cut, LogShipper, routeTemplateOf, toRecord } from './log-shipper';

describe('log shipper', () => {
  it.each([
    ['/api/v1/channels/123e4567-e89b-12d3-a456-426614174000?token=abc', '/api/v1/channels/:id'],
    ['/api/v1/logs/42/x', '/api/v1/logs/:id/x'],
    ['/api/v1/health#x', '/api/v1/health'],
    ['/api/v1/v2beta', '/api/v1/v2beta'],
  ])('route template of %s is %s', (url, template) => {
    expect(routeTemplateOf(url)).toBe(template);
  });

  it('cuts long fields with a marker and keeps short ones', () => {
    expect(cut('abc', 5)).toBe('abc');
    expect(cut('abcdef', 5)).toBe(`abcde${TRUNCATED_MARKER}`);
    const record = toRecord({ level: 50, time: '2026-12-01T00:00:00.000Z', msg: 'x', blob: 'y'.repeat(LOG_LIMITS.meta + 10) }, 'svc', 'i', 'k');
    expect(String(record.meta?.truncated).endsWith(TRUNCATED_MARKER)).toBe(true);
  });

  it('only parses records at its level, folds repeats, bounds the buffer', () => {
    const shipper = new LogShipper({ service: 'svc', maxBuffer: 2 });
    shipper.write(JSON.stringify({ level: 30, msg: 'info' }));
    shipper.write('not json');
    shipper.write(JSON.stringify({ level: 40, msg: 'same' }));
    shipper.write(JSON.stringify({ level: 40, msg: 'same' }));
    shipper.write(JSON.stringify({ level: 50, msg: 'other' }));
    shipper.write(JSON.stringify({ level: 50, msg: 'third' }));
    expect({ pending: shipper.pending, dropped: shipper.dropped }).toEqual({ pending: 2, dropped: 1 });
  });
});
