import { LatestByKey } from './latest-by-key';

describe('LatestByKey', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('keeps the latest value per key', () => {
    const store = new LatestByKey<number>(10_000, { now: clock });
    store.set('a', 1);
    store.set('a', 2);
    store.set('b', 3);
    expect(store.get('a')).toBe(2);
    expect(store.values()).toEqual([2, 3]);
  });

  it('forgets a value once it is older than the TTL, and says so', () => {
    const expired: Array<[string, number]> = [];
    const store = new LatestByKey<number>(10_000, { now: clock, onExpire: (key, value) => expired.push([key, value]) });
    store.set('a', 1);
    now += 5_000;
    store.set('b', 2);
    now += 5_000;
    expect(store.get('a')).toBe(1);
    now += 1;
    expect(store.get('a')).toBeUndefined();
    expect(store.values()).toEqual([2]);
    expect(expired).toEqual([['a', 1]]);
    now += 5_000;
    expect(store.size).toBe(0);
    expect(expired).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('a fresh report restarts the TTL', () => {
    const store = new LatestByKey<number>(10_000, { now: clock });
    store.set('a', 1);
    now += 9_000;
    store.set('a', 2);
    now += 9_000;
    expect(store.get('a')).toBe(2);
  });
});
