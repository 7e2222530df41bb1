import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuditPageSchema, parseSort } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { RequirePermission } from '../auth/decorators';
import { ApiZodQuery, ApiZodResponse } from '../common/api-docs';
import { toSkipTake } from '../common/pagination';
import { type ListAuditQuery, ListAuditQuerySchema } from './audit.dto';
import { AuditRepository } from './audit.repository';

@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Audit log, newest first (sort=at for oldest first), with filters' })
  @ApiZodQuery(ListAuditQuerySchema)
  @ApiZodResponse(AuditPageSchema)
  async list(@Query(new ZodValidationPipe(ListAuditQuerySchema)) query: ListAuditQuery) {
    const { items, total } = await this.audit.list(query, parseSort(query.sort), toSkipTake(query));
    return {
      items: items.map((row) => ({ ...row, id: row.id.toString() })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
