import { Controller } from '@nestjs/common';
import { HandleRpc } from '@castline/platform';
import { type MonitoringProcesses, type MonitoringStreams, Rpc } from '@castline/contracts';
import { LiveProcessesStore } from './live-processes.store';

@Controller()
export class ProcessesController {
  constructor(private readonly store: LiveProcessesStore) {}

  @HandleRpc(Rpc.monitoring.processes)
  processes(): MonitoringProcesses {
    return this.store.processes();
  }

  @HandleRpc(Rpc.monitoring.streams)
  streams(): MonitoringStreams {
    return this.store.streams();
  }
}
