import type { Metadata } from 'next';
import { SilencesPage } from '@/components/alerts/silences-page';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Silences' };

export default function Page() {
  return (
    <>
      <PageHeader title="Silences" description="Hold notifications of matching alerts for a while; alerts are still recorded." />
      <SilencesPage />
    </>
  );
}
