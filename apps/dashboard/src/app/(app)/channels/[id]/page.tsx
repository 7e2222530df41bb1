import type { Metadata } from 'next';
import { ChannelDetail } from './channel-detail';

export const metadata: Metadata = { title: 'Channel' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ChannelDetail id={id} />;
}
