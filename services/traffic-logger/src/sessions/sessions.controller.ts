import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Rpc, type RpcParsedRequest, type RpcResponse } from '@castline/contracts';
import { HandleRpc } from '@castline/platform';
import { SessionsRepository } from './sessions.repository';

/**
 * traffic-logger.sessions.get: what campaigns needs to attribute a conversion to a session (300 ms deadline on
 * the caller's side). An unknown session answers found: false, never an error. trackingId stays null: the
 * tracker never sees campaigns' first-party cookie, only the click id the landing URL carried.
 */
@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsRepository) {}

  @HandleRpc(Rpc.traffic.sessionsGet)
  async get(@Payload() request: RpcParsedRequest<typeof Rpc.traffic.sessionsGet>): Promise<RpcResponse<typeof Rpc.traffic.sessionsGet>> {
    const found = await this.sessions.attribution(request.sessionId);
    return { sessionId: request.sessionId, found: found !== null, trackingId: null, clickId: found?.clickId ?? null };
  }
}
