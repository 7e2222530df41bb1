import { Injectable } from '@nestjs/common';
import { fieldProblem, type PresetBody } from '@castline/contracts';
import { Prisma } from '@castline/db';
import { AppError } from '@castline/platform';
import { PresetsRepository } from './presets.repository';
import { type PresetView, toPresetData, toPresetView } from './preset.view';

@Injectable()
export class PresetsService {
  constructor(private readonly presets: PresetsRepository) {}

  async list(): Promise<{ items: PresetView[] }> {
    return { items: (await this.presets.list()).map(toPresetView) };
  }

  async create(body: PresetBody): Promise<PresetView> {
    try {
      return toPresetView(await this.presets.create(toPresetData(body)));
    } catch (error) {
      throw uniqueName(error, body.name);
    }
  }

  async update(id: string, body: PresetBody): Promise<PresetView> {
    await this.requireEditable(id);
    const data = toPresetData(body);
    try {
      // A ladder removed from the body must become NULL, not stay as it was.
      return toPresetView(await this.presets.update(id, { ...data, renditions: data.renditions ?? Prisma.DbNull }));
    } catch (error) {
      throw uniqueName(error, body.name);
    }
  }

  async delete(id: string): Promise<void> {
    await this.requireEditable(id);
    const users = await this.presets.countChannelsUsing(id);
    if (users > 0) throw AppError.conflict(`${users} channel(s) use this preset; move them to another preset first`);
    await this.presets.delete(id);
  }

  private async requireEditable(id: string) {
    const preset = await this.presets.findById(id);
    if (!preset) throw AppError.notFound('Preset');
    if (preset.builtIn) throw AppError.conflict('Built-in presets cannot be changed; create a copy instead');
    return preset;
  }
}

function uniqueName(error: unknown, name: string): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    return AppError.conflict(`A preset named "${name}" already exists`, fieldProblem('name', `A preset named "${name}" already exists`));
  }
  return error;
}
