import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header';
import { SystemMonitor } from '@/components/monitoring/system-monitor';

export const metadata: Metadata = { title: 'System' };

export default function SystemPage() {
  return (
    <>
      <PageHeader title="System" description="The host: CPU, memory, disks and network, refreshed every 2 seconds." />
      <SystemMonitor />
    </>
  );
}
