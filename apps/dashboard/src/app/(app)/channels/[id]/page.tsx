import type { Metadata } from 'next';
import { ChannelPage } from './channel-page';

export const metadata: Metadata = { title: 'Channel' };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ChannelPage id={id} />;
}
