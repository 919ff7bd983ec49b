/**
 * A batch's rows applied to the customers they match, in memory and in file order: which
 * customers the batch creates, which it changes and how, and which rows fail. The database
 * side (finding the matches, writing the result) is `merge.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { ParsedRow, ValueField } from './rows.js';
import { valueFields } from './rows.js';
import type { ImportRowError, importOptionsSchema } from './schema.js';

type ImportOptionsParsed = ReturnType<typeof importOptionsSchema.parse>;

/** A customer's stored fields, as the import compares and writes them. */
type Values = Record<ValueField, string | null>;

/** One customer a batch touches: an existing one (matched) or one it creates. */
export interface Target {
  id: string;
  isNew: boolean;
  /** Stored values when the batch started (`null` for new ones). */
  original: Values | null;
  /** Values after the rows of this batch were applied, in file order. */
  current: Values;
  /** Linked tag names when the batch started, by lowercase name. */
  storedTags: Set<string>;
  /** Tags after the rows were applied: lowercase → spelling to create it with. */
  tags: Map<string, string>;
  /** The rows applied to it, in order, and whether each changed anything when applied. */
  rows: Array<{ row: number; changed: boolean }>;
}

/** What the database holds for a matched customer. */
export interface StoredCustomer extends Values {
  id: string;
  tags: string[];
  created_at: Date;
}

/** Email keys compare like the `citext` column does. */
export const emailKey = (email: string) => email.toLowerCase();

function sameValue(field: ValueField, a: string | null, b: string | null): boolean {
  if (field === 'email' && a !== null && b !== null) return emailKey(a) === emailKey(b);
  return a === b;
}

/**
 * Applies the batch's rows, in file order, to the stored matches and to the customers the
 * batch creates. Indexes follow the values as they change, exactly as if each row had been
 * written before the next was matched.
 */
export function applyRows(
  stored: readonly StoredCustomer[],
  rows: readonly ParsedRow[],
  opts: Pick<ImportOptionsParsed, 'defaultType' | 'defaultCountry' | 'tags'>,
): { targets: Target[]; rowErrors: ImportRowError[][] } {
  const byEmail = new Map<string, Target>();
  const byPhone = new Map<string, Target>();
  const targets: Target[] = [];
  const index = (target: Target) => {
    const { email, phone } = target.current;
    // First come keeps a key: stored rows arrive oldest first.
    if (email && !byEmail.has(emailKey(email))) byEmail.set(emailKey(email), target);
    if (phone && !byPhone.has(phone)) byPhone.set(phone, target);
  };
  for (const customer of stored) {
    const values = Object.fromEntries(valueFields.map((f) => [f, customer[f]])) as Values;
    const tagNames = Array.isArray(customer.tags) ? customer.tags : [];
    const target: Target = {
      id: customer.id,
      isNew: false,
      original: values,
      current: { ...values },
      storedTags: new Set(tagNames.map((t) => t.toLowerCase())),
      tags: new Map(tagNames.map((t) => [t.toLowerCase(), t])),
      rows: [],
    };
    index(target);
  }

  const rowErrors: ImportRowError[][] = [];
  for (const parsed of rows) {
    const { email, phone } = parsed.fields;
    let target = (email && byEmail.get(emailKey(email))) || (phone && byPhone.get(phone)) || null;
    if (!target) {
      if (!parsed.fields.name) {
        rowErrors.push([
          {
            row: parsed.row,
            field: 'name',
            message: 'required to create a customer (no customer has this email or phone)',
          },
        ]);
        continue;
      }
      const blank = Object.fromEntries(valueFields.map((f) => [f, null])) as Values;
      target = {
        id: randomUUID(),
        isNew: true,
        original: null,
        current: { ...blank, type: opts.defaultType, country: opts.defaultCountry },
        storedTags: new Set(),
        tags: new Map(),
        rows: [],
      };
      targets.push(target);
    } else if (target.rows.length === 0 && !target.isNew) {
      targets.push(target);
    }

    let changed = false;
    const before = { email: target.current.email, phone: target.current.phone };
    for (const field of valueFields) {
      const value = parsed.fields[field];
      if (value === undefined || sameValue(field, target.current[field], value)) continue;
      target.current[field] = value;
      changed = true;
    }
    for (const tag of [...parsed.tags, ...opts.tags]) {
      const key = tag.toLowerCase();
      if (target.tags.has(key)) continue;
      target.tags.set(key, tag);
      changed = true;
    }
    // Keys the customer no longer holds stop matching it; its new ones start to.
    if (before.email && !sameValue('email', before.email, target.current.email)) {
      if (byEmail.get(emailKey(before.email)) === target) byEmail.delete(emailKey(before.email));
    }
    if (before.phone && before.phone !== target.current.phone) {
      if (byPhone.get(before.phone) === target) byPhone.delete(before.phone);
    }
    index(target);
    target.rows.push({ row: parsed.row, changed });
  }
  return { targets, rowErrors };
}

/** True when the batch leaves the stored customer different (values or tags). */
export function isChanged(target: Target): boolean {
  if (target.isNew || !target.original) return true;
  const original = target.original;
  if (valueFields.some((f) => !sameValue(f, original[f], target.current[f]))) return true;
  return [...target.tags.keys()].some((key) => !target.storedTags.has(key));
}
