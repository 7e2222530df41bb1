import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { backupTransferKey, type BackupTransferScope, CONFIG, PRINCIPAL_HEADER, signUploadPrincipal, UPLOAD_PRINCIPAL_TTL_SECONDS } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import { type Principal, principalLabel } from '../auth/principal';
import type { GatewayConfig } from '../config';

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
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  @Get('download')
  @HttpCode(204)
  @RequirePermission('backups:read')
  @Audit('backups.download', 'backup')
  @ApiOperation({ summary: 'Authorise one backup download (called by nginx auth_request; 204 with X-Castline-Principal)' })
  download(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.sign('download', principal, reply);
  }

  @Get('import')
  @HttpCode(204)
  @RequirePermission('backups:restore')
  @Audit('backups.import', 'backup')
  @ApiOperation({ summary: 'Authorise one backup import (called by nginx auth_request; 204 with X-Castline-Principal)' })
  import(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): void {
    this.sign('import', principal, reply);
  }

  private sign(scope: BackupTransferScope, principal: Principal, reply: FastifyReply): void {
    const header = signUploadPrincipal(backupTransferKey(this.config.BACKUP_TRANSFER_SECRET, scope), {
      sub: `${principal.kind}:${principal.id}`,
      label: principalLabel(principal),
      exp: Math.floor(Date.now() / 1000) + UPLOAD_PRINCIPAL_TTL_SECONDS,
    });
    void reply.header(PRINCIPAL_HEADER, header);
  }
}
