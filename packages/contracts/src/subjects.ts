import type { ServiceName } from './services';

/** NATS request/reply subjects. Handlers and callers both import these; never spell a subject inline. */
export const Subjects = {
  health: (service: ServiceName) => `${service}.health` as const,
  monitoringRecentActivity: 'monitoring.activity.recent',
} as const;
