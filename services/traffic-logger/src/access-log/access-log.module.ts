import { Module } from '@nestjs/common';
import { SpillModule } from '../spill/spill.module';
import { AccessLogService } from './access-log.service';
import { TailStateRepository } from './tail-state.repository';

/** nginx's access log: tailing, dead letters and live viewers. */
@Module({ imports: [SpillModule], providers: [AccessLogService, TailStateRepository] })
export class AccessLogModule {}
