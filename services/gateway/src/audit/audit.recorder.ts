import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalLabel } from '../auth/principal';
import { AuditRepository } from './audit.repository';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes one audit row for every mutating API request once its response is sent, including the ones a guard
 * refused (401/403/429), which an interceptor would never see. The write happens after the reply, off the
 * request's critical path.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit {
  private readonly logger = new Logger(AuditRecorder.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditRepository,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      if (!MUTATING.has(request.method) || !request.url.startsWith('/api/')) return;
      await this.record(request, reply.statusCode).catch((error: unknown) =>
        this.logger.error({ err: error, requestId: request.id }, 'audit write failed'),
      );
    });
  }

  private record(request: FastifyRequest, statusCode: number): Promise<void> {
    const principal = request.principal;
    const audit = request.audit ?? {};
    const params = request.params as { id?: unknown } | undefined;
    const claimedEmail = (request.body as { email?: unknown } | undefined)?.email;
    return this.audit.record({
      actorType: principal?.kind ?? 'anonymous',
      actorId: principal?.id ?? null,
      actorLabel: principal ? principalLabel(principal) : typeof claimedEmail === 'string' ? claimedEmail.slice(0, 254) : null,
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
}
