'use client';

import { PageHeader } from '@/components/page-header';

export function Overview() {
  return <PageHeader title="Overview" description="The platform at a glance." />;
}
