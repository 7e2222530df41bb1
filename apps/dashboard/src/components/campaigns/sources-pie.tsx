'use client';

import type { AnalyticsReply } from '@castline/contracts';
import { useState } from 'react';
import { Cell, Legend, Pie, PieChart, Tooltip } from 'recharts';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';

type Counted = 'clicks' | 'conversions';
const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];
const KIND_LABEL = { utm: 'utm_source', click_id: 'ad click id', referrer: 'referrer', direct: 'no source', other: 'smaller sources' } as const;

/**
 * Where the tracked clicks or conversions of the range came from (utm_source, ad click id platform, referrer
 * domain, direct), as the analytics API classifies them. Counts, so one chart whatever the currencies.
 */
export function SourcesPie({ sources }: { sources: AnalyticsReply['sources'] | undefined }) {
  const [counted, setCounted] = useState<Counted>('clicks');
  const data = (sources ?? []).filter((share) => share[counted] > 0).map((share) => ({ name: share.source, kind: share.kind, value: share[counted] }));
  const total = data.reduce((sum, share) => sum + share.value, 0);
  return (
    <Card className="mb-6">
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <CardTitle>Traffic sources</CardTitle>
        <div className="flex gap-1" role="group" aria-label="Count">
          {(['clicks', 'conversions'] as const).map((each) => (
            <Button key={each} type="button" size="sm" variant={counted === each ? 'secondary' : 'ghost'} aria-pressed={counted === each} onClick={() => setCounted(each)}>
              {each === 'clicks' ? 'Clicks' : 'Conversions'}
            </Button>
          ))}
        </div>
      </CardHeader>
      <CardContent>
        {total > 0 ? (
          <div role="img" aria-label={`${counted === 'clicks' ? 'Clicks' : 'Conversions'} by source: ${data.map((share) => `${share.name} ${share.value}`).join(', ')}`} data-testid="sources-chart">
            <PieChart responsive style={{ width: '100%', height: 260 }}>
              <Pie data={data} dataKey="value" nameKey="name" innerRadius="45%" outerRadius="80%" isAnimationActive={false}>
                {data.map((share, index) => (
                  <Cell key={share.name} fill={COLORS[index % COLORS.length]} data-source={share.name} />
                ))}
              </Pie>
              <Tooltip formatter={(value, name, item) => [`${String(value)} (${Math.round((100 * Number(value)) / total)} %)`, `${String(name)} · ${KIND_LABEL[(item.payload as { kind: keyof typeof KIND_LABEL }).kind]}`]} />
              <Legend />
            </PieChart>
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">No tracked {counted} in this range yet: tracking links and the pixel fill this chart.</p>
        )}
      </CardContent>
    </Card>
  );
}
