import type { Metadata } from 'next';
import { EmbedPlayer } from './embed-player';

export const metadata: Metadata = { title: 'Video' };

/** /embed/<id>: a library video for other sites' iframes (no login; nginx sets frame-ancestors). */
export default async function EmbedPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EmbedPlayer id={id} />;
}
