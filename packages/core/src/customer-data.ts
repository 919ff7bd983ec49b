/**
 * The registry of the tables that hold customer data: for each, which of its rows belong to
 * one customer, what a data-subject export shows of them, and what an erase does to them.
 * Modules declare their tables in their descriptor (`customerData`); the composition root
 * merges the entries, and export, erase and the timeline read the ONE definition of "this
 * customer's rows" from here. A test reads the database catalog: every table with a
 * `customer_id` column, or reaching `customers` through foreign keys, must be registered —
 * so a new module's table cannot be forgotten by erase.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Database } from './db/types.js';

/** The customer whose data is gathered or erased. */
export interface CustomerRef {
  organizationId: string;
  id: string;
  email: string | null;
  phone: string | null;
}

/** The registry's view of `customer` in `organizationId`. */
export function customerRef(
  organizationId: string,
  customer: { id: string; email: string | null; phone: string | null },
): CustomerRef {
  return { organizationId, id: customer.id, email: customer.email, phone: customer.phone };
}

/** A table of the database. */
export type TableName = keyof Database & string;

/**
 * "This row belongs to the customer", for the table under `alias` (the table's own name in
 * an export or an erase; a short alias in the timeline's joins).
 */
export type BelongsTo = (alias: string, who: CustomerRef) => RawBuilder<boolean>;

/** What an erase does with a table's rows of the customer. */
type EraseAction =
  /** Deleted (counted in `EraseResult.deleted`). */
  | { action: 'delete' }
  /**
   * Kept (for revenue, accounting or who-did-what) with personal columns replaced
   * (counted in `EraseResult.redacted`). `set` maps a column to its new value.
   */
  | { action: 'redact'; set: (alias: string) => Record<string, unknown> }
  /** Nothing to do: the rows go with their parent row (e.g. by `ON DELETE CASCADE`), or hold nothing personal. */
  | { action: 'none'; why: string };

/** One table's entry in the registry. */
export interface CustomerDataTable {
  table: TableName;
  /** How the rows reach the customer, for people: `customer_id`, `message_id → messages`, … */
  via: string;
  belongsTo: BelongsTo;
  /**
   * Where the rows appear in the export document (key and row order), or why they do not
   * (e.g. the customer row itself has a field of its own).
   */
  export:
    | {
        as: string;
        orderBy: readonly string[];
        /** The rows to show when they are not the table's own (tags by name, say). */
        rows?: (who: CustomerRef) => RawBuilder<Record<string, unknown>>;
      }
    | { omit: string };
  erase: EraseAction;
  /**
   * Rows of OTHER customers that point at this customer's rows: not theirs to export, but
   * erase must not leave them dangling. Each is deleted (counted in `deleted`) or kept with
   * the reference cleared (`set`, counted in `detached`), after the entry's own erase.
   */
  others?: ReadonlyArray<{ where: BelongsTo; set?: Record<string, null>; why: string }>;
  /**
   * When erase handles the table, lower first: 10 raw inbound copies, 20 rows pointing at
   * history, 30 history, 40 money kept without the person, 50 the customer's own rows,
   * 60 the customer, 90 the audit trail (redacted last, so it cannot miss a row above).
   */
  eraseStage: number;
}

/** What replaces personal JSON that erase keeps the row of. */
export const REDACTED = { redacted: true, reason: 'customer.erase' } as const;

/** `%term%`, lower-cased with LIKE wildcards escaped, for `lower(x) LIKE`. */
export const containing = (term: string) =>
  `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `a.b` as an identifier. */
export const col = (alias: string, column: string) => sql.ref(`${alias}.${column}`);

/** `alias.organization_id = <the customer's organization> AND <condition>`. */
export const inOrganization = (alias: string, who: CustomerRef, condition: RawBuilder<unknown>) =>
  sql<boolean>`${col(alias, 'organization_id')} = ${who.organizationId} AND ${condition}`;

/** `alias.organization_id = org AND alias.customer_id = id`: the common case. */
export const byCustomerId: BelongsTo = (alias, who) =>
  inOrganization(alias, who, sql`${col(alias, 'customer_id')} = ${who.id}`);

/** The registry, merged from the modules and checked for duplicates. */
export interface CustomerDataRegistry {
  readonly tables: readonly CustomerDataTable[];
  /** The entry of `table`; throws for an unregistered table (a programming error). */
  entry(table: TableName): CustomerDataTable;
}

/** Builds the registry from the modules' entries. */
export function customerDataRegistry(entries: readonly CustomerDataTable[]): CustomerDataRegistry {
  const byTable = new Map<string, CustomerDataTable>();
  for (const entry of entries) {
    if (byTable.has(entry.table))
      throw new Error(`Two modules register customer data in ${entry.table}`);
    byTable.set(entry.table, entry);
  }
  const tables = [...entries].sort((a, b) => a.eraseStage - b.eraseStage);
  return {
    tables,
    entry(table) {
      const found = byTable.get(table);
      if (!found) throw new Error(`${table} is not in the customer-data registry`);
      return found;
    },
  };
}

/** `SELECT * FROM table WHERE <belongs to the customer>`, ordered: one table's export rows. */
export function exportRows(
  entry: CustomerDataTable,
  who: CustomerRef,
): RawBuilder<Record<string, unknown>> {
  if ('omit' in entry.export) throw new Error(`${entry.table} is not exported`);
  if (entry.export.rows) return entry.export.rows(who);
  const order = sql.join(entry.export.orderBy.map((c) => col(entry.table, c)));
  return sql<
    Record<string, unknown>
  >`SELECT * FROM ${sql.table(entry.table)} WHERE ${entry.belongsTo(entry.table, who)} ORDER BY ${order}`;
}
