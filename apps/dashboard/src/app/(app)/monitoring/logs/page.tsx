import type { Metadata } from 'next';
import { LogsPage } from '@/components/monitoring/logs-page';

export const metadata: Metadata = { title: 'Logs' };

export default function Page() {
  return <LogsPage />;
}
