import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { VideosService } from './videos.service';

@Controller()
export class VideosController {
  constructor(private readonly videos: VideosService) {}

  @HandleRpc(Rpc.media.list)
  list(@Payload() query: RpcParsedRequest<typeof Rpc.media.list>) {
    return this.videos.list(query);
  }

  @HandleRpc(Rpc.media.get)
  get(@Payload() request: { id: string }) {
    return this.videos.get(request.id);
  }

  @HandleRpc(Rpc.media.update)
  update(@Payload() request: RpcParsedRequest<typeof Rpc.media.update>) {
    return this.videos.update(request.id, request.changes);
  }

  @HandleRpc(Rpc.media.delete)
  delete(@Payload() request: { id: string }) {
    return this.videos.delete(request.id);
  }

  @HandleRpc(Rpc.media.reprocess)
  reprocess(@Payload() request: { id: string }) {
    return this.videos.reprocess(request.id);
  }
}
