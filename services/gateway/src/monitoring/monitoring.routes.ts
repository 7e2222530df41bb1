import { ApiMetricsQuerySchema, Rpc } from '@castline/contracts';
import { z } from 'zod';
import { forward, forwardController } from '../common/forward';

/** Host and live-output monitoring, answered by the monitoring service over NATS. */
export const MonitoringController = forwardController('MonitoringController', 'monitoring', 'monitoring', [
  forward({
    name: 'system',
    method: 'GET',
    path: 'system',
    permission: 'monitoring:read',
    rpc: Rpc.monitoring.system,
    summary: 'Host CPU per core and total, load, memory, disks (HLS_ROOT, data) and network rates, sampled every second',
  }),
  forward({
    name: 'processes',
    method: 'GET',
    path: 'processes',
    permission: 'monitoring:read',
    rpc: Rpc.monitoring.processes,
    summary: 'Every FFmpeg process of the live channels with its channel, worker, CPU, memory and I/O (reported in the last 10 s)',
  }),
  forward({
    name: 'streams',
    method: 'GET',
    path: 'streams',
    permission: 'monitoring:read',
    rpc: Rpc.monitoring.streams,
    summary: 'Running channels with their output bitrate, fps and speed, and viewers + egress from the traffic-logger (null when no count is fresh)',
  }),
  forward({
    name: 'apiMetrics',
    method: 'GET',
    path: 'api-metrics',
    permission: 'monitoring:read',
    rpc: Rpc.apiMetrics.query,
    query: ApiMetricsQuerySchema,
    summary: 'Requests per route over a range: count, error rate (5xx), mean and p50/p95/p99 from summed log-scale buckets (<= 5 % error), and a series for the chart',
  }),
]);

const ActivityQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** Recent activity for the overview page, answered by the monitoring service over NATS. */
export const ActivityController = forwardController('ActivityController', 'activity', 'activity', [
  forward({
    name: 'recent',
    method: 'GET',
    path: '',
    permission: 'activity:read',
    rpc: Rpc.monitoring.recentActivity,
    summary: 'Latest audit entries (who did what), newest first',
    query: ActivityQuerySchema,
  }),
]);
