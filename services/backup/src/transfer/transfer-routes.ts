import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErrorCodes } from '@castline/contracts';
import { AppError, backupTransferKey, type BackupTransferScope, CONFIG, PRINCIPAL_HEADER, type UploadPrincipal, verifyUploadPrincipal } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BackupConfig } from '../config';
import { BackupTransfer } from './backup-transfer';

export const DOWNLOAD_PATH = '/api/v1/backups/:id/download';
export const IMPORT_PATH = '/api/v1/backups/import';
const TAR_TYPES = ['application/x-tar', 'application/octet-stream'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sendError(reply: FastifyReply, error: unknown): void {
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy(error as Error);
    return;
  }
  const known = error instanceof AppError;
  const status = known ? error.getStatus() : 500;
  void reply.status(status).send({
    error: known ? { code: error.code, message: error.message, details: error.details } : { code: ErrorCodes.internal, message: 'Internal server error' },
  });
}

/**
 * The backup service's two HTTP routes, behind nginx (routes.conf): a download (GET, backups:read) and an import
 * (POST, backups:restore). nginx asks the gateway first (auth_request) and forwards its X-Castline-Principal,
 * signed with BACKUP_TRANSFER_SECRET for that one scope; anything without a valid header is a 401 (the service's
 * port is not meant to be reachable otherwise, and this keeps it so).
 */
export function mountTransferRoutes(app: NestFastifyApplication): void {
  const config = app.get<BackupConfig>(CONFIG);
  const transfer = app.get(BackupTransfer);
  const fastify = app.getHttpAdapter().getInstance();
  const principalFor = (request: FastifyRequest, scope: BackupTransferScope): UploadPrincipal => {
    const header = request.headers[PRINCIPAL_HEADER];
    const principal = verifyUploadPrincipal(backupTransferKey(config.BACKUP_TRANSFER_SECRET, scope), typeof header === 'string' ? header : undefined);
    if (!principal) throw AppError.unauthenticated('A backup transfer goes through nginx, which asks the gateway first');
    return principal;
  };
  // The import reads the raw request stream itself: Fastify must leave these bodies unread.
  fastify.addContentTypeParser(TAR_TYPES, (_request, _payload, done) => done(null));

  fastify.get<{ Params: { id: string } }>(DOWNLOAD_PATH, async (request, reply) => {
    try {
      principalFor(request, 'download');
      if (!UUID.test(request.params.id)) throw AppError.notFound('Backup');
      const { name, size, stream } = await transfer.download(request.params.id);
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename="${name}.tar"`)
        .header('cache-control', 'no-store')
        .send(stream);
    } catch (error) {
      sendError(reply, error);
    }
  });

  fastify.post(IMPORT_PATH, async (request, reply) => {
    try {
      const principal = principalFor(request, 'import');
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!TAR_TYPES.includes(type)) {
        throw new AppError(ErrorCodes.validationFailed, `send the archive as ${TAR_TYPES.join(' or ')}`, 415);
      }
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > config.BACKUP_IMPORT_MAX_BYTES) {
        throw new AppError(ErrorCodes.payloadTooLarge, `the archive is larger than BACKUP_IMPORT_MAX_BYTES (${config.BACKUP_IMPORT_MAX_BYTES} bytes)`, 413);
      }
      const backup = await transfer.import(request.raw, principal.label);
      return reply.status(201).send(backup);
    } catch (error) {
      sendError(reply, error);
    }
  });
}
