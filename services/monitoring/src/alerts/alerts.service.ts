import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type CreateReceiver,
  type CreateRule,
  type ReceiverConfig,
  type TestReceiverSchema,
  type UpdateReceiverRequestSchema,
  ErrorCodes,
  fieldProblem,
  type ReceiverView,
  type RuleView,
  SOURCE_LABELS,
} from '@castline/contracts';
import type { Alert, AlertReceiver, AlertRule, MaintenanceWindow, Prisma, Silence } from '@castline/db';
import { AppError, PrismaService, resealStale, SecretBox } from '@castline/platform';
import type { z } from 'zod';
import type { AckAlertSchema, CreateMaintenanceWindowSchema, CreateSilenceSchema, ListAlertsSchema, UpdateRuleRequestSchema } from '@castline/contracts';
import { GuardedHttp, TargetForbiddenError } from '../checks/guarded-http';
import { AlertsRepository } from './alerts.repository';
import { ReceiverSender } from './receiver-sender';
import { badCron, badRegex, holdMatcher, windowActive } from './rule-engine';

export const receiverAad = (id: string) => `alert_receivers:${id}:config`;
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Receivers, rules, alerts (list, ack), silences and maintenance windows: the operator's side of alerting. */
@Injectable()
export class AlertsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly prisma: PrismaService,
    private readonly http: GuardedHttp,
    private readonly box: SecretBox,
    private readonly sender: ReceiverSender,
  ) {}

  /** Receiver configs sealed before a key rotation are sealed again with the current key, so the old key can go. */
  async onApplicationBootstrap(): Promise<void> {
    const rows = (await this.alerts.sealedReceiverConfigs()).map((row) => ({ id: row.id, sealed: row.config }));
    await resealStale(this.box, rows, {
      aad: (row) => receiverAad(row.id),
      write: (row, next) => this.alerts.replaceReceiverConfig(row.id, row.sealed, next),
      logger: this.logger,
      what: 'alert_receivers.config',
    });
  }

  // ---- receivers ----

  async listReceivers(): Promise<{ items: ReceiverView[] }> {
    return { items: (await this.alerts.receivers()).map((receiver) => this.toReceiverView(receiver)) };
  }

  async createReceiver(body: CreateReceiver): Promise<ReceiverView> {
    if (await this.alerts.receiverNameTaken(body.name)) throw AppError.conflict(`a receiver named "${body.name}" exists`, fieldProblem('name', 'already taken'));
    await this.assertTarget(body);
    const id = randomUUID();
    const receiver = await this.alerts.createReceiver(id, { name: body.name, kind: body.kind, enabled: body.enabled, config: this.box.seal(JSON.stringify(body.config), receiverAad(id)) });
    return this.toReceiverView(receiver);
  }

  async updateReceiver({ id, changes }: z.infer<typeof UpdateReceiverRequestSchema>): Promise<ReceiverView> {
    const current = await this.alerts.receiver(id);
    if (!current) throw AppError.notFound('Receiver');
    if (changes.name !== undefined && changes.name !== current.name && (await this.alerts.receiverNameTaken(changes.name))) {
      throw AppError.conflict(`a receiver named "${changes.name}" exists`, fieldProblem('name', 'already taken'));
    }
    if (changes.receiver) await this.assertTarget(changes.receiver);
    const updated = await this.alerts.updateReceiver(id, {
      name: changes.name,
      enabled: changes.enabled,
      ...(changes.receiver ? { kind: changes.receiver.kind, config: this.box.seal(JSON.stringify(changes.receiver.config), receiverAad(id)) } : {}),
    });
    return this.toReceiverView(updated);
  }

  /** 409 while notifications to it are still being delivered (deleting would drop them). */
  async deleteReceiver(id: string): Promise<{ deleted: true }> {
    if (!(await this.alerts.receiver(id))) throw AppError.notFound('Receiver');
    const pending = await this.alerts.pendingDeliveries(id);
    if (pending > 0) throw AppError.conflict(`the receiver has ${pending} notification(s) still being delivered; disable it, or delete it once they are done`);
    await this.alerts.deleteReceiver(id);
    return { deleted: true };
  }

  /** "Send test": a test notification to a saved or an unsaved receiver, now, and what it answered. */
  async testReceiver(body: z.infer<typeof TestReceiverSchema>) {
    let kind: string;
    let config: unknown;
    if (body.id) {
      const receiver = await this.alerts.receiver(body.id);
      if (!receiver) throw AppError.notFound('Receiver');
      kind = receiver.kind;
      config = this.openConfig(receiver);
    } else {
      await this.assertTarget(body.receiver!);
      kind = body.receiver!.kind;
      config = body.receiver!.config;
    }
    const now = new Date().toISOString();
    const result = await this.sender.send(kind, config, {
      idempotencyKey: `test-${randomUUID()}`,
      transition: 'firing',
      group: { key: 'test', labels: { alertname: 'Castline test' } },
      alerts: [{ id: 'test', rule: 'test', fingerprint: 'test', severity: 'info', message: 'This is a test notification from Castline', labels: { alertname: 'Castline test' }, value: null, status: 'firing', startsAt: now, endsAt: null }],
    });
    return { ok: result.ok, statusCode: result.statusCode, reply: result.reply, latencyMs: result.latencyMs, error: result.error };
  }

  /** 400 TARGET_FORBIDDEN when the SSRF guard refuses the receiver's URL host or SMTP host. */
  private async assertTarget(receiver: ReceiverConfig): Promise<void> {
    try {
      if (receiver.kind === 'email') await this.http.approveHost(receiver.config.host, 'smtp');
      else await this.http.approve(new URL(receiver.config.url));
    } catch (error) {
      if (error instanceof TargetForbiddenError) {
        const path = receiver.kind === 'email' ? 'config.host' : 'config.url';
        throw new AppError(ErrorCodes.targetForbidden, `${path}: ${error.message}`, HttpStatus.BAD_REQUEST, fieldProblem(path, error.message));
      }
      throw error;
    }
  }

  async deliveries(receiverId: string, limit: number) {
    if (!(await this.alerts.receiver(receiverId))) throw AppError.notFound('Receiver');
    const rows = await this.alerts.deliveries(receiverId, limit);
    return {
      items: rows.map((row) => ({
        idempotencyKey: row.idempotencyKey,
        alertId: row.alertId,
        message: row.alert?.message ?? row.transition,
        transition: row.transition as 'firing' | 'resolved' | 'flapping' | 'stable',
        alerts: ((row.payload as { alerts?: unknown[] }).alerts ?? []).length,
        createdAt: row.createdAt.toISOString(),
        deliveredAt: iso(row.deliveredAt),
        failedAt: iso(row.failedAt),
        attempts: row.tries.map((attempt) => ({
          at: attempt.at.toISOString(),
          outcome: attempt.outcome as 'delivered' | 'retrying' | 'failed',
          statusCode: attempt.statusCode,
          reply: attempt.reply,
          latencyMs: attempt.latencyMs,
          error: attempt.error,
        })),
      })),
    };
  }

  /** The receiver's settings, opened (only the delivery worker and views need them). */
  openConfig(receiver: AlertReceiver): unknown {
    return JSON.parse(this.box.open(receiver.config, receiverAad(receiver.id)));
  }

  private toReceiverView(receiver: AlertReceiver): ReceiverView {
    const config = this.openConfig(receiver) as { url?: string; secret?: string; host?: string; port?: number };
    return {
      id: receiver.id,
      name: receiver.name,
      kind: receiver.kind as ReceiverView['kind'],
      enabled: receiver.enabled,
      targetHost: config.url ? new URL(config.url).host : `${config.host}:${config.port}`,
      signed: Boolean(config.secret),
      createdAt: receiver.createdAt.toISOString(),
    };
  }

  // ---- rules ----

  async listRules(): Promise<{ items: RuleView[] }> {
    return { items: (await this.prisma.alertRule.findMany({ orderBy: [{ builtin: 'desc' }, { name: 'asc' }] })).map(toRuleView) };
  }

  async createRule(body: CreateRule): Promise<RuleView> {
    const known = new Set(['alertname', 'severity', ...SOURCE_LABELS[body.source], ...Object.keys(body.labels)]);
    // Alertmanager alerts carry whatever labels Prometheus gave them: any may be grouped by.
    const unknown = body.source === 'alertmanager' ? [] : body.groupBy.filter((label) => label !== '...' && !known.has(label));
    const regex = body.source === 'alertmanager' ? badRegex(body.params.matchers) : undefined;
    if (regex) throw AppError.badRequest(`params.matchers: ${regex}`, fieldProblem('params.matchers', regex));
    if (unknown.length > 0) throw AppError.badRequest(`groupBy: unknown label ${unknown.join(', ')}`, fieldProblem('groupBy', `unknown label ${unknown.join(', ')}; known: ${[...known].join(', ')}`));
    if ((await this.prisma.alertRule.count({ where: { name: body.name } })) > 0) throw AppError.conflict(`a rule named "${body.name}" exists`, fieldProblem('name', 'already taken'));
    const rule = await this.prisma.alertRule.create({
      data: {
        name: body.name,
        source: body.source,
        params: body.params as Prisma.InputJsonValue,
        enabled: body.enabled,
        forSeconds: body.forSeconds,
        severity: body.severity,
        labels: body.labels,
        groupBy: body.groupBy,
        groupWaitSeconds: body.groupWaitSeconds,
        groupIntervalSeconds: body.groupIntervalSeconds,
        repeatIntervalSeconds: body.repeatIntervalSeconds,
        sendResolved: body.sendResolved,
      },
    });
    return toRuleView(rule);
  }

  async updateRule({ id, changes }: z.infer<typeof UpdateRuleRequestSchema>): Promise<RuleView> {
    if (!(await this.prisma.alertRule.findUnique({ where: { id } }))) throw AppError.notFound('Rule');
    return toRuleView(await this.prisma.alertRule.update({ where: { id }, data: changes }));
  }

  async deleteRule(id: string): Promise<{ deleted: true }> {
    const rule = await this.prisma.alertRule.findUnique({ where: { id } });
    if (!rule) throw AppError.notFound('Rule');
    if (rule.builtin) throw AppError.conflict('a seeded rule can be disabled, not deleted');
    // Its open alerts end with it (nothing would ever resolve them): a receiver told of one gets the resolution
    // with the next evaluation, as for any resolved alert.
    await this.prisma.$transaction([
      this.prisma.alert.updateMany({ where: { ruleId: id, isResolved: false }, data: { isResolved: true, resolvedAt: new Date() } }),
      this.prisma.alertRule.delete({ where: { id } }),
    ]);
    return { deleted: true };
  }

  // ---- alerts ----

  async listAlerts({ state, limit }: z.infer<typeof ListAlertsSchema>) {
    const where: Prisma.AlertWhereInput = state === 'all' ? {} : { isResolved: state === 'resolved' };
    const [alerts, held] = await Promise.all([this.prisma.alert.findMany({ where, orderBy: { createdAt: 'desc' }, take: limit }), this.holdTest(new Date())]);
    return { items: alerts.map((alert) => toAlertView(alert, held(alert.labels as Record<string, string>))) };
  }

  /** Ack stops repeats of an open alert (its resolution is still sent). */
  async ack({ id, by }: z.infer<typeof AckAlertSchema>) {
    const alert = await this.prisma.alert.findUnique({ where: { id } });
    if (!alert) throw AppError.notFound('Alert');
    const updated = alert.acknowledgedAt ? alert : await this.prisma.alert.update({ where: { id }, data: { acknowledgedAt: new Date(), acknowledgedBy: by ?? null } });
    return toAlertView(updated, (await this.holdTest(new Date()))(updated.labels as Record<string, string>));
  }

  // ---- silences and maintenance windows ----

  async listSilences() {
    const now = new Date();
    return { items: (await this.prisma.silence.findMany({ where: { endsAt: { gt: new Date(now.getTime() - 86_400_000) } }, orderBy: { startsAt: 'desc' } })).map((silence) => toSilenceView(silence, now)) };
  }

  async createSilence(body: z.infer<typeof CreateSilenceSchema>) {
    const regex = badRegex(body.matchers);
    if (regex) throw AppError.badRequest(`matchers: bad regex (${regex})`, fieldProblem('matchers', `bad regex: ${regex}`));
    const silence = await this.prisma.silence.create({
      data: { matchers: body.matchers, startsAt: body.startsAt ? new Date(body.startsAt) : new Date(), endsAt: new Date(body.endsAt), comment: body.comment, createdBy: body.createdBy ?? null },
    });
    return toSilenceView(silence, new Date());
  }

  async deleteSilence(id: string) {
    const deleted = await this.prisma.silence.deleteMany({ where: { id } });
    if (deleted.count === 0) throw AppError.notFound('Silence');
    return { deleted: true as const };
  }

  async listWindows() {
    const now = new Date();
    return { items: (await this.prisma.maintenanceWindow.findMany({ orderBy: { createdAt: 'desc' } })).map((window) => toWindowView(window, now)) };
  }

  async createWindow(body: z.infer<typeof CreateMaintenanceWindowSchema>) {
    const regex = badRegex(body.matchers);
    if (regex) throw AppError.badRequest(`matchers: bad regex (${regex})`, fieldProblem('matchers', `bad regex: ${regex}`));
    if (!Intl.supportedValuesOf('timeZone').includes(body.timezone) && body.timezone !== 'UTC') throw AppError.badRequest('timezone: not an IANA time zone', fieldProblem('timezone', 'not an IANA time zone'));
    if (body.cron) {
      const problem = badCron(body.cron, body.timezone);
      if (problem) throw AppError.badRequest(`cron: ${problem}`, fieldProblem('cron', problem));
    }
    const window = await this.prisma.maintenanceWindow.create({
      data: {
        name: body.name,
        matchers: body.matchers,
        startsAt: body.startsAt ? new Date(body.startsAt) : null,
        endsAt: body.endsAt ? new Date(body.endsAt) : null,
        cron: body.cron ?? null,
        durationMinutes: body.durationMinutes ?? null,
        timezone: body.timezone,
      },
    });
    return toWindowView(window, new Date());
  }

  async deleteWindow(id: string) {
    const deleted = await this.prisma.maintenanceWindow.deleteMany({ where: { id } });
    if (deleted.count === 0) throw AppError.notFound('Maintenance window');
    return { deleted: true as const };
  }

  private async holdTest(now: Date): Promise<(labels: Record<string, string>) => boolean> {
    const [silences, windows] = await Promise.all([
      this.prisma.silence.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } }),
      this.prisma.maintenanceWindow.findMany(),
    ]);
    return holdMatcher(silences, windows, now);
  }
}

function toRuleView(rule: AlertRule): RuleView {
  return {
    id: rule.id,
    name: rule.name,
    source: rule.source as RuleView['source'],
    params: rule.params as Record<string, unknown>,
    enabled: rule.enabled,
    builtin: rule.builtin,
    forSeconds: rule.forSeconds,
    severity: rule.severity as RuleView['severity'],
    labels: rule.labels as Record<string, string>,
    groupBy: rule.groupBy,
    groupWaitSeconds: rule.groupWaitSeconds,
    groupIntervalSeconds: rule.groupIntervalSeconds,
    repeatIntervalSeconds: rule.repeatIntervalSeconds,
    sendResolved: rule.sendResolved,
  };
}

function toAlertView(alert: Alert, silenced: boolean) {
  return {
    id: alert.id,
    rule: alert.rule,
    fingerprint: alert.fingerprint,
    alertType: alert.alertType,
    severity: alert.severity,
    message: alert.message,
    labels: alert.labels as Record<string, string>,
    metricValue: alert.metricValue,
    isResolved: alert.isResolved,
    createdAt: alert.createdAt.toISOString(),
    resolvedAt: iso(alert.resolvedAt),
    notifiedAt: iso(alert.notifiedAt),
    acknowledgedAt: iso(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy,
    silenced,
  };
}

function toSilenceView(silence: Silence, now: Date) {
  return {
    id: silence.id,
    matchers: silence.matchers as unknown as Array<{ label: string; value: string; regex: boolean }>,
    startsAt: silence.startsAt.toISOString(),
    endsAt: silence.endsAt.toISOString(),
    comment: silence.comment,
    createdBy: silence.createdBy,
    active: silence.startsAt <= now && silence.endsAt > now,
  };
}

function toWindowView(window: MaintenanceWindow, now: Date) {
  return {
    id: window.id,
    name: window.name,
    matchers: window.matchers as unknown as Array<{ label: string; value: string; regex: boolean }>,
    startsAt: iso(window.startsAt),
    endsAt: iso(window.endsAt),
    cron: window.cron,
    durationMinutes: window.durationMinutes,
    timezone: window.timezone,
    active: windowActive(window, now),
  };
}
