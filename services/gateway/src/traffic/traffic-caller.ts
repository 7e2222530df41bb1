import type { TrafficCaller } from '@castline/contracts';
import { type Principal, principalHas } from '../auth/principal';

/** Who asks the traffic-logger: history and saved searches belong to the owner; raw IPs need traffic:ip. */
export function trafficCaller(principal: Principal): TrafficCaller {
  return {
    owner: principal.kind === 'user' ? principal.id : `api-key:${principal.id}`,
    canSeeIp: principalHas(principal, 'traffic:ip'),
  };
}
