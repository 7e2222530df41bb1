import { Rpc, SavedSearchBodySchema, TrafficSearchBodySchema } from '@castline/contracts';
import { forward, forwardController } from '../common/forward';
import { trafficCaller } from './traffic-caller';

/**
 * Traffic search (seed 000 §4), answered by the traffic-logger: POST /traffic/search with the filters in the
 * body, keyset pages by `cursor`; saved searches and history per caller; the journey of a tracker session.
 */
export const TrafficSearchController = forwardController('TrafficSearchController', 'traffic', 'traffic', [
  forward({
    name: 'search',
    method: 'POST',
    path: 'search',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.run,
    summary: 'Search requests or tracker events: every filter, newest or oldest first, Load more by cursor; 400 names a bad filter, 504 SEARCH_TIMEOUT',
    body: TrafficSearchBodySchema,
    request: ({ body, principal }) => ({ ...body, caller: trafficCaller(principal) }),
    status: 200,
  }),
  forward({
    name: 'journey',
    method: 'GET',
    path: 'sessions/:id/journey',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.journey,
    summary: "A tracker session's events in order, with the session",
  }),
  forward({
    name: 'saved_list',
    method: 'GET',
    path: 'saved-searches',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.savedList,
    summary: 'Your saved searches',
    request: ({ principal }) => ({ caller: trafficCaller(principal) }),
  }),
  forward({
    name: 'saved_create',
    method: 'POST',
    path: 'saved-searches',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.savedCreate,
    audit: { action: 'traffic.saved_search.create', targetType: 'saved_search', targetFromReply: true },
    summary: 'Save a search under a name (its filters are checked as a search would)',
    body: SavedSearchBodySchema,
    request: ({ body, principal }) => ({ ...body, caller: trafficCaller(principal) }),
  }),
  forward({
    name: 'saved_delete',
    method: 'DELETE',
    path: 'saved-searches/:id',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.savedDelete,
    audit: { action: 'traffic.saved_search.delete', targetType: 'saved_search' },
    request: ({ id, principal }) => ({ id, caller: trafficCaller(principal) }),
    status: 204,
  }),
  forward({
    name: 'history',
    method: 'GET',
    path: 'search-history',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.history,
    summary: 'Your last 50 searches, newest first',
    request: ({ principal }) => ({ caller: trafficCaller(principal) }),
  }),
  forward({
    name: 'history_clear',
    method: 'DELETE',
    path: 'search-history',
    permission: 'traffic:read',
    rpc: Rpc.trafficSearch.historyClear,
    audit: { action: 'traffic.search_history.clear', targetType: 'search_history' },
    request: ({ principal }) => ({ caller: trafficCaller(principal) }),
  }),
]);
