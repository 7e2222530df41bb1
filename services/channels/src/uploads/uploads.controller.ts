import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, UploadIdSchema, type UploadLogoRequest, UploadLogoRequestSchema } from '@castline/contracts';
import { ZodValidationPipe } from '@castline/platform';
import { UploadsService } from './uploads.service';

@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @MessagePattern(Subjects.uploadsLogo)
  saveLogo(@Payload(new ZodValidationPipe(UploadLogoRequestSchema)) request: UploadLogoRequest) {
    return this.uploads.saveLogo(request.originalName, Buffer.from(request.dataBase64, 'base64'), request.createdBy);
  }

  @MessagePattern(Subjects.uploadsContent)
  content(@Payload(new ZodValidationPipe(UploadIdSchema)) request: { id: string }) {
    return this.uploads.content(request.id);
  }

  @MessagePattern(Subjects.uploadsDelete)
  async delete(@Payload(new ZodValidationPipe(UploadIdSchema)) request: { id: string }) {
    await this.uploads.delete(request.id);
    return { deleted: true };
  }
}
