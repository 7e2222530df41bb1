import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CONFIG, REDIS } from '@castline/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { principalLabel } from '../auth/principal';
import type { GatewayConfig } from '../config';
import { AuditRepository } from './audit.repository';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Rows per minute for requests without a valid credential: per client address, and in all. */
const ANONYMOUS_PER_ADDRESS_PER_MINUTE = 10;
const ANONYMOUS_PER_MINUTE = 120;
const PRUNE_INTERVAL_MS = 3_600_000;

/**
 * Writes one audit row for every mutating API request once its response is sent, including the ones a guard
 * refused (401/403/429), which an interceptor would never see. The write happens after the reply, off the
 * request's critical path.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuditRecorder.name);
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) private readonly config: Pick<GatewayConfig, 'AUDIT_RETENTION_DAYS'>,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** Rows older than AUDIT_RETENTION_DAYS go, at start and every hour (every replica; deleting twice is harmless). */
  async prune(): Promise<number> {
    return this.audit.deleteOlderThan(new Date(Date.now() - this.config.AUDIT_RETENTION_DAYS * 86_400_000));
  }

  onModuleInit(): void {
    const prune = () => void this.prune().catch((error: unknown) => this.logger.error({ err: error }, 'audit retention failed'));
    prune();
    this.pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS).unref();
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      if (!MUTATING.has(request.method) || !request.url.startsWith('/api/')) return;
      await this.record(request, reply.statusCode).catch((error: unknown) =>
        this.logger.error({ err: error, requestId: request.id }, 'audit write failed'),
      );
    });
  }

  private async record(request: FastifyRequest, statusCode: number): Promise<void> {
    const principal = request.principal;
    const audit = request.audit ?? {};
    const params = request.params as { id?: unknown } | undefined;
    const actor = principal
      ? { type: principal.kind, id: principal.id, label: principalLabel(principal) }
      : audit.actor
        ? { type: 'user', id: audit.actor.id, label: audit.actor.label }
        : undefined;
    if (!actor && !(await this.admitAnonymous(request.ip))) return;
    await this.audit.record({
      actorType: actor?.type ?? 'anonymous',
      actorId: actor?.id ?? null,
      actorLabel: actor?.label ?? null,
      action: audit.action ?? `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      targetType: audit.targetType ?? null,
      targetId: audit.targetId ?? (typeof params?.id === 'string' ? params.id.slice(0, 64) : null),
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      statusCode,
      result: statusCode < 400 ? 'success' : 'failure',
      requestId: String(request.id),
    });
  }

  /**
   * Requests without a valid credential are recorded up to a rate (per address and in all, per minute), so
   * nobody can flood the table; the rest of the minute is counted, not written.
   */
  private async admitAnonymous(ip: string): Promise<boolean> {
    const minute = Math.floor(Date.now() / 60_000);
    const perAddress = `audit-anonymous:${minute}:${ip}`;
    const overall = `audit-anonymous:${minute}`;
    const results = await this.redis.multi().incr(perAddress).expire(perAddress, 120).incr(overall).expire(overall, 120).exec();
    const count = (index: number) => Number(results?.[index]?.[1] ?? 0);
    return count(0) <= ANONYMOUS_PER_ADDRESS_PER_MINUTE && count(2) <= ANONYMOUS_PER_MINUTE;
  }
}
