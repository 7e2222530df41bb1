import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';
import { ActivityRepository } from './activity.repository';

/** Recent activity for the operators' overview: the newest audit entries. */
@Module({ controllers: [ActivityController], providers: [ActivityRepository] })
export class ActivityModule {}
