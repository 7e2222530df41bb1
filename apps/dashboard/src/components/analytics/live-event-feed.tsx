'use client';

import { RadioIcon } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { countryFlag, followSiteEvents, type TrafficLiveEvent } from '@/lib/analytics';

/** How many of the newest events the feed keeps on screen. */
const SHOWN = 25;

/**
 * A site's page views and custom events as they are stored, newest first, over the gateway's event stream
 * (reconnecting by itself). What the feed shows is what collect stored: bots are already left out upstream.
 */
export function LiveEventFeed({ siteId }: { siteId: string }) {
  // Keyed by site: another site starts from an empty feed.
  return <SiteFeed key={siteId} siteId={siteId} />;
}

function SiteFeed({ siteId }: { siteId: string }) {
  // Each event numbered on arrival: a stable row key while newer ones push it down.
  const [events, setEvents] = useState<Array<TrafficLiveEvent & { seq: number }>>([]);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let seq = 0;
    return followSiteEvents(
      siteId,
      (incoming) => setEvents((current) => [...incoming.map((event) => ({ ...event, seq: (seq += 1) })).reverse(), ...current].slice(0, SHOWN)),
      setConnected,
    );
  }, [siteId]);

  return (
    <section aria-labelledby="live-feed-title" data-testid="live-feed">
      <div className="mb-2 flex items-center gap-2">
        <h2 id="live-feed-title" className="text-lg font-semibold">
          Live feed
        </h2>
        <span className="flex items-center gap-1 text-xs text-muted-foreground">
          <RadioIcon className={connected ? 'size-4 text-success' : 'size-4'} aria-hidden />
          {connected ? 'connected' : 'connecting…'}
        </span>
      </div>
      {events.length === 0 ? (
        <p className="rounded-md border border-dashed p-4 text-sm text-muted-foreground">Page views and events appear here as visitors send them.</p>
      ) : (
        <Table aria-label="Live events">
          <TableHeader>
            <TableRow>
              <TableHead>Time</TableHead>
              <TableHead>Event</TableHead>
              <TableHead>Page</TableHead>
              <TableHead>Referrer</TableHead>
              <TableHead>Country</TableHead>
              <TableHead>Device</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody aria-live="polite">
            {events.map((event) => (
              <TableRow key={event.seq}>
                <TableCell className="whitespace-nowrap tabular-nums text-muted-foreground">{new Date(event.ts).toLocaleTimeString()}</TableCell>
                <TableCell>{event.name === 'page_view' ? 'page view' : event.name}</TableCell>
                <TableCell className="max-w-xs truncate font-mono text-xs">{event.path}</TableCell>
                <TableCell className="text-muted-foreground">{event.referrerDomain ?? '—'}</TableCell>
                <TableCell>{event.country ? `${countryFlag(event.country)} ${event.country}` : '—'}</TableCell>
                <TableCell className="text-muted-foreground">{[event.device, event.browser].filter(Boolean).join(' · ') || '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
