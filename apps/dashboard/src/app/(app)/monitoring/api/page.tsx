import type { Metadata } from 'next';
import { ApiMetricsPage } from '@/components/monitoring/api-metrics-page';

export const metadata: Metadata = { title: 'API' };

export default function Page() {
  return <ApiMetricsPage />;
}
