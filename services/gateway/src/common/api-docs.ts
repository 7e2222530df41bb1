import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** OpenAPI request body from the same zod schema that validates it. */
export const ApiZodBody = (schema: z.ZodType) =>
  ApiBody({ schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as object });

/** One OpenAPI query parameter per field of a zod object schema. */
export const ApiZodQuery = (schema: z.ZodObject) =>
  applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({
        name,
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as object,
      }),
    ),
  );

/** OpenAPI response body from a view schema of @castline/contracts (what the route answers, as JSON). */
export const ApiZodResponse = (schema: z.ZodType, status = 200) =>
  ApiResponse({ status, schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as object });
