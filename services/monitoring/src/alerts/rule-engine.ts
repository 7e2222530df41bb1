import { createHash } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';

/**
 * The alert rule engine's pure parts: one evaluation step of a series (threshold held `for`, firing,
 * resolving, flap detection), label matchers for silences and maintenance windows, and group keys.
 */

export interface RuleSpec {
  id: string;
  name: string;
  forSeconds: number;
  groupBy: string[];
}

/** One series a rule's source produced this evaluation: its labels and whether the condition holds. */
export interface Series {
  fingerprint: string;
  labels: Record<string, string>;
  value: number | null;
  active: boolean;
  message: string;
}

export interface SeriesState {
  pendingSince: Date | null;
  firing: boolean;
  /** 1 firing / 0 not, one per evaluation, the last FLAP_WINDOW. */
  flapHistory: number[];
  flapping: boolean;
}

export const FLAP_WINDOW = 20;
export const FLAP_START = 0.5;
export const FLAP_STOP = 0.25;

export type SeriesEvent = 'fire' | 'resolve' | null;
export type FlapEvent = 'flapping' | 'stable' | null;

export interface SeriesStep {
  next: SeriesState;
  event: SeriesEvent;
  flap: FlapEvent;
}

export const emptySeriesState = (): SeriesState => ({ pendingSince: null, firing: false, flapHistory: [], flapping: false });

/** State changes in the window over the most a full window can hold (19 between 20 evaluations). */
export function flapRatio(history: number[]): number {
  let changes = 0;
  for (let index = 1; index < history.length; index += 1) if (history[index] !== history[index - 1]) changes += 1;
  return changes / (FLAP_WINDOW - 1);
}

/**
 * One evaluation of one series. Active for `forSeconds` (pending since the first active evaluation) fires;
 * inactive resolves a firing series at once (and clears a pending one: nothing was sent). Flapping: once
 * more than half of the last 20 evaluations changed state the series is `flapping` (one notice), until fewer
 * than a quarter do (one notice of the current state); the caller holds fire/resolve notices meanwhile.
 */
export function stepSeries(previous: SeriesState, active: boolean, rule: Pick<RuleSpec, 'forSeconds'>, now: Date): SeriesStep {
  let pendingSince = previous.pendingSince;
  let firing = previous.firing;
  let event: SeriesEvent = null;
  if (active) {
    pendingSince ??= now;
    if (!firing && now.getTime() - pendingSince.getTime() >= rule.forSeconds * 1000) {
      firing = true;
      event = 'fire';
    }
  } else {
    pendingSince = null;
    if (firing) {
      firing = false;
      event = 'resolve';
    }
  }
  const flapHistory = [...previous.flapHistory, firing ? 1 : 0].slice(-FLAP_WINDOW);
  const ratio = flapRatio(flapHistory);
  let flapping = previous.flapping;
  let flap: FlapEvent = null;
  if (!flapping && ratio > FLAP_START) {
    flapping = true;
    flap = 'flapping';
  } else if (flapping && ratio < FLAP_STOP) {
    flapping = false;
    flap = 'stable';
  }
  return { next: { pendingSince, firing, flapHistory, flapping }, event, flap };
}

export interface Matcher {
  label: string;
  value: string;
  regex?: boolean;
}

/** Every matcher holds (a regex matches the whole value); no matchers match nothing. */
export function matchesAll(matchers: Matcher[], labels: Record<string, string>): boolean {
  if (matchers.length === 0) return false;
  return matchers.every((matcher) => {
    const value = labels[matcher.label] ?? '';
    return matcher.regex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  });
}

/** A regex matcher that does not compile: its error message, else undefined. */
export function badRegex(matchers: Matcher[]): string | undefined {
  for (const matcher of matchers) {
    if (!matcher.regex) continue;
    try {
      new RegExp(matcher.value);
    } catch (error) {
      return `${matcher.label}: ${(error as Error).message}`;
    }
  }
  return undefined;
}

export interface WindowSpec {
  startsAt: Date | null;
  endsAt: Date | null;
  cron: string | null;
  durationMinutes: number | null;
  timezone: string;
}

/** Is a maintenance window open now: one-off between its dates, or within `durationMinutes` of its cron's last firing. */
export function windowActive(window: WindowSpec, now: Date): boolean {
  if (window.cron && window.durationMinutes) {
    if (window.startsAt && now < window.startsAt) return false;
    if (window.endsAt && now >= window.endsAt) return false;
    // The last firing at or before now (prev() is strictly before its currentDate).
    const expression = CronExpressionParser.parse(window.cron, { currentDate: new Date(now.getTime() + 1), tz: window.timezone });
    const last = expression.prev().toDate();
    return now.getTime() - last.getTime() < window.durationMinutes * 60_000;
  }
  return window.startsAt !== null && window.endsAt !== null && now >= window.startsAt && now < window.endsAt;
}

/** A 5-field cron in an IANA zone that does not parse: its error message, else undefined. */
export function badCron(cron: string, timezone: string): string | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return 'a 5-field cron expression (minute hour day month weekday)';
  try {
    CronExpressionParser.parse(cron, { tz: timezone });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A group: the rule plus the values of its group_by labels (`...` groups every label: one group per series). */
export function groupKeyOf(rule: RuleSpec, labels: Record<string, string>): { key: string; labels: Record<string, string> } {
  const names = rule.groupBy.includes('...') ? Object.keys(labels).sort() : [...rule.groupBy].sort();
  const groupLabels = Object.fromEntries(names.map((name) => [name, labels[name] ?? '']));
  const digest = createHash('sha256').update(JSON.stringify(groupLabels)).digest('hex').slice(0, 16);
  return { key: `${rule.id}:${digest}`, labels: { alertname: rule.name, ...groupLabels } };
}

/** A series' fingerprint: the rule and its labels. */
export const fingerprintOf = (ruleId: string, labels: Record<string, string>) =>
  createHash('sha256')
    .update(`${ruleId}\n${JSON.stringify(Object.fromEntries(Object.entries(labels).sort()))}`)
    .digest('hex')
    .slice(0, 32);

/** Whether labels are held (not delivered) now by any silence in force or open maintenance window. */
export function holdMatcher(
  silences: Array<{ matchers: unknown }>,
  windows: Array<WindowSpec & { matchers: unknown }>,
  now: Date,
): (labels: Record<string, string>) => boolean {
  const sets = [...silences, ...windows.filter((window) => windowActive(window, now))].map((held) => held.matchers as Matcher[]);
  return (labels) => sets.some((set) => matchesAll(set, labels));
}
