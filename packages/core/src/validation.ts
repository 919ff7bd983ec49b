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

/** With the `u` flag only unpaired surrogates match (`String#isWellFormed` is ES2024). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first string in `value` (object keys included, at any depth) that Postgres cannot
 * store as text or jsonb, or that is not well-formed UTF-16, as a validation issue.
 *
 * Postgres rejects U+0000 in `text` and `jsonb` (a 500 after validation passed); a lone
 * surrogate fails in `jsonb` and silently becomes U+FFFD in `text`, so a secret or a name
 * would be stored altered. The walk is iterative, so any nesting depth is safe.
 */
export function findUnstorableText(value: unknown): ValidationIssue | null {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  const seen = new Set<object>();
  const check = (text: string, path: string[]): ValidationIssue | null => {
    const message = text.includes('\u0000')
      ? 'must not contain NUL characters'
      : LONE_SURROGATE.test(text)
        ? 'must not contain lone UTF-16 surrogates'
        : null;
    return message === null ? null : { path: path.join('.') || '(root)', message };
  };
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: current, path } = item;
    if (typeof current === 'string') {
      const issue = check(current, path);
      if (issue) return issue;
      continue;
    }
    if (!isPlainData(current) || seen.has(current)) continue;
    seen.add(current);
    // Reversed, so fields are reported in their written order.
    const entries = Object.entries(current).reverse();
    for (const [key, child] of entries) {
      const childPath = [...path, key];
      const issue = Array.isArray(current) ? null : check(key, childPath);
      if (issue) return issue;
      stack.push({ value: child, path: childPath });
    }
  }
  return null;
}

/**
 * Arrays and plain objects: what JSON and zod inputs are made of. Anything else (a stream,
 * a pool, a Date) is not walked: its getters are not ours to call.
 */
function isPlainData(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Throws `code` (default `VALIDATION_FAILED`) naming the first string
 * {@link findUnstorableText} finds, with `details` shaped like a zod failure's.
 */
export function assertStorableText(
  value: unknown,
  options: { code?: string; what?: string; location?: string } = {},
): void {
  const issue = findUnstorableText(value);
  if (!issue) return;
  throw new GreenTrackError({
    code: options.code ?? CommonErrorCode.VALIDATION_FAILED,
    message: `Invalid ${options.what ?? 'input'}: ${issue.path}: ${issue.message}`,
    details: {
      ...(options.location === undefined ? {} : { location: options.location }),
      issues: [issue],
    },
  });
}

/**
 * Parses `input` with `schema`; on failure throws `code` (default `VALIDATION_FAILED`) with
 * the field list in `details.issues` and in the message, so a log line alone says what broke.
 * Strings Postgres cannot store (NUL, lone surrogates) fail first, whatever the schema.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { code?: string; what?: string } = {},
): z.output<S> {
  // Before zod: every service input is refused here, whatever its schema says about strings.
  assertStorableText(input, options);
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
