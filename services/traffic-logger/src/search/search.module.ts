import { Module } from '@nestjs/common';
import { ExportServer } from './export.server';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

/** Traffic search, saved searches, history, journey and exports (the internal export stream). */
@Module({ controllers: [SearchController], providers: [SearchService, ExportServer] })
export class SearchModule {}
