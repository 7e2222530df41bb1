import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type PresetBody, PresetBodySchema, PresetIdSchema, Subjects, UpdatePresetRequestSchema } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { PresetsService } from './presets.service';

@Controller()
export class PresetsController {
  constructor(private readonly presets: PresetsService) {}

  @MessagePattern(Subjects.presetsList)
  list() {
    return this.presets.list();
  }

  @MessagePattern(Subjects.presetsCreate)
  create(@Payload(new ZodValidationPipe(PresetBodySchema)) body: PresetBody) {
    return this.presets.create(body);
  }

  @MessagePattern(Subjects.presetsUpdate)
  update(@Payload(new ZodValidationPipe(UpdatePresetRequestSchema)) request: { id: string; changes: PresetBody }) {
    return this.presets.update(request.id, request.changes);
  }

  @MessagePattern(Subjects.presetsDelete)
  async delete(@Payload(new ZodValidationPipe(PresetIdSchema)) request: { id: string }) {
    await this.presets.delete(request.id);
    return { deleted: true };
  }
}
