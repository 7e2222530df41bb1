import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type MonitoringProcesses, type MonitoringStreams, Subjects } from '@castline/contracts';
import { LiveProcessesStore } from './live-processes.store';

@Controller()
export class ProcessesController {
  constructor(private readonly store: LiveProcessesStore) {}

  @MessagePattern(Subjects.monitoringProcesses)
  processes(): MonitoringProcesses {
    return this.store.processes();
  }

  @MessagePattern(Subjects.monitoringStreams)
  streams(): MonitoringStreams {
    return this.store.streams();
  }
}
