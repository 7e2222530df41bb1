import { parseEvents } from './server-sent-events';

describe('server-sent event parsing', () => {
  it('splits complete events and keeps the rest', () => {
    const { events, rest } = parseEvents(': connected\n\nid: 5\nevent: log\ndata: {"a":1}\n\nevent: dropped\ndata: {"dropped":2}\n\nid: 6\nevent: lo');
    expect(events).toEqual([
      { id: '5', event: 'log', data: '{"a":1}' },
      { event: 'dropped', data: '{"dropped":2}' },
    ]);
    expect(rest).toBe('id: 6\nevent: lo');
  });
});
