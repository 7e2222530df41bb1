'use client';

import { toNestErrors } from '@hookform/resolvers';
import { zodResolver } from '@hookform/resolvers/zod';
import type { BaseSyntheticEvent } from 'react';
import { type DefaultValues, type FieldError, type FieldPath, type FieldValues, type Resolver, useForm, type UseFormProps, type UseFormReturn } from 'react-hook-form';
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
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>, Result, Values extends FieldValues = z.input<S>>(
  schema: S,
  mutation: SubmitMutation<z.output<S>, Result>,
  options: {
    defaultValues: DefaultValues<NoInfer<Values>>;
    onSuccess?: (result: Result, body: z.output<S>) => void;
    /**
     * For a form whose values are not the body itself (blank rows, "keep as is" choices): the body input they
     * mean, and the form field each of its paths belongs to (for the schema's issues and the server's alike).
     */
    prepare?: (values: Values) => { input: unknown; fieldOf: (path: string) => string | null };
  } & Omit<UseFormProps<Values, unknown, z.output<S>>, 'resolver' | 'defaultValues'>,
): ZodForm<Values, z.output<S>> {
  const { defaultValues, onSuccess, prepare, ...formOptions } = options;
  const form = useForm<Values, unknown, z.output<S>>({
    resolver: prepare ? preparedResolver(schema, prepare) : (zodResolver(schema as never, { error: formIssueMessage }) as never),
    defaultValues,
    ...formOptions,
  });

  const submit = form.handleSubmit(async (body) => {
    let result: Result;
    try {
      result = await mutation.mutateAsync(body);
    } catch (error) {
      const fieldOf = prepare?.(form.getValues()).fieldOf;
      const placed = placeServerError(error, (name) => valueAt(form.getValues(), name) !== undefined, fieldOf);
      placed.fields.forEach(({ name, message }, index) => form.setError(name as FieldPath<Values>, { type: 'server', message }, { shouldFocus: index === 0 }));
      if (placed.root) form.setError('root.server', { type: 'server', message: placed.root });
      return;
    }
    onSuccess?.(result, body);
  });

  return Object.assign(form, { submit, rootError: form.formState.errors.root?.server?.message });
}

/** zodResolver's work for a prepared input: parse it with the schema, put each issue on the field it belongs to. */
function preparedResolver<S extends z.ZodType, Values extends FieldValues>(
  schema: S,
  prepare: (values: Values) => { input: unknown; fieldOf: (path: string) => string | null },
): Resolver<Values, unknown, z.output<S>> {
  return async (values, _context, options) => {
    const { input, fieldOf } = prepare(values);
    const result = await schema.safeParseAsync(input, { error: formIssueMessage });
    if (result.success) return { values: result.data, errors: {} };
    const errors: Record<string, FieldError> = {};
    for (const issue of result.error.issues) {
      const name = fieldOf(issue.path.join('.')) ?? 'root.schema';
      errors[name] ??= { type: issue.code, message: issue.message };
    }
    return { values: {}, errors: toNestErrors(errors, options) };
  };
}
