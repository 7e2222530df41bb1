import { get as httpGet, type IncomingMessage } from 'node:http';
import { Body, Controller, HttpStatus, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, Rpc, TrafficExportBodySchema } from '@castline/contracts';
import { AppError, CONFIG, NatsClient, ZodValidationPipe } from '@castline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Audit, CurrentPrincipal, RequirePermission } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ApiZodBody } from '../common/api-docs';
import type { GatewayConfig } from '../config';
import { trafficCaller } from './traffic-caller';

/**
 * Traffic exports (CSV or JSON) of a search. The traffic-logger checks the filters, counts the rows (over 1M:
 * 422 EXPORT_TOO_LARGE) and takes the caller's one export slot (a second: 429) when it hands out a one-time
 * ticket over NATS; the gateway then pipes the traffic-logger's internal HTTP stream to the client, so the
 * file never travels in a NATS reply (1 MiB) and is never held in memory here. A client that goes away closes
 * the upstream request, which stops the query.
 */
@ApiTags('traffic')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('traffic')
export class TrafficExportController {
  constructor(
    private readonly nats: NatsClient,
    @Inject(CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post('export')
  @RequirePermission('traffic:export')
  @Audit('traffic.export', 'traffic_export')
  @ApiOperation({ summary: 'Download the rows of a search as CSV or JSON (streamed; 422 EXPORT_TOO_LARGE over 1,000,000 rows, 429 while another export of yours runs)' })
  @ApiZodBody(TrafficExportBodySchema)
  @ApiProduces('text/csv', 'application/json')
  async export(
    @Body(new ZodValidationPipe(TrafficExportBodySchema)) body: z.output<typeof TrafficExportBodySchema>,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ticket = await this.nats.call(Rpc.trafficSearch.exportTicket, { ...body, caller: trafficCaller(principal) });
    request.audit = { ...request.audit, targetId: `${body.format}:${ticket.rows}` };
    const upstream = await this.open(ticket.ticket);
    const stop = () => upstream.destroy();
    reply.raw.once('close', stop);
    upstream.once('end', () => reply.raw.off('close', stop));
    await reply
      .status(200)
      .header('content-type', ticket.contentType)
      .header('content-disposition', `attachment; filename="${ticket.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-export-rows', String(ticket.rows))
      .send(upstream);
  }

  /** The internal stream of a ticket; anything but 200 before the first byte is a 502. */
  private open(ticket: string): Promise<IncomingMessage> {
    const url = new URL(`/internal/exports/${ticket}`, this.config.TRAFFIC_EXPORT_URL);
    return new Promise((resolve, reject) => {
      const unavailable = (why: string) =>
        new AppError(ErrorCodes.serviceUnavailable, `The traffic export stream is unavailable: ${why}`, HttpStatus.BAD_GATEWAY);
      const outgoing = httpGet(url, (response) => {
        if (response.statusCode === 200) return resolve(response);
        response.resume();
        reject(unavailable(`status ${response.statusCode}`));
      });
      outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('no answer within 10 s')));
      outgoing.once('error', (error) => reject(unavailable(error.message)));
    });
  }
}
