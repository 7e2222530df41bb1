import { logQuery, parseEvents } from './logs';

describe('log stream parsing', () => {
  it('splits complete events and keeps the rest', () => {
    const { events, rest } = parseEvents(': connected\n\nid: 5\nevent: log\ndata: {"a":1}\n\nevent: dropped\ndata: {"dropped":2}\n\nid: 6\nevent: lo');
    expect(events).toEqual([
      { id: '5', event: 'log', data: '{"a":1}' },
      { event: 'dropped', data: '{"dropped":2}' },
    ]);
    expect(rest).toBe('id: 6\nevent: lo');
  });

  it('builds the query from set filters only', () => {
    expect(logQuery({ service: 'gateway', level: undefined, contains: 'a b' }, { limit: '10' })).toBe('service=gateway&contains=a+b&limit=10');
  });
});
