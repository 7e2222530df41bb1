'use client';

import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { Trash2Icon } from 'lucide-react';
import type { ReactNode } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Button } from '@/components/ui/button';
import { api, describeError } from '@/lib/api';

/**
 * The Delete of a row: asks first (what deleting it does), then DELETEs `path`, says how it went in a toast (a
 * refusal such as "in use" with the server's reason) and refreshes the queries that listed it.
 */
export function DeleteButton({ name, path, description, invalidate }: { name: string; path: string; description: ReactNode; invalidate: QueryKey[] }) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<void>(path, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success(`"${name}" deleted`);
      for (const queryKey of invalidate) void client.invalidateQueries({ queryKey });
    },
    onError: (error) => toast.error(`Could not delete "${name}"`, { description: describeError(error) }),
  });
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-destructive hover:text-destructive" disabled={remove.isPending} aria-label={`Delete ${name}`}>
          <Trash2Icon aria-hidden /> Delete
        </Button>
      }
      title={`Delete "${name}"?`}
      description={description}
      confirmLabel="Delete"
      onConfirm={() => remove.mutate()}
    />
  );
}
