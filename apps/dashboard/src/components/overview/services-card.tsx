'use client';

import { ErrorState } from '@/components/error-state';
import { StatusDot } from '@/components/monitoring/status-dot';
import { ToneBadge } from '@/components/monitoring/tone-badge';
import { Card, CardAction, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { formatDuration, formatNumber } from '@/lib/format';
import { usePlatformHealth } from '@/lib/monitoring';

const DEPENDENCY_LABELS: Record<string, string> = { postgres: 'PostgreSQL', redis: 'Redis', nats: 'NATS' };

function Row({ name, up, latencyMs, detail }: { name: string; up: boolean; latencyMs: number; detail?: string }) {
  return (
    <li className="flex items-center gap-2 py-1.5 text-sm">
      <StatusDot up={up} />
      <span className="min-w-0 flex-1 truncate font-medium" title={detail}>
        {name}
      </span>
      {!up && detail && <span className="hidden max-w-40 truncate text-xs text-destructive sm:inline">{detail}</span>}
      <span className="w-16 text-right text-xs tabular-nums text-muted-foreground">{formatNumber(latencyMs, latencyMs < 10 ? 1 : 0)} ms</span>
    </li>
  );
}

/** Platform dependencies and the seven services, polled every 5 s. */
export function ServicesCard() {
  const health = usePlatformHealth(5_000);
  const data = health.data;
  const down = data ? data.dependencies.filter((d) => d.status === 'down').length + data.services.filter((s) => s.status === 'down').length : 0;

  return (
    <Card data-testid="services-card">
      <CardHeader className="flex-row items-center">
        <CardTitle>
          <h2 className="text-base">Services</h2>
        </CardTitle>
        <CardAction>
          {data &&
            (data.status === 'up' ? (
              <ToneBadge tone="success">All up</ToneBadge>
            ) : data.status === 'degraded' ? (
              <ToneBadge tone="warning">Degraded</ToneBadge>
            ) : (
              <ToneBadge tone="destructive">{down} down</ToneBadge>
            ))}
        </CardAction>
      </CardHeader>
      <CardContent>
        {health.isPending ? (
          <div className="space-y-2">
            {Array.from({ length: 8 }, (_, index) => (
              <Skeleton key={index} className="h-5 w-full" />
            ))}
          </div>
        ) : health.isError ? (
          <ErrorState error={health.error} onRetry={() => void health.refetch()} title="Could not check the services" />
        ) : (
          <div className="grid gap-x-6 gap-y-2 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
            <section aria-labelledby="deps-heading">
              <h3 id="deps-heading" className="mb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">
                Platform
              </h3>
              <ul className="divide-y">
                {health.data.dependencies.map((dependency) => (
                  <Row key={dependency.name} name={DEPENDENCY_LABELS[dependency.name] ?? dependency.name} up={dependency.status === 'up'} latencyMs={dependency.latencyMs} detail={dependency.error} />
                ))}
              </ul>
            </section>
            <section aria-labelledby="services-heading">
              <h3 id="services-heading" className="mb-1 text-xs font-medium uppercase tracking-wide text-muted-foreground">
                Services
              </h3>
              <ul className="divide-y">
                {health.data.services.map((service) => (
                  <Row
                    key={service.name}
                    name={service.name}
                    up={service.status === 'up'}
                    latencyMs={service.latencyMs}
                    detail={
                      service.status === 'up'
                        ? `v${service.version ?? '?'} · pid ${service.pid ?? '?'} · up ${formatDuration(service.uptimeSeconds)}`
                        : (service.error ?? service.checks?.filter((check) => check.status !== 'up').map((check) => `${check.name}: ${check.error ?? check.status}`).join('; '))
                    }
                  />
                ))}
              </ul>
            </section>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
