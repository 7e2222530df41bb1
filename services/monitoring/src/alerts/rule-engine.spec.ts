import { badCron, badRegex, emptySeriesState, flapRatio, groupKeyOf, matchesAll, type SeriesState, stepSeries, windowActive } from './rule-engine';

const t0 = Date.parse('2026-12-01T12:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);

function run(actives: boolean[], forSeconds: number, every = 15) {
  let state: SeriesState = emptySeriesState();
  return actives.map((active, index) => {
    const step = stepSeries(state, active, { forSeconds }, at(index * every));
    state = step.next;
    return step;
  });
}

describe('stepSeries', () => {
  it('fires once the condition held for `for`, resolves when it stops, and a short blip sends nothing', () => {
    expect(run([true, true, true, true, false], 30).map((step) => step.event)).toEqual([null, null, 'fire', null, 'resolve']);
    expect(run([true, false, true, false], 30).map((step) => step.event)).toEqual([null, null, null, null]);
    expect(run([true], 0).map((step) => step.event)).toEqual(['fire']);
  });

  it('does not call one fire and resolve flapping', () => {
    expect(run([true, false, true, false], 0).map((step) => step.flap)).toEqual([null, null, null, null]);
  });

  it('never resolves what never fired', () => {
    expect(run([false, false, true, false], 60).map((step) => step.event)).toEqual([null, null, null, null]);
  });

  it('announces flapping once past 50 % changes in 20 evaluations, and stability once under 25 %', () => {
    const alternating = Array.from({ length: 20 }, (_, index) => index % 2 === 0);
    const steady = Array.from({ length: 30 }, () => true);
    const steps = run([...alternating, ...steady], 0);
    const flaps = steps.map((step, index) => [index, step.flap]).filter(([, flap]) => flap !== null);
    expect(flaps.map(([, flap]) => flap)).toEqual(['flapping', 'stable']);
    expect(steps.filter((step) => step.flap === 'flapping')).toHaveLength(1);
    expect(steps.at(-1)!.next).toMatchObject({ flapping: false, firing: true });
    expect(steps.at(-1)!.next.flapHistory).toHaveLength(20);
  });

  it('computes the flap ratio over the window', () => {
    expect(flapRatio([1, 0, 1, 0, 1])).toBe(4 / 19);
    expect(flapRatio(Array.from({ length: 20 }, (_, index) => index % 2))).toBe(1);
    expect(flapRatio([1])).toBe(0);
  });
});

describe('matchers, windows and groups', () => {
  it('matches every matcher, regexes anchored, and refuses bad regexes', () => {
    const labels = { check: 'service:gateway', severity: 'critical' };
    expect(matchesAll([{ label: 'check', value: 'service:.*', regex: true }], labels)).toBe(true);
    expect(matchesAll([{ label: 'check', value: 'gateway', regex: true }], labels)).toBe(false);
    expect(matchesAll([{ label: 'check', value: 'service:gateway' }, { label: 'severity', value: 'warning' }], labels)).toBe(false);
    expect(matchesAll([], labels)).toBe(false);
    expect(badRegex([{ label: 'check', value: '(', regex: true }])).toMatch(/^check: /);
    expect(badRegex([{ label: 'check', value: '(', regex: false }])).toBeUndefined();
  });

  it('opens one-off and cron windows in their time zone', () => {
    const oneOff = { startsAt: at(0), endsAt: at(600), cron: null, durationMinutes: null, timezone: 'UTC' };
    expect(windowActive(oneOff, at(10))).toBe(true);
    expect(windowActive(oneOff, at(600))).toBe(false);
    // Every day at 13:00 Paris (12:00 UTC in winter) for 30 minutes.
    const nightly = { startsAt: null, endsAt: null, cron: '0 13 * * *', durationMinutes: 30, timezone: 'Europe/Paris' };
    expect(windowActive(nightly, at(0))).toBe(true);
    expect(windowActive(nightly, at(29 * 60))).toBe(true);
    expect(windowActive(nightly, at(31 * 60))).toBe(false);
    expect(windowActive(nightly, at(-60))).toBe(false);
    expect(badCron('0 13 * *', 'UTC')).toMatch(/5-field/);
    expect(badCron('61 13 * * *', 'UTC')).toBeDefined();
    expect(badCron('0 13 * * *', 'Europe/Paris')).toBeUndefined();
  });

  it('groups by the group_by labels', () => {
    const rule = { id: 'r1', name: 'disk', forSeconds: 0, groupBy: ['host'] };
    const a = groupKeyOf(rule, { host: 'a', mount: 'hls' });
    expect(groupKeyOf(rule, { host: 'a', mount: 'data' }).key).toBe(a.key);
    expect(groupKeyOf(rule, { host: 'b', mount: 'hls' }).key).not.toBe(a.key);
    expect(a.labels).toEqual({ alertname: 'disk', host: 'a' });
    expect(groupKeyOf({ ...rule, groupBy: [] }, { host: 'b' }).key).toBe(groupKeyOf({ ...rule, groupBy: [] }, { host: 'a' }).key);
  });
});
