import type { Metadata } from 'next';
import { Suspense } from 'react';
import { UsersPage } from './users-page';

export const metadata: Metadata = { title: 'Users' };

export default function SettingsUsersPage() {
  // The table's page, sort and filters live in the URL query (useSearchParams), hence the Suspense boundary.
  return (
    <Suspense>
      <UsersPage />
    </Suspense>
  );
}
