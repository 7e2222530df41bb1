import { Module } from '@nestjs/common';
import { LiveProcessesStore } from './live-processes.store';
import { ProcessesController } from './processes.controller';

/** FFmpeg processes and running streams of the live channels, from the workers' `channels.metrics`. */
@Module({ controllers: [ProcessesController], providers: [LiveProcessesStore] })
export class ProcessesModule {}
