import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiKeyPageSchema, CreatedApiKeySchema } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/api-docs';
import { UuidParam } from '../users/users.dto';
import { type CreateApiKeyBody, CreateApiKeyBodySchema, type ListApiKeysQuery, ListApiKeysQuerySchema } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @RequirePermission('api-keys:read')
  @ApiOperation({ summary: 'List API keys (paged, sortable; revoked ones with includeRevoked=true)' })
  @ApiZodQuery(ListApiKeysQuerySchema)
  @ApiZodResponse(ApiKeyPageSchema)
  list(@Query(new ZodValidationPipe(ListApiKeysQuerySchema)) query: ListApiKeysQuery) {
    return this.apiKeys.list(query);
  }

  @Post()
  @RequirePermission('api-keys:write')
  @Audit('api-keys.create', 'api-key')
  @ApiOperation({ summary: 'Create an API key; the key is in this response only' })
  @ApiZodBody(CreateApiKeyBodySchema)
  @ApiZodResponse(CreatedApiKeySchema, 201)
  async create(
    @Body(new ZodValidationPipe(CreateApiKeyBodySchema)) body: CreateApiKeyBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ) {
    const created = await this.apiKeys.create(body, principal);
    request.audit = { ...request.audit, targetId: created.id };
    return created;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('api-keys:write')
  @Audit('api-keys.revoke', 'api-key')
  async revoke(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
