import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Rpc } from '@castline/contracts';
import { AppError, NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import { type Principal, principalLabel } from '../auth/principal';
import { UuidParam } from '../users/users.dto';

/**
 * Logo uploads. The gateway only receives the multipart body (size-limited by @fastify/multipart); the
 * channels service checks the content (magic bytes, dimensions) and owns the files.
 */
@ApiTags('uploads')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('uploads')
export class UploadsController {
  constructor(private readonly nats: NatsClient) {}

  @Post('logo')
  @RequirePermission('channels:write')
  @Audit('uploads.logo', 'upload')
  @ApiOperation({ summary: 'Upload a logo (PNG, JPEG or WebP) as multipart/form-data field "file"' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  async uploadLogo(@Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    if (!request.isMultipart()) throw AppError.badRequest('Send the logo as multipart/form-data in the field "file"');
    const file = await request.file();
    if (!file || file.fieldname !== 'file') throw AppError.badRequest('Send the logo in the multipart field "file"');
    const data = await file.toBuffer();
    const upload = await this.nats.call(Rpc.uploads.logo, {
      originalName: file.filename,
      dataBase64: data.toString('base64'),
      createdBy: principalLabel(principal),
    });
    request.audit = { ...request.audit, targetId: upload.id };
    return upload;
  }

  @Get(':id/content')
  @RequirePermission('channels:read')
  @ApiOperation({ summary: "An upload's file (a logo image), e.g. for the dashboard's logo editor" })
  @ApiProduces('image/png', 'image/jpeg', 'image/webp')
  async content(@Param('id', new ZodValidationPipe(UuidParam)) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const upload = await this.nats.call(Rpc.uploads.content, { id });
    // Uploads never change (a new logo is a new upload): the browser may keep it.
    reply.header('Content-Type', upload.mimeType).header('Cache-Control', 'private, max-age=86400, immutable');
    return Buffer.from(upload.dataBase64, 'base64');
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('channels:write')
  @Audit('uploads.delete', 'upload')
  @ApiOperation({ summary: 'Delete an upload; refused while a channel uses it' })
  async delete(@Param('id', new ZodValidationPipe(UuidParam)) id: string): Promise<void> {
    await this.nats.call(Rpc.uploads.delete, { id });
  }
}
