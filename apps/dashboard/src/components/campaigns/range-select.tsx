'use client';

import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { CAMPAIGN_RANGES } from '@/lib/campaigns';

export type CampaignRange = (typeof CAMPAIGN_RANGES)[number]['value'];

/** The "Range" picker of the campaigns pages (days back from today). */
export function RangeSelect({ id, value, onChange }: { id: string; value: CampaignRange; onChange: (value: CampaignRange) => void }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>Range</Label>
      <Select value={value} onValueChange={(next) => onChange(next as CampaignRange)}>
        <SelectTrigger id={id} className="w-44">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {CAMPAIGN_RANGES.map((range) => (
            <SelectItem key={range.value} value={range.value}>
              {range.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}
