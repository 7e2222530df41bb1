import type { Metadata } from 'next';
import { ProcessTable } from '@/components/monitoring/process-table';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Processes' };

export default function ProcessesPage() {
  return (
    <>
      <PageHeader title="Processes" description="FFmpeg processes of the live channels, refreshed every 2 seconds. CPU 100% is one core." />
      <ProcessTable />
    </>
  );
}
