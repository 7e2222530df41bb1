import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformHealthSchema } from '@castline/contracts';
import type { FastifyReply } from 'fastify';
import { Public } from '@castline/platform';
import { ApiZodResponse } from '../common/api-docs';
import { PlatformHealthService } from './platform-health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: PlatformHealthService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Postgres, Redis, NATS and all seven services; 200 when all are up, else 503' })
  @ApiZodResponse(PlatformHealthSchema)
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    const health = await this.health.check();
    void reply.status(health.status === 'up' ? 200 : 503).header('Cache-Control', 'no-store');
    return health;
  }
}
