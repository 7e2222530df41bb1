'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import type { BaseSyntheticEvent } from 'react';
import { type DefaultValues, type FieldPath, type FieldValues, useForm, type UseFormProps, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { formIssueMessage, placeServerError, valueAt } from './form-errors';

/** What the hook needs of a TanStack mutation: `useMutation(...)` fits as it is. */
export interface SubmitMutation<Body, Result> {
  mutateAsync: (body: Body) => Promise<Result>;
}

export interface ZodForm<Input extends FieldValues, Output> extends UseFormReturn<Input, unknown, Output> {
  /** The form's onSubmit: validates with the schema, then sends the parsed body through the mutation. */
  submit: (event?: BaseSyntheticEvent) => Promise<void>;
  /** A refusal that belongs to no field (or a failure to reach the server): shown above the form. */
  rootError: string | undefined;
}

/**
 * A react-hook-form form validated with a contracts schema, the same one the gateway's ZodValidationPipe
 * checks, so no rule is written twice. The parsed body goes to `mutation`; when the server refuses, each field
 * it names (`error.details.fields`) gets its message, and anything else becomes `rootError`. Field errors are
 * never only a toast: mutations used here toast their success, not their refusals.
 */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>, Result>(
  schema: S,
  mutation: SubmitMutation<z.output<S>, Result>,
  options: {
    defaultValues: DefaultValues<z.input<S>>;
    onSuccess?: (result: Result, body: z.output<S>) => void;
    /** Maps a server path to the form's field name where they differ (null: no field shows it). */
    serverField?: (path: string) => string | null;
  } & Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver' | 'defaultValues'>,
): ZodForm<z.input<S>, z.output<S>> {
  const { defaultValues, onSuccess, serverField, ...formOptions } = options;
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never, { error: formIssueMessage }) as never,
    defaultValues,
    ...formOptions,
  });

  const submit = form.handleSubmit(async (body) => {
    let result: Result;
    try {
      result = await mutation.mutateAsync(body);
    } catch (error) {
      const placed = placeServerError(error, (name) => valueAt(form.getValues(), name) !== undefined, serverField);
      placed.fields.forEach(({ name, message }, index) =>
        form.setError(name as FieldPath<z.input<S>>, { type: 'server', message }, { shouldFocus: index === 0 }),
      );
      if (placed.root) form.setError('root.server', { type: 'server', message: placed.root });
      return;
    }
    onSuccess?.(result, body);
  });

  return Object.assign(form, { submit, rootError: form.formState.errors.root?.server?.message });
}
