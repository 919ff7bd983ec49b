/**
 * zod inputs and outputs of stored segments. A segment is a rule, a vector criterion, or
 * both (hybrid); its `type` follows from which are present, so it can never disagree with
 * them.
 */
import { z } from 'zod';
import { ruleSchema } from './rule-schema.js';

/** The largest finite float32: pgvector stores components as `real`, and fails beyond it. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** One vector component: finite, and within float32 so pgvector can store it. */
const float32 = z
  .number()
  .finite()
  .refine((v) => Math.abs(v) <= FLOAT32_MAX, `must be within ±${FLOAT32_MAX} (float32)`);

/** Minimum cosine similarity a member's embedding must reach. */
const thresholdSchema = z.number().min(-1).max(1);

/**
 * The vector half of a segment: a text embedded by the configured embedder (the text is kept
 * so it can be shown and re-embedded), or an explicit vector of the database's dimension.
 */
const vectorInputSchema = z.union([
  z.strictObject({ text: z.string().trim().min(1).max(2000), threshold: thresholdSchema }),
  z.strictObject({
    embedding: z.array(float32).min(1).max(16_000),
    threshold: thresholdSchema,
  }),
]);
export type VectorInput = z.input<typeof vectorInputSchema>;

const nameSchema = z.string().trim().min(1).max(200);

const needsCriterion = {
  message: 'give a rule, a vector, or both',
  path: ['rule'],
};

/** A new segment. */
export const segmentCreateSchema = z
  .strictObject({
    name: nameSchema,
    rule: ruleSchema.optional(),
    vector: vectorInputSchema.optional(),
  })
  .refine((s) => s.rule !== undefined || s.vector !== undefined, needsCriterion);
export type SegmentCreate = z.input<typeof segmentCreateSchema>;

/** A partial update; `null` removes the rule or the vector (one of them must remain). */
export const segmentUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  rule: ruleSchema.nullable().optional(),
  vector: vectorInputSchema.nullable().optional(),
});
export type SegmentUpdate = z.input<typeof segmentUpdateSchema>;

/** Options of a preview. */
export const previewOptionsSchema = z.strictObject({
  /** Members to sample (nearest first for vector segments, else oldest first). @default 20 */
  sampleSize: z.coerce.number().int().min(0).max(200).default(20),
});
export type SegmentPreviewOptions = z.input<typeof previewOptionsSchema>;

/** A draft previewed without saving it: a segment's criteria, name optional. */
export const segmentDraftSchema = z
  .strictObject({
    name: nameSchema.optional(),
    rule: ruleSchema.optional(),
    vector: vectorInputSchema.optional(),
    sampleSize: previewOptionsSchema.shape.sampleSize,
  })
  .refine((s) => s.rule !== undefined || s.vector !== undefined, needsCriterion);
export type SegmentDraft = z.input<typeof segmentDraftSchema>;

/** A segment as the API returns it (JSON form). The query vector itself is not returned. */
export const segmentOutSchema = z.strictObject({
  id: z.uuid(),
  organization_id: z.uuid(),
  name: z.string(),
  type: z.enum(['rule', 'vector', 'hybrid']),
  /** The rule tree (see the rule schema), or null for a pure vector segment. */
  rule: z.unknown().nullable(),
  /** Readable rendering of the rule, for display only. */
  rule_sql: z.string().nullable(),
  vector: z
    .strictObject({
      /** The text the query vector was embedded from; null when a vector was given. */
      text: z.string().nullable(),
      threshold: z.number(),
    })
    .nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const segmentListOutSchema = z.strictObject({ items: z.array(segmentOutSchema) });

/** One sampled member of a preview. */
const previewMemberOutSchema = z.strictObject({
  customer: z.strictObject({ id: z.uuid(), name: z.string(), email: z.string().nullable() }),
  /** Labels of the top-level rule predicates this member satisfies. */
  matched: z.array(z.string()),
  /** Cosine similarity to the query vector (vector and hybrid segments only). */
  similarity: z.number().nullable(),
});

export const segmentPreviewOutSchema = z.strictObject({
  count: z.number().int(),
  sample: z.array(previewMemberOutSchema),
});
