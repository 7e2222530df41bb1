import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ListBackups, Rpc, type RpcParsedRequest } from '@castline/contracts';
import { AppError, HandleRpc } from '@castline/platform';
import { RestoreRunner } from '../restore/restore-runner';
import { BackupsRepository } from './backups.repository';
import { BackupsService } from './backups.service';
import { toRestoreView } from './views';

@Controller()
export class BackupsController {
  constructor(
    private readonly backups: BackupsService,
    private readonly restores: RestoreRunner,
    private readonly repository: BackupsRepository,
  ) {}

  @HandleRpc(Rpc.backups.list)
  list(@Payload() query: ListBackups) {
    return this.backups.list(query);
  }

  @HandleRpc(Rpc.backups.get)
  get(@Payload() request: { id: string }) {
    return this.backups.get(request.id);
  }

  @HandleRpc(Rpc.backups.create)
  create(@Payload() request: { requestedBy?: string }) {
    return this.backups.create(request.requestedBy);
  }

  @HandleRpc(Rpc.backups.delete)
  async delete(@Payload() request: { id: string }) {
    await this.backups.delete(request.id);
    return { deleted: true as const };
  }

  @HandleRpc(Rpc.backups.verify)
  verify(@Payload() request: { id: string }) {
    return this.backups.verify(request.id);
  }

  @HandleRpc(Rpc.backups.restore)
  restore(@Payload() request: RpcParsedRequest<typeof Rpc.backups.restore>) {
    return this.restores.request(request.id, request.confirm, request.requestedBy);
  }

  @HandleRpc(Rpc.backups.restores)
  async restoreList() {
    return { items: (await this.repository.restores()).map(toRestoreView) };
  }

  @HandleRpc(Rpc.backups.restoreGet)
  async restoreGet(@Payload() request: { id: string }) {
    const row = await this.repository.findRestore(request.id);
    if (!row) throw AppError.notFound('Restore');
    return toRestoreView(row);
  }

  @HandleRpc(Rpc.backups.undo)
  undo(@Payload() request: { id: string; requestedBy?: string }) {
    return this.restores.requestUndo(request.id, request.requestedBy);
  }

  @HandleRpc(Rpc.backups.settings)
  settings() {
    return this.backups.settings();
  }

  @HandleRpc(Rpc.backups.updateSettings)
  updateSettings(@Payload() request: RpcParsedRequest<typeof Rpc.backups.updateSettings>) {
    return this.backups.updateSettings(request);
  }

  @HandleRpc(Rpc.backups.retentionPreview)
  retentionPreview(@Payload() request: RpcParsedRequest<typeof Rpc.backups.retentionPreview>) {
    return this.backups.retentionPreview(request);
  }
}
