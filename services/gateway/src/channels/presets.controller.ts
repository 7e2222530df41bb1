import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type PresetBody, PresetBodySchema, Subjects } from '@castline/contracts';
import { NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { Audit, RequirePermission } from '../auth/decorators';
import { ApiZodBody } from '../common/api-docs';
import { UuidParam } from '../users/users.dto';

/** Encoding presets (x264 + HLS + optional ABR ladder), answered by the channels service over NATS. */
@ApiTags('presets')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('settings/presets')
export class PresetsController {
  constructor(private readonly nats: NatsClient) {}

  @Get()
  @RequirePermission('channels:read')
  @ApiOperation({ summary: 'Encoding presets, built-in ones first' })
  list() {
    return this.nats.request(Subjects.presetsList, {});
  }

  @Post()
  @RequirePermission('presets:write')
  @Audit('presets.create', 'preset')
  @ApiZodBody(PresetBodySchema)
  async create(@Body(new ZodValidationPipe(PresetBodySchema)) body: PresetBody, @Req() request: FastifyRequest) {
    const preset = await this.nats.request<{ id: string }>(Subjects.presetsCreate, body);
    request.audit = { ...request.audit, targetId: preset.id };
    return preset;
  }

  @Put(':id')
  @RequirePermission('presets:write')
  @Audit('presets.update', 'preset')
  @ApiZodBody(PresetBodySchema)
  update(@Param('id', new ZodValidationPipe(UuidParam)) id: string, @Body(new ZodValidationPipe(PresetBodySchema)) body: PresetBody) {
    return this.nats.request(Subjects.presetsUpdate, { id, changes: body });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('presets:write')
  @Audit('presets.delete', 'preset')
  async delete(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<void> {
    await this.nats.request(Subjects.presetsDelete, { id });
  }
}
