import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuditPage } from './audit-page';

export const metadata: Metadata = { title: 'Audit log' };

/** The filters live in the URL query (useSearchParams), hence the Suspense boundary. */
export default function SettingsAuditPage() {
  return (
    <Suspense>
      <AuditPage />
    </Suspense>
  );
}
