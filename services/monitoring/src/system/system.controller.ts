import { Controller } from '@nestjs/common';
import { HandleRpc } from '@castline/platform';
import { Rpc, type SystemMetrics } from '@castline/contracts';
import { HostSampler } from './host-sampler.service';

@Controller()
export class SystemController {
  constructor(private readonly sampler: HostSampler) {}

  @HandleRpc(Rpc.monitoring.system)
  system(): SystemMetrics {
    return this.sampler.latest();
  }
}
