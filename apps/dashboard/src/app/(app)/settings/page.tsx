import { redirect } from 'next/navigation';

/** /settings has no page of its own: encoding presets are the one settings page every role can open. */
export default function SettingsIndex() {
  redirect('/settings/presets');
}
