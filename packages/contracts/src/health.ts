import { z } from 'zod';
import { SERVICE_NAMES } from './services';

/** `degraded`: working, but something needs attention (e.g. backups: no recent success, a pg_dump of another major). */
export const HealthStatusSchema = z.enum(['up', 'degraded', 'down']);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

export const DependencyHealthSchema = z.object({
  name: z.string(),
  status: HealthStatusSchema,
  latencyMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type DependencyHealth = z.infer<typeof DependencyHealthSchema>;

/** Reply of every `<service>.health` subject. */
export const ServiceHealthReportSchema = z.object({
  service: z.enum(SERVICE_NAMES),
  status: HealthStatusSchema,
  version: z.string(),
  pid: z.number().int(),
  uptimeSeconds: z.number().nonnegative(),
  checks: z.array(DependencyHealthSchema),
});
export type ServiceHealthReport = z.infer<typeof ServiceHealthReportSchema>;
