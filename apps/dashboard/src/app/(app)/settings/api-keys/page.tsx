import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ApiKeysPage } from './api-keys-page';

export const metadata: Metadata = { title: 'API keys' };

export default function SettingsApiKeysPage() {
  // The table's page, sort and filters live in the URL query (useSearchParams), hence the Suspense boundary.
  return (
    <Suspense>
      <ApiKeysPage />
    </Suspense>
  );
}
