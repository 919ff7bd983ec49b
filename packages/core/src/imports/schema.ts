/**
 * zod inputs and outputs of the CSV import. Field rules are not restated here: rows are
 * validated with the customers module's own schema (see `rows.ts`), and the options reuse
 * its `type`, `country` and `tags` rules so an import accepts exactly what the API accepts.
 */
import { z } from '@hono/zod-openapi';
import { customerUpdateSchema, customerValueFields } from '../customers/index.js';

const customerRules = customerUpdateSchema.shape;

/** The customer fields a CSV column can fill. `tags` cells hold several tags (`a, b; c`). */
export const customerFieldSchema = z.enum([...customerValueFields, 'tags']);
export type CustomerField = z.infer<typeof customerFieldSchema>;

/** CSV header → field; `null` ignores a column that would otherwise be recognized. */
const importMappingSchema = z.record(z.string().trim().min(1), customerFieldSchema.nullable());

/** Progress after each committed batch: cumulative counts of the whole import so far. */
export interface ImportProgress {
  /** Groups the audit rows and events of one import. */
  importId: string;
  /** 1-based number of the batch just committed. */
  batch: number;
  /** Data rows of that batch (1-based, header excluded), inclusive. */
  rows: { from: number; to: number };
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  /** Rows rejected so far. */
  failed: number;
}

/** Options of `importCustomers` / `gt.as(...).customers.import`. */
export interface ImportOptions {
  /**
   * CSV header → customer field, matched to headers case-insensitively; `null` ignores a
   * column. Headers left unmapped are recognized by field name (case, spaces, dashes do
   * not matter: `Postal Code` = `postal_code`) or by a common alias (`E-mail`,
   * `Phone Number`, `Zip`, `Mobile`, `Company`…); anything else is ignored and listed
   * in `ignoredColumns`.
   * @default {} (recognize every header)
   * @example { 'Email Address': 'email', 'Cell': 'phone', 'Internal ID': null }
   */
  mapping?: Record<string, CustomerField | null>;
  /**
   * Tags added to every imported row (created or updated), besides any `tags` column.
   * @default []
   */
  tags?: string[];
  /**
   * `type` of customers created from rows without a `type` cell.
   * @default 'customer'
   */
  defaultType?: 'customer' | 'lead';
  /**
   * Country (ISO 3166 alpha-2) in which national phone numbers are read, and stored on
   * created customers, for rows without a `country` cell — the API's create default.
   * @default 'US'
   */
  defaultCountry?: string;
  /**
   * Rows per batch: each batch is parsed, validated and written in one transaction (with
   * one audit row) before the next is read, so memory is bounded by this size. Smaller
   * batches commit (and report progress) more often and hold their row locks for less time;
   * larger ones cost fewer round trips and lookups per row (decision 149).
   * @default 10000
   */
  batchSize?: number;
  /**
   * At most this many entries are kept in `errors` (`errorsTruncated` then says so);
   * `failed` still counts every rejected row.
   * @default 1000
   */
  maxErrors?: number;
  /** Called after each committed batch (also emitted as the `import.progress` event). */
  onProgress?: (progress: ImportProgress) => void;
}

/** The data part of `ImportOptions`, validated up front. */
export const importOptionsSchema = z
  .object({
    mapping: importMappingSchema.default({}),
    tags: customerRules.tags.default([]),
    defaultType: customerRules.type.default('customer'),
    defaultCountry: customerRules.country.default('US'),
    batchSize: z.number().int().min(1).max(10_000).default(10_000),
    maxErrors: z.number().int().min(0).max(100_000).default(1000),
    onProgress: z
      .custom<(progress: ImportProgress) => void>((v) => typeof v === 'function', {
        message: 'must be a function',
      })
      .optional(),
  })
  .strict();

/** One rejected row, or one bad field of it. */
const importErrorSchema = z.object({
  /** 1-based data row: the first record after the header is row 1 (blank lines not counted). */
  row: z.number().int().openapi({
    description:
      '1-based data row: the first record after the header is row 1; blank lines are not counted',
  }),
  field: z.string().optional().openapi({ description: 'The customer field at fault, if one is' }),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importErrorSchema>;

export const importResultSchema = z
  .object({
    importId: z.uuid(),
    processed: z.number().int().openapi({
      description: 'Data rows read; = created + updated + skipped + failed',
    }),
    created: z.number().int().openapi({ description: 'Rows that created a customer' }),
    updated: z.number().int().openapi({ description: 'Rows that changed an existing customer' }),
    skipped: z.number().int().openapi({
      description: 'Rows that changed nothing (identical to what is stored, or blank)',
    }),
    failed: z.number().int().openapi({ description: 'Rows rejected (see errors)' }),
    batches: z.number().int(),
    errors: z.array(importErrorSchema),
    errorsTruncated: z.boolean().openapi({
      description: 'True when more errors occurred than `errors` holds (1000 by default)',
    }),
    columns: z.record(z.string(), customerFieldSchema).openapi({
      description: 'How each used CSV header was mapped',
    }),
    ignoredColumns: z.array(z.string()),
  })
  .openapi('CustomerImportResult');
export type ImportResult = z.infer<typeof importResultSchema>;

/** Query of `POST /customers/import`: the options that are data. */
export const importQuerySchema = z.object({
  mapping: z.string().max(20_000).optional().openapi({
    description:
      'JSON object, CSV header → customer field (null ignores a column), e.g. {"Email Address":"email"}. Unmapped headers are recognized by field name or common alias.',
    example: '{"Email Address":"email","Cell":"phone"}',
  }),
  tags: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: 'Tags added to every row (comma-separated or repeated)' }),
  default_type: customerRules.type.openapi({
    description: "Type of customers created from rows without one (default 'customer')",
  }),
  default_country: z.string().optional().openapi({
    description: "Country for national phone formats and new customers without one (default 'US')",
  }),
});
