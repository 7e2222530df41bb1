import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type UploadLogoRequest, } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { UploadsService } from './uploads.service';

@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @HandleRpc(Rpc.uploads.logo)
  saveLogo(@Payload() request: UploadLogoRequest) {
    return this.uploads.saveLogo(request.originalName, Buffer.from(request.dataBase64, 'base64'), request.createdBy);
  }

  @HandleRpc(Rpc.uploads.content)
  content(@Payload() request: { id: string }) {
    return this.uploads.content(request.id);
  }

  @HandleRpc(Rpc.uploads.delete)
  async delete(@Payload() request: { id: string }) {
    await this.uploads.delete(request.id);
    return { deleted: true };
  }
}
