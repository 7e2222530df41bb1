/**
 * Messages of a form validated with the contracts' zod schemas: plain wording for the schema's generic
 * checks, and where a server refusal goes (on its field when the server names one, else above the form).
 */
import { FieldProblemsSchema } from '@castline/contracts';
import type { z } from 'zod';
import { ApiError, describeError } from './api';

/** Short messages for zod's generic checks; a message written in the schema itself always wins over these. */
export function formIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input;
  const empty = input === undefined || input === null || input === '' || (typeof input === 'number' && Number.isNaN(input));
  if (empty && (issue.code === 'invalid_type' || issue.code === 'invalid_format' || issue.code === 'too_small')) return 'Required';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'A whole number';
      if (issue.expected === 'number') return 'A number';
      return undefined;
    case 'too_small':
      if (issue.origin === 'number') return `At least ${issue.minimum}`;
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required' : `At least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `At least ${issue.minimum}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'number') return `At most ${issue.maximum}`;
      if (issue.origin === 'string') return `At most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `At most ${issue.maximum}`;
      return undefined;
    case 'not_multiple_of':
      return Number(issue.divisor) === 2 ? 'An even number' : `A multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
}

export interface PlacedError {
  /** Messages for fields the form has. */
  fields: Array<{ name: string; message: string }>;
  /** What belongs to no field the form shows: said above the form, never only in a toast. */
  root: string | null;
}

/**
 * Places a refused submit. The server names fields in `details.fields[].path` (a 400 VALIDATION_FAILED lists
 * every bad one; a 409 names the one it is about, like a taken slug). Each lands on that field, or on the
 * nearest enclosing one the form has (`logo.uploadId` on `logo`); `rename` maps the body's names to the
 * form's where they differ. Anything left, and a refusal naming no field, becomes the form-level message.
 */
export function placeServerError(error: unknown, hasField: (name: string) => boolean, rename: (path: string) => string | null = (path) => path): PlacedError {
  const details = error instanceof ApiError ? FieldProblemsSchema.safeParse(error.details) : null;
  if (!details?.success) return { fields: [], root: describeError(error) };
  const fields: PlacedError['fields'] = [];
  const unplaced: string[] = [];
  for (const problem of details.data.fields) {
    const name = nearestField(rename(problem.path), hasField);
    if (name && !fields.some((field) => field.name === name)) fields.push({ name, message: problem.message });
    else if (!name) unplaced.push(problem.path ? `${problem.path}: ${problem.message}` : problem.message);
  }
  if (fields.length === 0) return { fields, root: (error as ApiError).message };
  return { fields, root: unplaced.length ? unplaced.join('; ') : null };
}

function nearestField(path: string | null, hasField: (name: string) => boolean): string | null {
  if (path === null) return null;
  const parts = path.split('.').filter(Boolean);
  for (let length = parts.length; length > 0; length -= 1) {
    const name = parts.slice(0, length).join('.');
    if (hasField(name)) return name;
  }
  return null;
}

/** The value at a dotted path of a form's values (`sources.1.url`); undefined where there is none. */
export function valueAt(values: unknown, path: string): unknown {
  let current = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
