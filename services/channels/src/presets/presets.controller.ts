import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type PresetBody, Rpc, } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { PresetsService } from './presets.service';

@Controller()
export class PresetsController {
  constructor(private readonly presets: PresetsService) {}

  @HandleRpc(Rpc.presets.list)
  list() {
    return this.presets.list();
  }

  @HandleRpc(Rpc.presets.create)
  create(@Payload() body: PresetBody) {
    return this.presets.create(body);
  }

  @HandleRpc(Rpc.presets.update)
  update(@Payload() request: { id: string; changes: PresetBody }) {
    return this.presets.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.presets.delete)
  async delete(@Payload() request: { id: string }) {
    await this.presets.delete(request.id);
    return { deleted: true };
  }
}
