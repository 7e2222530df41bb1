import { Injectable } from '@nestjs/common';
import type { AppLogView, ListLogs } from '@castline/contracts';
import { AppError } from '@castline/platform';
import { LogsRepository, toLogView } from './logs.repository';

@Injectable()
export class LogsService {
  constructor(private readonly repository: LogsRepository) {}

  async list(query: ListLogs): Promise<{ items: AppLogView[]; nextCursor: string | null }> {
    const rows = await this.repository.list(query);
    const items = rows.map(toLogView);
    return { items, nextCursor: items.length === query.limit ? items.at(-1)!.id : null };
  }

  async get(id: string): Promise<AppLogView> {
    const row = await this.repository.get(id);
    if (!row) throw AppError.notFound('Log record');
    return toLogView(row);
  }
}
