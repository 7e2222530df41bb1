'use client';

import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import type { SiteView } from '@/lib/analytics';

/** The tracked-site picker of the Analytics and Traffic pages. */
export function SiteSelect({ id, sites, value, onChange }: { id: string; sites: SiteView[]; value: string; onChange: (siteId: string) => void }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>Site</Label>
      <Select value={value} onValueChange={onChange}>
        <SelectTrigger id={id} className="w-56">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {sites.map((each) => (
            <SelectItem key={each.id} value={each.id}>
              {each.name} ({each.domain})
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
