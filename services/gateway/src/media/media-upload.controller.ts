import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CONFIG, PRINCIPAL_HEADER, signUploadPrincipal, UPLOAD_PRINCIPAL_TTL_SECONDS } from '@castline/platform';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators';
import { type Principal, principalLabel } from '../auth/principal';
import type { GatewayConfig } from '../config';

/**
 * nginx's auth_request for every tus upload request (`/api/v1/media/tus/`): the same guard as any route (JWT
 * or API key, revocation, `media:write`), no body. The 204 carries X-Castline-Principal, which nginx forwards
 * to media (dropping any copy the client sent); the upload bytes never pass through the gateway.
 */
@ApiTags('media')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('media')
export class MediaUploadController {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  @Get('upload-auth')
  @HttpCode(204)
  @RequirePermission('media:write')
  @ApiOperation({ summary: 'Authorise one tus upload request (called by nginx auth_request; 204 with X-Castline-Principal)' })
  authorise(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): void {
    const header = signUploadPrincipal(this.config.MEDIA_UPLOAD_SECRET, {
      sub: `${principal.kind}:${principal.id}`,
      label: principalLabel(principal),
      exp: Math.floor(Date.now() / 1000) + UPLOAD_PRINCIPAL_TTL_SECONDS,
    });
    void reply.header(PRINCIPAL_HEADER, header);
  }
}
