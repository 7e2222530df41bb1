import { TrafficSearchFiltersSchema } from '@castline/contracts';
import { describeFilters, emptyTrafficForm, filtersFromForm, formFromFilters, resultCount, trafficFieldOf } from './traffic';

describe('the Traffic filter form', () => {
  it('sends only the filters that are set, lists split and trimmed', () => {
    const values = { ...emptyTrafficForm(), from: '', to: '', method: 'get, post', status: '404, 5xx', country: ' de ,FR', device: 'mobile', bot: 'no' as const, minResponseMs: '250', path: ' /live/ ' };
    expect(filtersFromForm(values)).toEqual({
      source: 'requests',
      pathMatch: 'prefix',
      method: ['GET', 'POST'],
      status: ['404', '5xx'],
      country: ['de', 'FR'],
      device: ['mobile'],
      bot: 'no',
      minResponseMs: 250,
      path: '/live/',
    });
  });

  it('round-trips saved filters through the form', () => {
    const filters = TrafficSearchFiltersSchema.parse({ source: 'events', session: '6f1c2d1e-8f3a-4f57-9d59-0a9f0f6b9e11', utmSource: 'nl', from: '2026-11-20T10:00:00.000Z', to: '2026-11-21T10:00:00.000Z' });
    expect(TrafficSearchFiltersSchema.parse(filtersFromForm(formFromFilters(filters)))).toEqual(filters);
  });

  it('puts a refusal on the field it names', () => {
    expect(trafficFieldOf('country.1')).toBe('country');
    expect(trafficFieldOf('filters.status.0')).toBe('status');
    expect(trafficFieldOf('cursor')).toBeNull();
  });

  it('says 100,000+ when the count stopped at its cap', () => {
    expect(resultCount({ value: 100_000, capped: true })).toBe('100,000+ results');
    expect(resultCount({ value: 1, capped: false })).toBe('1 result');
    expect(resultCount({ value: 1234, capped: false })).toBe('1,234 results');
  });

  it('describes a search by its filters', () => {
    expect(describeFilters(TrafficSearchFiltersSchema.parse({ country: ['DE'], bot: 'no' }))).toBe('requests · country: DE · bot: no');
  });
});
