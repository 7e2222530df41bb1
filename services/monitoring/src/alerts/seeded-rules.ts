import type { Prisma } from '@castline/db';

/** The rules every install starts with (created once; operators may tune or disable them, not delete them). */
export const SEEDED_RULES: Prisma.AlertRuleCreateManyInput[] = [
  {
    name: 'service DOWN',
    source: 'check_status',
    params: { status: 'down' },
    severity: 'critical',
    groupBy: ['check'],
    groupWaitSeconds: 0,
    builtin: true,
  },
  {
    name: 'channel given up',
    source: 'channel_event',
    params: { event: 'given_up', windowMinutes: 10 },
    severity: 'critical',
    groupBy: ['channel'],
    groupWaitSeconds: 0,
    groupIntervalSeconds: 60,
    builtin: true,
  },
  {
    name: 'channel crash loop',
    source: 'crash_loop',
    params: { restarts: 5, windowMinutes: 10 },
    severity: 'warning',
    groupBy: ['channel'],
    groupWaitSeconds: 30,
    builtin: true,
  },
  {
    name: 'HLS_ROOT below 10 % free',
    source: 'host_metric',
    params: { metric: 'hls_free_percent', op: '<', threshold: 10 },
    forSeconds: 60,
    severity: 'critical',
    groupWaitSeconds: 0,
    builtin: true,
  },
  {
    // Alertmanager already waited and grouped: pass its alerts on at once, grouped by alertname.
    name: 'Alertmanager',
    source: 'alertmanager',
    params: { matchers: [] },
    severity: 'warning',
    groupBy: ['alertname'],
    groupWaitSeconds: 0,
    groupIntervalSeconds: 60,
    builtin: true,
  },
];
