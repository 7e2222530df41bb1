import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Subjects, type SystemMetrics } from '@castline/contracts';
import { HostSampler } from './host-sampler.service';

@Controller()
export class SystemController {
  constructor(private readonly sampler: HostSampler) {}

  @MessagePattern(Subjects.monitoringSystem)
  system(): SystemMetrics {
    return this.sampler.latest();
  }
}
