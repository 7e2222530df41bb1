import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG } from '@castline/platform';
import type { TrafficLoggerConfig } from '../config';
import { csvHeader, csvLine, jsonLine } from './export-format';
import { type ExportJob, SearchService } from './search.service';

/** Rows are written in chunks of about this many characters (fewer syscalls, bounded memory). */
const CHUNK_CHARS = 64 * 1024;
const SLOT_REFRESH_MS = 10_000;

/**
 * The internal export stream: GET /internal/exports/<ticket> answers the rows of a ticket the gateway obtained
 * over NATS (one use, 30 s), as CSV or JSON, straight from a Postgres cursor (pg-query-stream) with
 * backpressure: the query advances only as fast as the client reads. When the client goes away the query is
 * stopped and its connection dropped. Listens on TRAFFIC_INTERNAL_HOST:PORT (loopback by default): only the
 * gateway reaches it, nginx never routes to it.
 */
@Injectable()
export class ExportServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExportServer.name);
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly search: SearchService,
    @Inject(CONFIG) private readonly config: TrafficLoggerConfig,
  ) {}

  /** Where it listens (tests read the port when they asked for 0). */
  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.listen(this.config.TRAFFIC_INTERNAL_PORT, this.config.TRAFFIC_INTERNAL_HOST);
    await once(server, 'listening');
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const response of this.open) response.destroy();
    if (this.server) await new Promise((resolve) => this.server!.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/internal\/exports\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) return this.refuse(response, 404, 'NOT_FOUND', 'Not found');
    const job = await this.search.redeem(match[1]!).catch(() => null);
    if (!job) return this.refuse(response, 404, 'NOT_FOUND', 'Unknown or used export ticket');
    this.open.add(response);
    // The slot is free as soon as the client is gone, whatever the query is still doing.
    response.once('close', () => void this.search.releaseSlot(job.owner).catch(() => undefined));
    try {
      await this.stream(job, response);
    } catch (error) {
      this.logger.warn(`export for ${job.owner} stopped: ${error instanceof Error ? error.message : String(error)}`);
      response.destroy();
    } finally {
      this.open.delete(response);
    }
  }

  private async stream(job: ExportJob, response: ServerResponse): Promise<void> {
    const rows = this.search.stream(job);
    const hold = setInterval(() => void this.search.holdSlot(job.owner).catch(() => undefined), SLOT_REFRESH_MS);
    const closed = () => rows.destroy(new Error('client closed the export'));
    response.once('close', closed);
    try {
      response.writeHead(200, { 'content-type': job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8' });
      let chunk = job.format === 'csv' ? csvHeader() : '[\n';
      let first = true;
      for await (const hit of rows) {
        chunk += job.format === 'csv' ? csvLine(hit) : jsonLine(hit, first);
        first = false;
        if (chunk.length >= CHUNK_CHARS) {
          await write(response, chunk);
          chunk = '';
        }
      }
      chunk += job.format === 'csv' ? '' : '\n]\n';
      await write(response, chunk);
      response.end();
    } finally {
      clearInterval(hold);
      response.off('close', closed);
    }
  }

  private refuse(response: ServerResponse, status: number, code: string, message: string): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code, message } }));
  }
}

/** Writes with backpressure: waits for 'drain' when the socket's buffer is full; fails when the client is gone. */
async function write(response: ServerResponse, chunk: string): Promise<void> {
  if (response.destroyed) throw new Error('client closed the export');
  if (response.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      response.off('drain', drained);
      response.off('close', closed);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => settle();
    const closed = () => settle(new Error('client closed the export'));
    response.on('drain', drained);
    response.on('close', closed);
  });
}
