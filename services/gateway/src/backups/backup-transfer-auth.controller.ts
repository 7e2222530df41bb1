import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ErrorCodes } from '@castline/contracts';
import {
  AppError,
  backupTransferKey,
  type BackupTransferScope,
  CONFIG,
  OneTimeTickets,
  PRINCIPAL_HEADER,
  Public,
  REDIS,
  signUploadPrincipal,
  UPLOAD_PRINCIPAL_TTL_SECONDS,
  ZodValidationPipe,
} from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import { type Principal, principalLabel } from '../auth/principal';
import type { GatewayConfig } from '../config';

/** How long a download ticket may wait for its one use. */
export const DOWNLOAD_TICKET_TTL_SECONDS = 60;
/** Header in which nginx hands the gateway a ticket from the download's ?ticket= (routes.conf). */
export const DOWNLOAD_TICKET_HEADER = 'x-castline-download-ticket';

const downloadTickets = (redis: Redis) => new OneTimeTickets<TicketHolder>(redis, 'backups:download-ticket', DOWNLOAD_TICKET_TTL_SECONDS * 1000);
const idPipe = new ZodValidationPipe(z.uuid());

interface TicketHolder {
  backupId: string;
  sub: string;
  label: string;
}

const principalOf = (principal: Principal) => ({ sub: `${principal.kind}:${principal.id}`, label: principalLabel(principal) });

/**
 * nginx's auth_request for backup downloads (`GET /api/v1/backups/<id>/download`, backups:read) and imports
 * (`POST /api/v1/backups/import`, backups:restore): the same guard as any route, no body. The 204 carries
 * X-Castline-Principal signed with BACKUP_TRANSFER_SECRET for that scope only; nginx forwards it to the backup
 * service (dropping any copy the client sent), so the archive bytes never pass through the gateway.
 */
@ApiTags('backups')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('backups/transfer-auth')
export class BackupTransferAuthController {
  private readonly tickets: OneTimeTickets<TicketHolder>;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(REDIS) redis: Redis,
  ) {
    this.tickets = downloadTickets(redis);
  }

  @Get('download')
  @HttpCode(204)
  @RequirePermission('backups:read')
  @Audit('backups.download', 'backup')
  @ApiOperation({ summary: 'Authorise one backup download (called by nginx auth_request; 204 with X-Castline-Principal)' })
  download(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.sign('download', principalOf(principal), reply);
  }

  /**
   * The same check for a browser's download link, which cannot carry the bearer: the ticket (from POST
   * /backups/:id/download-ticket) opens the download of that one backup, once, within a minute.
   */
  @Get('download-ticket')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Authorise one backup download by its one-time ticket (called by nginx auth_request)' })
  async downloadByTicket(
    @Headers(DOWNLOAD_TICKET_HEADER) ticket: string | undefined,
    @Headers('x-original-uri') originalUri: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const backupId = /^\/api\/v1\/backups\/([0-9a-f-]{36})\/download(?:\?|$)/.exec(originalUri ?? '')?.[1];
    const holder = backupId ? await this.tickets.redeem(ticket) : null;
    if (!holder || holder.backupId !== backupId) {
      throw AppError.unauthenticated('The download ticket is unknown, used, expired or for another backup', ErrorCodes.tokenInvalid);
    }
    this.sign('download', holder, reply);
  }

  @Get('import')
  @HttpCode(204)
  @RequirePermission('backups:restore')
  @Audit('backups.import', 'backup')
  @ApiOperation({ summary: 'Authorise one backup import (called by nginx auth_request; 204 with X-Castline-Principal)' })
  import(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.sign('import', principalOf(principal), reply);
  }

  private sign(scope: BackupTransferScope, who: { sub: string; label: string }, reply: FastifyReply): void {
    const header = signUploadPrincipal(backupTransferKey(this.config.BACKUP_TRANSFER_SECRET, scope), {
      ...who,
      exp: Math.floor(Date.now() / 1000) + UPLOAD_PRINCIPAL_TTL_SECONDS,
    });
    void reply.header(PRINCIPAL_HEADER, header);
  }
}

/**
 * POST /api/v1/backups/:id/download-ticket: a one-time, one-minute ticket for a browser download link
 * (`<a href>` sends cookies, not the bearer the dashboard holds): a OneTimeTickets ticket holding who asked,
 * consumed by the first download, so a URL that leaks into history or a proxy log is already spent.
 */
@ApiTags('backups')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('backups')
export class BackupDownloadTicketController {
  private readonly tickets: OneTimeTickets<TicketHolder>;

  constructor(@Inject(REDIS) redis: Redis) {
    this.tickets = downloadTickets(redis);
  }

  @Post(':id/download-ticket')
  @RequirePermission('backups:read')
  @Audit('backups.download', 'backup')
  @ApiOperation({ summary: 'A one-time download link for a browser (GET /backups/:id/download?ticket=…, valid 60 s)' })
  async create(@Param('id') rawId: unknown, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<{ url: string; expiresAt: string }> {
    const backupId = idPipe.transform(rawId) as string;
    const ticket = await this.tickets.issue({ backupId, ...principalOf(principal) });
    request.audit = { ...request.audit, targetId: backupId };
    return { url: `/api/v1/backups/${backupId}/download?ticket=${ticket}`, expiresAt: new Date(Date.now() + DOWNLOAD_TICKET_TTL_SECONDS * 1000).toISOString() };
  }
}
