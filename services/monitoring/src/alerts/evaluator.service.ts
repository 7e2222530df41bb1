import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Alert, AlertRule, AlertRuleState, DashboardNotification, Prisma } from '@castline/db';
import { CONFIG, REDIS } from '@castline/platform';
import type { Redis } from 'ioredis';
import type { MonitoringConfig } from '../config';
import { alertPayload, EvaluationRepository, type Tx } from './evaluation.repository';
import { NotificationsService } from './notifications.service';
import { OutboxDispatcher } from './outbox-dispatcher';
import { emptySeriesState, groupKeyOf, holdMatcher, type Series, type SeriesState, type SeriesStep, stepSeries } from './rule-engine';
import { AlertSources, seriesFor } from './rule-sources';
import { SEEDED_RULES } from './seeded-rules';

const TAKE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
export const EVALUATOR_LEASE_KEY = 'alert-evaluator';
const NUDGE_MS = 200;

interface Stepped {
  rule: AlertRule;
  series: Series;
  state: AlertRuleState | undefined;
  step: SeriesStep;
}

export interface EvaluationResult {
  rules: number;
  series: number;
  changed: number;
  notifications: number;
}

const sameState = (state: AlertRuleState | undefined, next: SeriesState) =>
  state !== undefined &&
  state.firing === next.firing &&
  state.flapping === next.flapping &&
  (state.pendingSince?.getTime() ?? null) === (next.pendingSince?.getTime() ?? null) &&
  state.flapHistory.join() === next.flapHistory.join();

/**
 * The one alert evaluator: every ALERTS_EVAL_INTERVAL_MS (15 s) the instance holding the Redis lease reads each
 * source once, steps every rule's series, and in one transaction writes the changed rule states, the alerts
 * they fire or resolve, and the outbox rows of every group notification that is due (group_wait,
 * group_interval, repeat_interval; silences and maintenance windows hold delivery). Then the dispatcher queues them.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertEvaluator.name);
  private readonly token = randomUUID();
  private timer?: NodeJS.Timeout;
  private nudged?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(CONFIG) private readonly config: MonitoringConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly repository: EvaluationRepository,
    private readonly sources: AlertSources,
    private readonly dispatcher: OutboxDispatcher,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.prisma.alertRule.createMany({ data: SEEDED_RULES, skipDuplicates: true });
    if (this.config.ALERTS_EVAL_INTERVAL_MS > 0) {
      this.timer = setInterval(() => {
        if (this.running) return;
        this.running = this.tickIfLeader(new Date())
          .catch((error: unknown) => this.logger.warn(`alert evaluation failed: ${(error as Error).message}`))
          .finally(() => (this.running = undefined));
      }, this.config.ALERTS_EVAL_INTERVAL_MS);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.nudged);
    await this.running;
  }

  /**
   * Evaluates soon (within NUDGE_MS) instead of at the next tick, when something urgent arrived (a channel
   * gave up): only on the lease holder, and never two evaluations at once.
   */
  nudge(): void {
    if (this.config.ALERTS_EVAL_INTERVAL_MS === 0 || this.nudged) return;
    this.nudged = setTimeout(() => {
      this.nudged = undefined;
      if (this.running) {
        this.nudge();
        return;
      }
      this.running = this.tickIfLeader(new Date())
        .catch((error: unknown) => this.logger.warn(`alert evaluation failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, NUDGE_MS);
  }

  /** Takes or renews the lease; evaluates only while holding it. */
  async tickIfLeader(now: Date): Promise<EvaluationResult | null> {
    const ttl = Math.max(3 * this.config.ALERTS_EVAL_INTERVAL_MS, 10_000);
    const held = (await this.redis.eval(TAKE, 1, EVALUATOR_LEASE_KEY, this.token, String(ttl))) === 1;
    return held ? this.evaluate(now) : null;
  }

  async evaluate(now: Date): Promise<EvaluationResult> {
    const rules = await this.repository.rules();
    const [snapshot, states, silences, windows] = await Promise.all([
      this.sources.read(now, new Set(rules.map((rule) => rule.source))),
      this.repository.states(),
      this.repository.silences(now),
      this.repository.windows(),
    ]);
    const statesByRule = new Map<string, Map<string, AlertRuleState>>();
    for (const state of states) {
      const byFingerprint = statesByRule.get(state.ruleId) ?? new Map<string, AlertRuleState>();
      byFingerprint.set(state.fingerprint, state);
      statesByRule.set(state.ruleId, byFingerprint);
    }
    const changed: Stepped[] = [];
    let seriesCount = 0;
    for (const rule of rules) {
      const known = statesByRule.get(rule.id) ?? new Map<string, AlertRuleState>();
      const seen = new Set<string>();
      const series = seriesFor({ id: rule.id, source: rule.source, params: rule.params as Record<string, unknown>, labels: rule.labels as Record<string, string> }, snapshot, now.getTime());
      const vanished = [...known.values()]
        .filter((state) => !series.some((s) => s.fingerprint === state.fingerprint))
        .map((state): Series => ({ fingerprint: state.fingerprint, labels: state.labels as Record<string, string>, value: null, active: false, message: '' }));
      for (const one of [...series, ...vanished]) {
        if (seen.has(one.fingerprint)) continue;
        seen.add(one.fingerprint);
        seriesCount += 1;
        const state = known.get(one.fingerprint);
        if (!state && !one.active) continue;
        const previous: SeriesState = state ? { pendingSince: state.pendingSince, firing: state.firing, flapHistory: state.flapHistory, flapping: state.flapping } : emptySeriesState();
        const step = stepSeries(previous, one.active, rule, now);
        if (!sameState(state, step.next)) changed.push({ rule, series: one, state, step });
      }
    }
    const rulesById = new Map(rules.map((rule) => [rule.id, rule]));
    const held = holdMatcher(silences, windows, now);
    const bell: DashboardNotification[] = [];
    const notifications = await this.repository.transaction(async (tx) => {
      bell.length = 0;
      for (const item of changed) await this.apply(tx, item, now, bell);
      return this.flushGroups(tx, rulesById, held, now, bell);
    });
    this.notifications.announce(bell);
    if (notifications > 0) await this.dispatcher.flush();
    return { rules: rules.length, series: seriesCount, changed: changed.length, notifications };
  }

  private async apply(tx: Tx, { rule, series, state, step }: Stepped, now: Date, bell: DashboardNotification[]): Promise<void> {
    const fingerprint = series.fingerprint;
    let alertId = state?.alertId ?? null;
    if (step.event === 'fire') {
      const group = groupKeyOf(rule, series.labels);
      const alert = await this.repository.createAlert(tx, {
        rule: rule.name,
        ruleId: rule.id,
        fingerprint,
        alertType: rule.source,
        severity: rule.severity,
        message: series.message,
        labels: { alertname: rule.name, severity: rule.severity, ...series.labels },
        metricValue: series.value,
        groupKey: group.key,
        suppressed: step.next.flapping,
        createdAt: now,
      });
      alertId = alert.id;
    } else if (step.event === 'resolve' && alertId) {
      await this.repository.updateAlerts(tx, [alertId], { isResolved: true, resolvedAt: now });
    }
    if (step.flap === 'flapping') {
      // Quiet from now on: open alerts of the series are suppressed, a pending resolution is covered by this notice.
      await tx.alert.updateMany({ where: { fingerprint, isResolved: false }, data: { suppressed: true } });
      await tx.alert.updateMany({ where: { fingerprint, isResolved: true, resolvedNotifiedAt: null }, data: { suppressed: true, resolvedNotifiedAt: now } });
      await this.notice(tx, rule, series, 'flapping', alertId, now);
      bell.push(await this.notifications.create(tx, { kind: 'flapping', severity: rule.severity, title: `${rule.name} is flapping`, body: series.message, alertId, createdAt: now }));
    } else if (step.flap === 'stable') {
      const open = await tx.alert.findFirst({ where: { fingerprint, isResolved: false } });
      if (open) await tx.alert.update({ where: { id: open.id }, data: { suppressed: false, notifiedAt: open.notifiedAt ?? now } });
      await this.notice(tx, rule, series, 'stable', open?.id ?? alertId, now, open ?? undefined);
    }
    const empty = !step.next.firing && !step.next.flapping && step.next.pendingSince === null && !step.next.flapHistory.includes(1);
    if (empty) await this.repository.deleteState(tx, rule.id, fingerprint);
    else {
      await this.repository.saveState(tx, {
        ruleId: rule.id,
        fingerprint,
        labels: series.labels as Prisma.JsonValue,
        pendingSince: step.next.pendingSince,
        firing: step.next.firing,
        alertId: step.next.firing ? alertId : null,
        lastValue: series.value,
        flapHistory: step.next.flapHistory,
        flapping: step.next.flapping,
      });
    }
  }

  /** A one-off notice of a series that started or stopped flapping (not grouped, not repeated). */
  private async notice(tx: Tx, rule: AlertRule, series: Series, transition: 'flapping' | 'stable', alertId: string | null, now: Date, current?: Alert): Promise<void> {
    const group = groupKeyOf(rule, series.labels);
    const alerts = current ? [alertPayload(current)] : [];
    // A series flaps only after it fired, so it has an alert to point at.
    const latest = alertId ?? (await tx.alert.findFirst({ where: { fingerprint: series.fingerprint }, orderBy: { createdAt: 'desc' }, select: { id: true } }))?.id;
    if (!latest) return;
    await this.repository.enqueueNotification(tx, `${series.fingerprint}:${transition}`, now.toISOString(), { transition, group: { key: group.key, labels: { ...group.labels, ...series.labels } }, alerts }, latest);
  }

  /** Writes the outbox rows of every group notification due now; returns how many rows. */
  private async flushGroups(tx: Tx, rules: Map<string, AlertRule>, held: (labels: Record<string, string>) => boolean, now: Date, bell: DashboardNotification[]): Promise<number> {
    const candidates = await this.repository.candidates(tx);
    const byGroup = new Map<string, Alert[]>();
    for (const alert of candidates) byGroup.set(alert.groupKey, [...(byGroup.get(alert.groupKey) ?? []), alert]);
    const groups = new Map((await this.repository.groups(tx, [...byGroup.keys()])).map((group) => [group.key, group]));
    let rows = 0;
    const at = now.getTime();
    for (const [key, alerts] of byGroup) {
      const rule = rules.get(alerts[0]!.ruleId ?? '');
      const wait = (rule?.groupWaitSeconds ?? 0) * 1000;
      const interval = (rule?.groupIntervalSeconds ?? 300) * 1000;
      const repeat = (rule?.repeatIntervalSeconds ?? 14_400) * 1000;
      const visible = alerts.filter((alert) => !alert.suppressed && !held(alert.labels as Record<string, string>));
      const newFiring = visible.filter((alert) => !alert.isResolved && !alert.notifiedAt);
      let newResolved = visible.filter((alert) => alert.isResolved);
      if (rule && !rule.sendResolved && newResolved.length > 0) {
        await this.repository.updateAlerts(tx, newResolved.map((alert) => alert.id), { resolvedNotifiedAt: now });
        newResolved = [];
      }
      const last = groups.get(key)?.lastFlushAt?.getTime() ?? null;
      const openUnacked = visible.filter((alert) => !alert.isResolved && !alert.acknowledgedAt);
      let due: boolean;
      if (newFiring.length > 0 || newResolved.length > 0) {
        const since = Math.min(...[...newFiring, ...newResolved].map((alert) => (alert.resolvedAt ?? alert.createdAt).getTime()));
        due = last === null ? at - since >= wait : at - last >= interval;
      } else {
        due = openUnacked.length > 0 && last !== null && at - last >= repeat;
      }
      if (!due) continue;
      const firing = visible.filter((alert) => !alert.isResolved && (!alert.acknowledgedAt || !alert.notifiedAt));
      const content = [...firing, ...newResolved];
      if (content.length === 0) continue;
      const sample = alerts[0]!;
      const groupLabels = rule ? groupKeyOf(rule, sample.labels as Record<string, string>).labels : { alertname: sample.rule };
      const sequence = await this.repository.flushGroup(tx, key, sample.ruleId ?? sample.id, groupLabels, now);
      rows += await this.repository.enqueueNotification(
        tx,
        key,
        String(sequence),
        { transition: firing.length > 0 ? 'firing' : 'resolved', group: { key, labels: groupLabels }, alerts: content.map(alertPayload) },
        content[0]!.id,
      );
      if (newFiring.length > 0 || newResolved.length > 0) {
        const firingCount = firing.length;
        bell.push(
          await this.notifications.create(tx, {
            kind: 'alert',
            severity: sample.severity,
            title: firingCount > 0 ? `${groupLabels.alertname ?? sample.rule}: ${firingCount} firing` : `${groupLabels.alertname ?? sample.rule}: resolved`,
            body: content.slice(0, 10).map((alert) => `${alert.isResolved ? 'resolved: ' : ''}${alert.message}`).join('\n'),
            alertId: content[0]!.id,
            createdAt: now,
          }),
        );
      }
      await this.repository.updateAlerts(tx, newFiring.map((alert) => alert.id), { notifiedAt: now });
      await this.repository.updateAlerts(tx, newResolved.map((alert) => alert.id), { resolvedNotifiedAt: now });
    }
    return rows;
  }
}
