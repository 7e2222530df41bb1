import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AnalyticsPage } from './analytics-page';

export const metadata: Metadata = { title: 'Analytics' };

export default function AnalyticsRoute() {
  return (
    <Suspense>
      <AnalyticsPage />
    </Suspense>
  );
}
