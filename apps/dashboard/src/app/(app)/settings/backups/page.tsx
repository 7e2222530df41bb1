import type { Metadata } from 'next';
import { Suspense } from 'react';
import { BackupsPage } from './backups-page';

export const metadata: Metadata = { title: 'Backups' };

export default function SettingsBackupsPage() {
  // The table's page lives in the URL query (useSearchParams), hence the Suspense boundary.
  return (
    <Suspense>
      <BackupsPage />
    </Suspense>
  );
}
