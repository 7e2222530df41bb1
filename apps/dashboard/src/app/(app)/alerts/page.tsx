import type { Metadata } from 'next';
import { AlertsPage } from '@/components/alerts/alerts-page';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Alerts' };

export default function Page() {
  return (
    <>
      <PageHeader title="Alerts" description="Alerts the rules fired. Acknowledging stops repeats; the resolution is still sent." />
      <AlertsPage />
    </>
  );
}
