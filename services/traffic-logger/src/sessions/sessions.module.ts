import { Module } from '@nestjs/common';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';

/** traffic-logger.sessions.get for campaign attribution. */
@Module({ controllers: [SessionsController], providers: [SessionsRepository] })
export class SessionsModule {}
