import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CampaignsPage } from './campaigns-page';

export const metadata: Metadata = { title: 'Campaigns' };

export default function CampaignsRoute() {
  return (
    <Suspense>
      <CampaignsPage />
    </Suspense>
  );
}
