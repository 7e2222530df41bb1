import { Module } from '@nestjs/common';
import { SitesController } from './sites.controller';
import { SitesService } from './sites.service';

/** traffic-logger.sites.*: the sites of the tracker. */
@Module({ controllers: [SitesController], providers: [SitesService] })
export class SitesModule {}
