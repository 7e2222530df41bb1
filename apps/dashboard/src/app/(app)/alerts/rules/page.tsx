import type { Metadata } from 'next';
import { RulesPage } from '@/components/alerts/rules-page';
import { PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Rules' };

export default function Page() {
  return (
    <>
      <PageHeader title="Rules" description="What fires an alert, how long it must hold and how notifications are grouped." />
      <RulesPage />
    </>
  );
}
