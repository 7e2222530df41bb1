import type { Metadata } from 'next';
import { ReceiversPage } from '@/components/alerts/receivers-page';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Receivers' };

export default function Page() {
  return (
    <>
      <PageHeader title="Receivers" description="Where notifications go. URLs, tokens and passwords are never shown." />
      <ReceiversPage />
    </>
  );
}
