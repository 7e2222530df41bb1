import { Controller, Get, Injectable, Param, Query, Req, Res, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type AppLogView, Events, type ListLogs, ListLogsSchema, type LogFilter, LogFilterSchema, LogIdSchema, matchesLogFilter, Rpc } from '@castline/contracts';
import { EventBus, NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ApiZodQuery } from '../common/api-docs';
import { LiveFeed, onCredentialExpiry } from '../live/live-feed';

const HEARTBEAT_INTERVAL_MS = 15_000;
const EXPORT_PAGE = 1_000;
/** An export ends after this many records (narrow the filters for more). */
const EXPORT_MAX = 200_000;
/** A reconnecting stream gets at most this many missed records before live ones. */
const CATCH_UP_MAX = 5_000;
/** A client that reads slower than records arrive loses the oldest (counted in a `dropped` event) beyond this. */
const CLIENT_QUEUE_MAX = 1_000;

const ExportQuerySchema = LogFilterSchema.extend({ format: z.enum(['json', 'txt']).default('json') });
const StreamQuerySchema = LogFilterSchema.extend({ lastEventId: z.string().regex(/^\d{1,19}$/).optional() });

const LEVEL_NAMES: Record<number, string> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** One record as a text line: time, level, service, message, then the request and error parts it has. */
export function logLine(row: AppLogView): string {
  const parts = [row.ts, (LEVEL_NAMES[row.level] ?? String(row.level)).padEnd(5), row.service, row.msg.replace(/\n/g, '\\n')];
  if (row.method || row.url) parts.push(`${row.method ?? ''} ${row.url ?? ''}`.trim());
  if (row.statusCode) parts.push(String(row.statusCode));
  if (row.reqId) parts.push(`req=${row.reqId}`);
  if (row.repeats > 1) parts.push(`x${row.repeats}`);
  if (row.errStack) parts.push(row.errStack.replace(/\n/g, '\\n'));
  return parts.join(' | ');
}

interface LogListener {
  filter: LogFilter;
  owner: { kind: string; id: string };
  push: (rows: AppLogView[]) => void;
  end: () => void;
}

/** Stored log rows from monitoring (`monitoring.logs.stored`) to every live log stream of this replica. */
@Injectable()
export class LogFeed implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Set<LogListener>();
  private unsubscribe?: () => void;

  constructor(
    private readonly bus: EventBus,
    live: LiveFeed,
  ) {
    live.onRevoked((owner) => {
      for (const listener of this.listeners) {
        if (listener.owner.kind === owner.kind && listener.owner.id === owner.id) {
          this.listeners.delete(listener);
          listener.end();
        }
      }
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(Events.logsStored, ({ items }) => {
      for (const listener of this.listeners) {
        const rows = items.filter((row) => matchesLogFilter(row, listener.filter));
        if (rows.length > 0) listener.push(rows);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
  }

  add(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Opens a server-sent events response on the hijacked reply, keeping the headers the hooks set. */
function openEventStream(reply: FastifyReply, headers: Record<string, string>) {
  reply.hijack();
  const response = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) response.setHeader(name, value);
  }
  response.writeHead(200, headers);
  return response;
}

/**
 * App logs (monitoring's app_logs): list with filters and keyset pages, one record, export (JSON array or text
 * lines, streamed page by page), and the live stream as server-sent events (`id:` = row id; Last-Event-ID or
 * `?lastEventId=` fills the gap after a reconnect). Operators and admins (logs:read).
 */
@ApiTags('logs')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('logs')
export class LogsController {
  constructor(
    private readonly nats: NatsClient,
    private readonly feed: LogFeed,
  ) {}

  @Get()
  @RequirePermission('logs:read')
  @ApiOperation({ summary: 'Warn+ log records of every service, newest first; `before` = nextCursor of the previous page' })
  @ApiZodQuery(ListLogsSchema)
  list(@Query(new ZodValidationPipe(ListLogsSchema)) query: ListLogs) {
    return this.nats.call(Rpc.logs.list, query);
  }

  @Get('export')
  @RequirePermission('logs:read')
  @ApiOperation({ summary: 'The filtered records as a JSON array or text lines, newest first, streamed page by page (at most 200,000)' })
  @ApiZodQuery(ExportQuerySchema)
  @ApiProduces('application/json', 'text/plain')
  async export(@Query(new ZodValidationPipe(ExportQuerySchema)) query: z.infer<typeof ExportQuerySchema>, @Res() reply: FastifyReply): Promise<void> {
    const { format, ...filter } = query;
    // The first page before any header: a monitoring that does not answer is a clean error response.
    let page = await this.nats.call(Rpc.logs.list, { ...filter, limit: EXPORT_PAGE });
    const response = openEventStream(reply, {
      'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="castline-logs.${format}"`,
      'cache-control': 'no-store',
    });
    const write = (chunk: string) => (response.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => response.once('drain', () => resolve())));
    let sent = 0;
    if (format === 'json') await write('[');
    try {
      for (;;) {
        for (const row of page.items) {
          await write(format === 'json' ? `${sent > 0 ? ',' : ''}\n${JSON.stringify(row)}` : `${logLine(row)}\n`);
          sent += 1;
        }
        if (!page.nextCursor || sent >= EXPORT_MAX || response.destroyed) break;
        page = await this.nats.call(Rpc.logs.list, { ...filter, before: page.nextCursor, limit: EXPORT_PAGE });
      }
    } catch {
      // Monitoring went away mid-export: the body ends without its closing bracket, so it does not parse as complete.
      response.end();
      return;
    }
    if (format === 'json') await write('\n]\n');
    response.end();
  }

  @Get('stream')
  @RequirePermission('logs:read')
  @ApiOperation({ summary: 'New log records matching the filters as text/event-stream (`event: log`, `id:` = record id); Last-Event-ID resumes' })
  @ApiZodQuery(StreamQuerySchema)
  @ApiProduces('text/event-stream')
  async stream(
    @Query(new ZodValidationPipe(StreamQuerySchema)) query: z.infer<typeof StreamQuerySchema>,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { lastEventId: fromQuery, ...filter } = query;
    const header = request.headers['last-event-id'];
    const resumeFrom = typeof header === 'string' && /^\d{1,19}$/.test(header) ? header : fromQuery;
    const response = openEventStream(reply, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    response.write('retry: 2000\n: connected\n\n');

    let lastSent = resumeFrom ? BigInt(resumeFrom) : 0n;
    let queue: AppLogView[] = [];
    let dropped = 0;
    let catchingUp = resumeFrom !== undefined;
    let blocked = false;
    const flush = () => {
      if (catchingUp || blocked || response.destroyed) return;
      let chunk = dropped > 0 ? `event: dropped\ndata: ${JSON.stringify({ dropped })}\n\n` : '';
      dropped = 0;
      for (const row of queue) {
        if (BigInt(row.id) <= lastSent) continue;
        lastSent = BigInt(row.id);
        chunk += `id: ${row.id}\nevent: log\ndata: ${JSON.stringify(row)}\n\n`;
      }
      queue = [];
      if (chunk && !response.write(chunk)) {
        blocked = true;
        response.once('drain', () => {
          blocked = false;
          flush();
        });
      }
    };
    const remove = this.feed.add({
      filter,
      owner: { kind: principal.kind, id: principal.id },
      push: (rows) => {
        queue.push(...rows);
        if (queue.length > CLIENT_QUEUE_MAX) dropped += queue.splice(0, queue.length - CLIENT_QUEUE_MAX).length;
        flush();
      },
      end: () => response.end(),
    });
    const cancelExpiry = onCredentialExpiry(principal.expiresAt, () => response.end());
    const heartbeat = setInterval(() => {
      if (!blocked) response.write(': heartbeat\n\n');
    }, HEARTBEAT_INTERVAL_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      cancelExpiry();
      remove();
    });
    if (resumeFrom === undefined) return;
    // The gap since Last-Event-ID, oldest first, then whatever arrived meanwhile (ids already sent are skipped).
    const missed: AppLogView[] = [];
    try {
      let after = resumeFrom;
      while (missed.length < CATCH_UP_MAX) {
        const page = await this.nats.call(Rpc.logs.list, { ...filter, after, limit: 500 });
        missed.push(...page.items);
        if (page.items.length < 500) break;
        after = page.items.at(-1)!.id;
      }
    } catch {
      // Monitoring away: live records only.
    }
    queue = [...missed, ...queue.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))];
    catchingUp = false;
    flush();
  }

  @Get(':id')
  @RequirePermission('logs:read')
  @ApiOperation({ summary: 'One log record with its stack and meta' })
  get(@Param('id', new ZodValidationPipe(LogIdSchema.shape.id)) id: string) {
    return this.nats.call(Rpc.logs.get, { id });
  }
}
