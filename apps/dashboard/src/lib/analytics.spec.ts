import { countryFlag, deltaPercent, dimensionValueLabel } from './analytics';

describe('analytics helpers', () => {
  it('makes flag emoji from ISO codes and nothing from other text', () => {
    expect(countryFlag('FR')).toBe('🇫🇷');
    expect(countryFlag('de')).toBe('🇩🇪');
    expect(countryFlag('')).toBe('');
    expect(countryFlag('<img>')).toBe('');
  });

  it('computes deltas only against a non-zero previous figure', () => {
    expect(deltaPercent(150, 100)).toBe(50);
    expect(deltaPercent(50, 100)).toBe(-50);
    expect(deltaPercent(10, 0)).toBeNull();
    expect(deltaPercent(null, 10)).toBeNull();
  });

  it('names unknown values', () => {
    expect(dimensionValueLabel('referrer', '')).toBe('Direct / none');
    expect(dimensionValueLabel('country', '')).toBe('Unknown');
    expect(dimensionValueLabel('page', '/a')).toBe('/a');
  });
});
