import { Module } from '@nestjs/common';
import { ActivityController } from './activity.controller';

/** Recent activity for the operators' overview: the newest audit entries, asked of the gateway that owns them. */
@Module({ controllers: [ActivityController] })
export class ActivityModule {}
