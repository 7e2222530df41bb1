import type { Metadata } from 'next';
import { PresetsPage } from './presets-page';

export const metadata: Metadata = { title: 'Encoding presets' };

export default function SettingsPresetsPage() {
  return <PresetsPage />;
}
