import { logQuery } from './logs';

describe('log queries', () => {
  it('builds the query from set filters only', () => {
    expect(logQuery({ service: 'gateway', level: undefined, contains: 'a b' }, { limit: '10' })).toBe('service=gateway&contains=a+b&limit=10');
  });
});
