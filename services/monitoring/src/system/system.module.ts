import { Module } from '@nestjs/common';
import { HostMetricsExporter } from './host-metrics.exporter';
import { HostSampler } from './host-sampler.service';
import { ProcFsRepository } from './procfs.repository';
import { SystemController } from './system.controller';

/** Host metrics (CPU, load, memory, disks, network) from /proc, over NATS and on /metrics. */
@Module({ controllers: [SystemController], providers: [ProcFsRepository, HostMetricsExporter, HostSampler], exports: [HostSampler] })
export class SystemModule {}
