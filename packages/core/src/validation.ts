/**
 * zod parsing that fails with a `GreenTrackError` naming each bad field.
 */
import type { z } from 'zod';
import { CommonErrorCode, GreenTrackError, type ValidationIssue } from './errors.js';

/** Turns zod issues into `{ path, message }` with dotted paths. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses `input` with `schema`; on failure throws `code` (default `VALIDATION_FAILED`) with
 * the field list in `details.issues` and in the message, so a log line alone says what broke.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { code?: string; what?: string } = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new GreenTrackError({
    code: options.code ?? CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid ${options.what ?? 'input'}: ${summary}`,
    details: { issues },
  });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a well-formed uuid. Services answer NOT_FOUND (not 400) for an id that fails
 * this, since such a row cannot exist — ids stay opaque, and Postgres never sees a bad uuid.
 */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
