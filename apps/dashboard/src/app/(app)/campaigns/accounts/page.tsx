import type { Metadata } from 'next';
import { AccountsPage } from './accounts-page';

export const metadata: Metadata = { title: 'Ad accounts' };

export default function AccountsRoute() {
  return <AccountsPage />;
}
