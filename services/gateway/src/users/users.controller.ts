import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { UserPageSchema, UserViewSchema } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import type { FastifyRequest } from 'fastify';
import { Audit, RequirePermission } from '../auth/decorators';
import { ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/api-docs';
import {
  type CreateUserBody,
  CreateUserBodySchema,
  type ListUsersQuery,
  ListUsersQuerySchema,
  type UpdateUserBody,
  UpdateUserBodySchema,
  UuidParam,
} from './users.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequirePermission('users:read')
  @ApiOperation({ summary: 'List users (filter by role, disabled, search in email/name; sort=field or -field)' })
  @ApiZodQuery(ListUsersQuerySchema)
  @ApiZodResponse(UserPageSchema)
  list(@Query(new ZodValidationPipe(ListUsersQuerySchema)) query: ListUsersQuery) {
    return this.users.list(query);
  }

  @Get(':id')
  @RequirePermission('users:read')
  @ApiZodResponse(UserViewSchema)
  get(@Param('id', new ZodValidationPipe(UuidParam)) id: string) {
    return this.users.get(id);
  }

  @Post()
  @RequirePermission('users:write')
  @Audit('users.create', 'user')
  @ApiOperation({ summary: 'Create a user with a role' })
  @ApiZodBody(CreateUserBodySchema)
  @ApiZodResponse(UserViewSchema, 201)
  async create(@Body(new ZodValidationPipe(CreateUserBodySchema)) body: CreateUserBody, @Req() request: FastifyRequest) {
    const user = await this.users.create(body);
    request.audit = { ...request.audit, targetId: user.id };
    return user;
  }

  @Patch(':id')
  @RequirePermission('users:write')
  @Audit('users.update', 'user')
  @ApiOperation({ summary: 'Change name, role, disabled, or reset the password' })
  @ApiZodBody(UpdateUserBodySchema)
  @ApiZodResponse(UserViewSchema)
  update(
    @Param('id', new ZodValidationPipe(UuidParam)) id: string,
    @Body(new ZodValidationPipe(UpdateUserBodySchema)) body: UpdateUserBody,
  ) {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('users:write')
  @Audit('users.delete', 'user')
  async delete(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<void> {
    await this.users.delete(id);
  }
}
