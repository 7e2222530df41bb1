import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type PlatformHealth, PlatformHealthSchema } from '@castline/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '@castline/platform';
import { Authenticator, credentialFromHeaders } from '../auth/authenticator';
import { principalHas } from '../auth/principal';
import { ApiZodResponse } from '../common/api-docs';
import { PlatformHealthService } from './platform-health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: PlatformHealthService,
    private readonly authenticator: Authenticator,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Postgres, Redis, NATS and all seven services; 503 when one is down, else 200 (degraded: working, needs attention). Status only; latencies, versions, pids and errors with monitoring:read',
  })
  @ApiZodResponse(PlatformHealthSchema)
  async check(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const health = await this.health.check();
    void reply.status(health.status === 'down' ? 503 : 200).header('Cache-Control', 'no-store');
    return (await this.mayReadDetails(request)) ? health : publicView(health);
  }

  /**
   * Details need monitoring:read as the guard would decide it (an API key limited to other permissions lacks it);
   * a missing or bad credential just gets the public view.
   */
  private async mayReadDetails(request: FastifyRequest): Promise<boolean> {
    try {
      const principal = await this.authenticator.authenticate(credentialFromHeaders(request.headers));
      return principalHas(principal, 'monitoring:read');
    } catch {
      return false;
    }
  }
}

/** What anyone may know: each component and whether it is up. No pids, versions, latencies or error texts. */
function publicView(health: PlatformHealth) {
  return {
    status: health.status,
    checkedAt: health.checkedAt,
    dependencies: health.dependencies.map(({ name, status }) => ({ name, status })),
    services: health.services.map(({ name, status }) => ({ name, status })),
  };
}
