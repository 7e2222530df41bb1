import { Module } from '@nestjs/common';
import { AccessLogService } from './access-log.service';
import { TailStateRepository } from './tail-state.repository';

/** nginx's access log: tailing, dead letters and live viewers. */
@Module({ providers: [AccessLogService, TailStateRepository] })
export class AccessLogModule {}
