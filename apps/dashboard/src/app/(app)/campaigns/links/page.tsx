import type { Metadata } from 'next';
import { LinksPage } from './links-page';

export const metadata: Metadata = { title: 'Tracking links' };

export default function LinksRoute() {
  return <LinksPage />;
}
