'use client';

import { PasswordSchema } from '@castline/contracts';
import { EyeIcon, EyeOffIcon, WandSparklesIcon } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { generatePassword } from '@/lib/settings';
import { CopyButton } from './common';

/**
 * A password input for an administrator setting someone else's password: "Generate" fills a strong random
 * one and shows it so it can be copied and handed over.
 */
export function PasswordField({
  id,
  label,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
}) {
  const [revealed, setRevealed] = useState(false);
  const hintId = `${id}-hint`;
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex gap-2">
        <div className="relative min-w-0 flex-1">
          <Input
            id={id}
            type={revealed ? 'text' : 'password'}
            autoComplete="new-password"
            spellCheck={false}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={hintId}
            className="pr-9 font-mono"
          />
          <Button
            type="button"
            variant="ghost"
            size="icon-sm"
            className="absolute top-0.5 right-0.5 size-8"
            aria-label={revealed ? 'Hide characters' : 'Show characters'}
            aria-pressed={revealed}
            onClick={() => setRevealed((current) => !current)}
          >
            {revealed ? <EyeOffIcon aria-hidden /> : <EyeIcon aria-hidden />}
          </Button>
        </div>
        <Button
          type="button"
          variant="outline"
          onClick={() => {
            onChange(generatePassword());
            setRevealed(true);
          }}
        >
          <WandSparklesIcon aria-hidden /> Generate
        </Button>
        {value && <CopyButton value={value} what="Password" className="hidden sm:inline-flex" />}
      </div>
      <p id={hintId} className={error ? 'text-xs text-destructive' : 'text-xs text-muted-foreground'}>
        {error ?? `At least ${PasswordSchema.minLength} characters. Generate one and share it with the user over a safe channel.`}
      </p>
    </div>
  );
}
