'use client';

import { TriangleAlertIcon } from 'lucide-react';
import { type ReactNode, useId } from 'react';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/utils';

/** The attributes that tie a control to its field's label, hint and error. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A labelled form field: the control (given its id and aria attributes), then the error in place of the hint
 * when there is one. `warning` is for what is allowed but worth a second look.
 */
export function FormField({
  label,
  error,
  hint,
  warning,
  optional = false,
  className,
  id: givenId,
  children,
}: {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  warning?: ReactNode;
  optional?: boolean;
  className?: string;
  id?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const generated = useId();
  const id = givenId ?? generated;
  const messageId = `${id}-message`;
  const warningId = `${id}-warning`;
  const describedBy = [error || hint ? messageId : null, warning ? warningId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('grid content-start gap-1.5', className)} data-invalid={error ? true : undefined}>
      <div className="flex items-baseline gap-1.5">
        <Label htmlFor={id}>{label}</Label>
        {optional && <span className="text-xs text-muted-foreground">optional</span>}
      </div>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {warning && (
        <p id={warningId} className="flex items-start gap-1.5 text-xs text-foreground" data-field-warning>
          <TriangleAlertIcon className="mt-px size-3.5 shrink-0 text-warning" aria-hidden />
          <span>{warning}</span>
        </p>
      )}
      {(error || hint) && (
        <p id={messageId} className={error ? 'text-xs text-destructive' : 'text-xs text-muted-foreground'} data-field-error={error ? true : undefined}>
          {error ?? hint}
        </p>
      )}
    </div>
  );
}

/** A refusal that belongs to no single field, above the form. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
      {message}
    </div>
  );
}

/** A dialog form's Cancel and submit buttons; the submit says it is busy while the request is out. */
export function FormActions({ onCancel, submitting, label, busyLabel, disabled = false }: { onCancel: () => void; submitting: boolean; label: string; busyLabel: string; disabled?: boolean }) {
  return (
    <DialogFooter>
      <Button type="button" variant="outline" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" disabled={submitting || disabled}>
        {submitting ? busyLabel : label}
      </Button>
    </DialogFooter>
  );
}
