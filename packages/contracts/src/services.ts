/** The seven Castline services. Order is the order they are listed in health reports. */
export const SERVICE_NAMES = [
  'gateway',
  'channels',
  'monitoring',
  'backup',
  'campaigns',
  'traffic-logger',
  'media',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Default HTTP port of each service (/metrics, /healthz; the gateway also serves the REST API). */
export const SERVICE_PORTS: Record<ServiceName, number> = {
  gateway: 3000,
  channels: 3002,
  monitoring: 3003,
  backup: 3004,
  campaigns: 3005,
  'traffic-logger': 3006,
  media: 3007,
};
