// Edge validation: one zod schema per message; a failure is a 400 that names the failing fields.
import type { z } from 'zod';
import { fromZodError } from './errors.js';

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'message' = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, where);
  return result.data;
}

/** Query parameters as a plain object (last value wins), for schemas. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries(query.entries());
}
