import { Module } from '@nestjs/common';
import { SpillRepository } from './spill.repository';
import { SpillService } from './spill.service';

/** The Redis spill: where the access log's batches and collect's events wait while Postgres is unreachable. */
@Module({ providers: [SpillRepository, SpillService], exports: [SpillRepository, SpillService] })
export class SpillModule {}
