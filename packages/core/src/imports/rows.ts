/**
 * One CSV record → the customer fields it provides, validated with the customers module's
 * own rules: `customerUpdateSchema` (every field optional, exactly the API's per-field
 * checks) and `normalizeContactFields` (email check, E.164 phones). Nothing is
 * re-implemented here; this file only turns cells into that schema's input.
 */
import {
  type CustomerValueField,
  customerUpdateSchema,
  customerValueFields,
  normalizeContactFields,
} from '../customers/index.js';
import { findUnstorableText } from '../validation.js';
import type { ColumnPlan } from './mapping.js';
import type { ImportRowError } from './schema.js';

/** The stored columns an import can write: the customers module's writable fields. */
export const valueFields = customerValueFields;
export type ValueField = CustomerValueField;

/** What one valid row provides: only its non-empty cells, normalized. */
export interface ParsedRow {
  /** 1-based data row. */
  row: number;
  fields: Partial<Record<ValueField, string>>;
  /** Tags of the row's `tags` column(s), normalized (the import's `tags` option is added later). */
  tags: string[];
}

export type RowOutcome =
  | { kind: 'valid'; value: ParsedRow }
  | { kind: 'invalid'; errors: ImportRowError[] }
  | { kind: 'blank' };

/** Tags in one cell: `vip, wholesale; b2b | 2025`. */
const tagSeparator = /[,;|]/;

/**
 * Validates one record. Empty cells provide nothing (they never clear a stored value);
 * `type` is read case-insensitively; national phone numbers are read in the row's country,
 * else `defaultCountry`. Each bad field is reported once.
 */
export function parseRow(
  row: number,
  cells: readonly string[],
  plan: ColumnPlan,
  defaultCountry: string,
): RowOutcome {
  if (cells.length !== plan.fields.length) {
    return {
      kind: 'invalid',
      errors: [
        {
          row,
          message: `has ${cells.length} fields where the header has ${plan.fields.length}`,
        },
      ],
    };
  }
  const input: Record<string, unknown> = {};
  let tags: string[] | undefined;
  let blank = true;
  cells.forEach((cell, i) => {
    const value = cell.trim();
    if (value !== '') blank = false;
    const field = plan.fields[i];
    if (!field || value === '') return;
    if (field === 'tags')
      tags = [...(tags ?? []), ...value.split(tagSeparator)].filter((t) => t.trim());
    else input[field] = field === 'type' ? value.toLowerCase() : value;
  });
  if (blank) return { kind: 'blank' };
  if (tags) input.tags = tags;

  const errors: ImportRowError[] = [];
  const report = (field: string | undefined, message: string) => {
    if (field !== undefined && errors.some((e) => e.field === field)) return;
    errors.push(field === undefined ? { row, message } : { row, field, message });
  };
  // Postgres cannot store these (NUL): that row's error, not the batch's SQL failure.
  for (const [field, value] of Object.entries(input)) {
    const issue = findUnstorableText(value);
    if (issue) report(field, issue.message);
  }
  if (errors.length > 0) return { kind: 'invalid', errors };
  const parsed = customerUpdateSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      report(field === undefined ? undefined : String(field), issue.message);
    }
  }
  // Contact fields are checked even when another field failed, so one pass names every
  // bad field. Their country is the row's, when that one is valid.
  const country = parsed.success
    ? parsed.data.country
    : customerUpdateSchema.shape.country.safeParse(input.country).data;
  const contact = normalizeContactFields(
    {
      email: typeof input.email === 'string' ? input.email : undefined,
      phone: typeof input.phone === 'string' ? input.phone : undefined,
      country: country ?? null,
    },
    defaultCountry,
  );
  for (const issue of contact.issues) report(issue.path, issue.message);
  if (errors.length > 0 || !parsed.success) return { kind: 'invalid', errors };

  const { email, phone } = contact.value;
  if (!email && !phone) {
    report(undefined, 'needs an email or a phone: customers are matched on these');
    return { kind: 'invalid', errors };
  }
  const fields: Partial<Record<ValueField, string>> = {};
  for (const field of valueFields) {
    const value = field === 'email' ? email : field === 'phone' ? phone : parsed.data[field];
    if (typeof value === 'string' && value !== '') fields[field] = value;
  }
  return { kind: 'valid', value: { row, fields, tags: parsed.data.tags ?? [] } };
}
