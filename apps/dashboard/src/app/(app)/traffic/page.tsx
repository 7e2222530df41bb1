import type { Metadata } from 'next';
import { TrafficPage } from './traffic-page';

export const metadata: Metadata = { title: 'Traffic' };

export default function TrafficRoute() {
  return <TrafficPage />;
}
