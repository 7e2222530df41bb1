import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { AppError } from './errors';

/** Validates a body/query/param with a zod schema; a failure is a 400 listing each bad field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const fields = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const summary = fields.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join('; ');
    throw AppError.badRequest(`Invalid request: ${summary}`, { fields });
  }
}
