import type { Metadata } from 'next';
import { HealthPage } from '@/components/alerts/health-page';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Health' };

export default function Page() {
  return (
    <>
      <PageHeader title="Health" description="Built-in and HTTP checks with their status and uptime over 24 hours." />
      <HealthPage />
    </>
  );
}
