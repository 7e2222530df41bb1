import { roleHas, type TrafficCaller } from '@castline/contracts';
import type { Principal } from '../auth/principal';

/** Who asks the traffic-logger: history and saved searches belong to the owner; raw IPs need traffic:ip. */
export function trafficCaller(principal: Principal): TrafficCaller {
  const keyAllows = principal.kind === 'user' || principal.permissions.length === 0 || principal.permissions.includes('traffic:ip');
  return {
    owner: principal.kind === 'user' ? principal.id : `api-key:${principal.id}`,
    canSeeIp: roleHas(principal.role, 'traffic:ip') && keyAllows,
  };
}
