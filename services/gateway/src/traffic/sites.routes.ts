import { Rpc, SiteBodySchema } from '@castline/contracts';
import { forward, forwardController } from '../common/forward';

/** Sites of the tracker (Settings -> Sites), answered by the traffic-logger. */
export const SitesController = forwardController('SitesController', 'sites', 'traffic-logger', [
  forward({ name: 'list', method: 'GET', path: '', permission: 'traffic:read', rpc: Rpc.sites.list, summary: 'Sites that embed the tracker, with their snippet' }),
  forward({ name: 'get', method: 'GET', path: ':id', permission: 'traffic:read', rpc: Rpc.sites.get }),
  forward({
    name: 'create',
    method: 'POST',
    path: '',
    permission: 'sites:write',
    rpc: Rpc.sites.create,
    audit: { action: 'sites.create', targetType: 'site', targetFromReply: true },
    summary: 'Add a site: its domain and the origins collect accepts events from (never *)',
    body: SiteBodySchema,
  }),
  forward({
    name: 'update',
    method: 'PATCH',
    path: ':id',
    permission: 'sites:write',
    rpc: Rpc.sites.update,
    audit: { action: 'sites.update', targetType: 'site' },
    body: SiteBodySchema.partial(),
    request: ({ id, body }) => ({ id, changes: body }),
  }),
  forward({
    name: 'delete',
    method: 'DELETE',
    path: ':id',
    permission: 'sites:write',
    rpc: Rpc.sites.delete,
    audit: { action: 'sites.delete', targetType: 'site' },
    summary: 'Delete a site (its stored events stay until retention)',
  }),
]);
