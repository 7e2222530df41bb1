import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { UploadContent } from '@castline/contracts';
import type { Upload } from '@castline/db';
import { AppError, CONFIG } from '@castline/platform';
import type { ChannelsConfig } from '../config';
import { checkLogo } from './image-check';
import { UploadStorage } from './upload-storage.repository';
import { UploadsRepository } from './uploads.repository';

export const toUploadView = (upload: Upload) => ({
  id: upload.id,
  kind: upload.kind,
  originalName: upload.originalName,
  mimeType: upload.mimeType,
  sizeBytes: upload.sizeBytes,
  width: upload.width,
  height: upload.height,
  sha256: upload.sha256,
  createdAt: upload.createdAt,
});

@Injectable()
export class UploadsService {
  constructor(
    @Inject(CONFIG) private readonly config: ChannelsConfig,
    private readonly uploads: UploadsRepository,
    private readonly storage: UploadStorage,
  ) {}

  async saveLogo(originalName: string, data: Buffer, createdBy?: string) {
    const verdict = await checkLogo(data, {
      maxBytes: this.config.LOGO_MAX_BYTES,
      maxWidth: this.config.LOGO_MAX_SIDE,
      maxHeight: this.config.LOGO_MAX_SIDE,
      minSide: 8,
    });
    if (!verdict.ok) throw AppError.badRequest(`Logo refused: ${verdict.reason}`);
    const storedPath = await this.storage.save('logos', verdict.type === 'jpeg' ? 'jpg' : verdict.type, data);
    try {
      const upload = await this.uploads.create({
        kind: 'logo',
        originalName: originalName.slice(0, 255),
        storedPath,
        mimeType: verdict.mimeType,
        sizeBytes: data.length,
        width: verdict.width,
        height: verdict.height,
        sha256: createHash('sha256').update(data).digest('hex'),
        createdBy,
      });
      return toUploadView(upload);
    } catch (error) {
      // Nothing half-written: no row, no file.
      await this.storage.remove(storedPath);
      throw error;
    }
  }

  async content(id: string): Promise<UploadContent> {
    const upload = await this.uploads.findById(id);
    if (!upload) throw AppError.notFound('Upload');
    return { mimeType: upload.mimeType, dataBase64: (await this.storage.read(upload.storedPath)).toString('base64') };
  }

  async delete(id: string): Promise<void> {
    const upload = await this.uploads.findById(id);
    if (!upload) throw AppError.notFound('Upload');
    const users = await this.uploads.channelsUsing(id);
    if (users.length > 0) {
      throw AppError.conflict(`In use by ${users.map((channel) => channel.name).join(', ')}; change their logo first`);
    }
    await this.uploads.delete(id);
    await this.storage.remove(upload.storedPath);
  }
}
