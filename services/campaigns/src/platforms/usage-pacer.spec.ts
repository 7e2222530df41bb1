import { DEFAULT_PACER, readUsage, UsagePacer } from './usage-pacer';

/** The three usage headers as the Graph API sends them (JSON text), each at a chosen level. */
const buc = (pct: number, regainMinutes = 0) =>
  JSON.stringify({
    '1234567890': [{ type: 'ads_insights', call_count: pct, total_cputime: 3, total_time: 4, estimated_time_to_regain_access: regainMinutes, ads_api_access_tier: 'standard_access' }],
  });
const account = (pct: number, resetSeconds = 0) => JSON.stringify({ acc_id_util_pct: pct, reset_time_duration: resetSeconds, ads_api_access_tier: 'standard_access' });
const insights = (pct: number) => JSON.stringify({ app_id_util_pct: 1, acc_id_util_pct: pct, ads_api_access_tier: 'standard_access' });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The pause before the next call right after an answer with these headers, on a clock that does not move. */
function delayAfter(headers: Record<string, string>, now = 1_000_000): number {
  const pacer = new UsagePacer(DEFAULT_PACER, () => now);
  pacer.observe(readUsage(new Headers(headers)));
  return pacer.delayMs(now);
}

describe('readUsage', () => {
  it('reads every meter of the three headers, with its own recovery time', () => {
    const usage = readUsage(
      new Headers({
        'X-Business-Use-Case-Usage': buc(28, 2),
        'X-Ad-Account-Usage': '{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}',
        'x-fb-ads-insights-throttle': '{"app_id_util_pct":40,"acc_id_util_pct":12}',
      }),
    );
    expect(usage.readings).toEqual([
      { header: 'business', pct: 28, recoverMs: 2 * MINUTE },
      { header: 'account', pct: 9.67, recoverMs: 100_000 },
      { header: 'insights', pct: 40 },
    ]);
    expect(usage).toMatchObject({ pct: 40, recoverMs: 2 * MINUTE });
  });

  it('takes the highest of call count, CPU time and total time, per business and use case', () => {
    const header = JSON.stringify({
      '111': [
        { type: 'ads_insights', call_count: 10, total_cputime: 82, total_time: 20, estimated_time_to_regain_access: 0 },
        { type: 'ads_management', call_count: 50, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 },
      ],
      '222': [{ type: 'ads_insights', call_count: 5, total_cputime: 5, total_time: 5, estimated_time_to_regain_access: 7 }],
    });
    expect(readUsage(new Headers({ 'x-business-use-case-usage': header })).readings).toEqual([
      { header: 'business', pct: 82 },
      { header: 'business', pct: 50 },
      { header: 'business', pct: 5, recoverMs: 7 * MINUTE },
    ]);
  });

  it('ignores missing and malformed headers and fields', () => {
    expect(readUsage(new Headers())).toEqual({ readings: [], pct: 0, recoverMs: 0 });
    const usage = readUsage(
      new Headers({
        'x-business-use-case-usage': '{"111": "not a list", "222": [{"call_count": "many"}, null, 7]}',
        'x-ad-account-usage': '{acc_id_util_pct: 99}',
        'x-fb-ads-insights-throttle': '[95]',
      }),
    );
    expect(usage).toEqual({ readings: [], pct: 0, recoverMs: 0 });
    expect(readUsage(new Headers({ 'x-ad-account-usage': '{"acc_id_util_pct":-5,"reset_time_duration":"soon"}' })).readings).toEqual([]);
    expect(readUsage(new Headers({ 'x-ad-account-usage': '{"acc_id_util_pct":"80","reset_time_duration":null}' })).readings).toEqual([{ header: 'account', pct: 80 }]);
  });
});

describe('UsagePacer', () => {
  it('does not pause at or below 75 %', () => {
    expect(delayAfter({ 'x-business-use-case-usage': buc(75, 30), 'x-ad-account-usage': account(75, 300), 'x-fb-ads-insights-throttle': insights(75) })).toBe(0);
  });

  it('between 75 and 90 % spreads calls over the window: the pause grows with the square of the way to 90 %', () => {
    // 80 %: a third of the way, a ninth of the 300 s window.
    expect(delayAfter({ 'x-ad-account-usage': account(80, 300) })).toBe(Math.round(300_000 / 9));
    expect(delayAfter({ 'x-ad-account-usage': account(85, 300) })).toBe(Math.round((300_000 * 4) / 9));
    expect(delayAfter({ 'x-ad-account-usage': account(90, 300) })).toBe(300_000);
  });

  it('above 90 % waits for the recovery time', () => {
    expect(delayAfter({ 'x-ad-account-usage': account(91, 120) })).toBe(120_000);
    expect(delayAfter({ 'x-business-use-case-usage': buc(100, 3) })).toBe(3 * MINUTE);
  });

  it('X-Business-Use-Case-Usage alone high: paced by its own estimated_time_to_regain_access', () => {
    const low = { 'x-ad-account-usage': account(10, 20), 'x-fb-ads-insights-throttle': insights(10) };
    expect(delayAfter({ ...low, 'x-business-use-case-usage': buc(80, 9) })).toBe(MINUTE);
    expect(delayAfter({ ...low, 'x-business-use-case-usage': buc(95, 4) })).toBe(4 * MINUTE);
    // Alone, without a regain time: the default window (Meta's rolling hour), a wait bounded by maxWaitMs.
    expect(delayAfter({ 'x-business-use-case-usage': buc(80) })).toBe(Math.round(HOUR / 9));
    expect(delayAfter({ 'x-business-use-case-usage': buc(95) })).toBe(DEFAULT_PACER.maxWaitMs);
  });

  it('X-Ad-Account-Usage alone high: paced by its reset_time_duration', () => {
    const low = { 'x-business-use-case-usage': buc(10), 'x-fb-ads-insights-throttle': insights(10) };
    expect(delayAfter({ ...low, 'x-ad-account-usage': account(80, 90) })).toBe(10_000);
    expect(delayAfter({ ...low, 'x-ad-account-usage': account(95, 90) })).toBe(90_000);
  });

  it('x-fb-ads-insights-throttle alone high: the other headers\' time, else the default window', () => {
    // It gives no time: the account's reset is the estimate when that header is there.
    expect(delayAfter({ 'x-fb-ads-insights-throttle': insights(80), 'x-ad-account-usage': account(5, 45) })).toBe(5_000);
    expect(delayAfter({ 'x-fb-ads-insights-throttle': insights(95), 'x-ad-account-usage': account(5, 45) })).toBe(45_000);
    expect(delayAfter({ 'x-fb-ads-insights-throttle': insights(80) })).toBe(Math.round(HOUR / 9));
    expect(delayAfter({ 'x-fb-ads-insights-throttle': insights(95) })).toBe(DEFAULT_PACER.maxWaitMs);
    // A configured default window.
    const pacer = new UsagePacer({ ...DEFAULT_PACER, defaultWindowMs: 90_000 }, () => 0);
    pacer.observe(readUsage(new Headers({ 'x-fb-ads-insights-throttle': insights(85) })));
    expect(pacer.delayMs(0)).toBe(40_000);
  });

  it('the longest pause of all meters wins', () => {
    expect(delayAfter({ 'x-business-use-case-usage': buc(80, 9), 'x-ad-account-usage': account(85, 30) })).toBe(Math.max(MINUTE, Math.round((30_000 * 4) / 9)));
    // Blocked for 1 minute, but 80 % of a 900 s window asks for 100 s.
    expect(delayAfter({ 'x-business-use-case-usage': buc(95, 1), 'x-ad-account-usage': account(80, 900) })).toBe(100_000);
  });

  it('counts the time passed since the answer, and never waits longer than maxWaitMs at once', () => {
    let now = 0;
    const pacer = new UsagePacer(DEFAULT_PACER, () => now);
    pacer.observe(readUsage(new Headers({ 'x-business-use-case-usage': buc(100, 2) })));
    now = 30_000;
    expect(pacer.delayMs()).toBe(2 * MINUTE - 30_000);
    now = 3 * MINUTE;
    expect(pacer.delayMs()).toBe(0);
    pacer.observe(readUsage(new Headers({ 'x-business-use-case-usage': buc(100, 60) })));
    expect(pacer.delayMs()).toBe(DEFAULT_PACER.maxWaitMs);
    expect(pacer.peakPct).toBe(100);
  });
});
