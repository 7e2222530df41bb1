import type { Metadata } from 'next';
import { CampaignDetailPage } from './campaign-detail-page';

export const metadata: Metadata = { title: 'Campaign' };

export default async function CampaignRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CampaignDetailPage id={id} />;
}
