import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ChannelsPage } from './channels-page';

export const metadata: Metadata = { title: 'Channels' };

export default function Page() {
  return (
    <Suspense>
      <ChannelsPage />
    </Suspense>
  );
}
