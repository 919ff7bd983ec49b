/**
 * Stored segments: create, read, update, delete, and the definition the campaign engine
 * builds an audience from.
 *
 * Storage: the rule tree lives in `segments.metadata.rule` (validated again on every read,
 * so a hand-edited row fails loudly instead of compiling to something unexpected);
 * `rule_sql` is a readable rendering for display and is never executed. The query vector
 * lives in `vector_query`, its source text (when it came from one) in
 * `metadata.vectorText`, the minimum cosine similarity in `vector_threshold`.
 */
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import { isForeignKeyViolation } from '../db/pg-errors.js';
import type { SegmentsTable, SegmentType } from '../db/types.js';
import { fromVector, toJson, toVector } from '../db/values.js';
import { EmbeddingErrorCode } from '../embeddings/index.js';
import { CommonErrorCode, GreenTrackError } from '../errors.js';
import type { Embedder } from '../providers/embedder.js';
import { inTransaction, type Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { SegmentErrorCode } from './error-codes.js';
import type { SegmentDefinition } from './members.js';
import { previewDefinition, type RulePreview } from './preview.js';
import { renderRule } from './render.js';
import { type Rule, ruleSchema } from './rule-schema.js';
import {
  previewOptionsSchema,
  type SegmentCreate,
  type SegmentDraft,
  type SegmentPreviewOptions,
  type SegmentUpdate,
  segmentCreateSchema,
  segmentDraftSchema,
  segmentUpdateSchema,
  type VectorInput,
} from './schema.js';

/** A segment as services return it. The query vector itself stays in the database. */
export interface Segment {
  id: string;
  organization_id: string;
  name: string;
  type: SegmentType;
  rule: Rule | null;
  rule_sql: string | null;
  vector: { text: string | null; threshold: number } | null;
  created_at: Date;
  updated_at: Date;
}

/** What a segment's embedder-facing operations need. */
export interface SegmentDeps {
  embedder: Embedder;
}

/** GreenTrack's own keys in `segments.metadata`. */
interface SegmentMetadata {
  rule?: unknown;
  vectorText?: string;
}

const segmentColumns = [
  'id',
  'organization_id',
  'name',
  'type',
  'rule_sql',
  'vector_threshold',
  'metadata',
  'created_at',
  'updated_at',
] as const;
type SegmentRow = Pick<Selectable<SegmentsTable>, (typeof segmentColumns)[number]>;

function notFound(): GreenTrackError {
  return new GreenTrackError({
    code: SegmentErrorCode.SEGMENT_NOT_FOUND,
    message: 'Segment not found',
  });
}

function metadataOf(row: { metadata: unknown }): SegmentMetadata {
  const m = row.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as SegmentMetadata) : {};
}

/** The stored rule, re-validated: rows written by hand must not compile unchecked. */
function storedRule(row: SegmentRow): Rule | null {
  const raw = metadataOf(row).rule;
  if (raw === undefined || raw === null) return null;
  const result = ruleSchema.safeParse(raw);
  if (!result.success) {
    throw new GreenTrackError({
      code: SegmentErrorCode.SEGMENT_RULE_CORRUPT,
      message: `Segment ${row.id} holds an invalid rule in metadata.rule`,
      details: { segmentId: row.id },
    });
  }
  return result.data;
}

function toSegment(row: SegmentRow): Segment {
  const meta = metadataOf(row);
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    type: row.type,
    rule: storedRule(row),
    rule_sql: row.rule_sql,
    vector:
      row.vector_threshold === null
        ? null
        : { text: meta.vectorText ?? null, threshold: row.vector_threshold },
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function typeOf(hasRule: boolean, hasVector: boolean): SegmentType {
  return hasRule && hasVector ? 'hybrid' : hasVector ? 'vector' : 'rule';
}

/**
 * Turns a vector input into numbers: text goes through the embedder (one short text the
 * caller is waiting for — the only embedder call core makes inside a request), an explicit
 * vector must have the embedder's (= the columns') dimension.
 */
async function resolveVector(
  deps: SegmentDeps,
  input: VectorInput,
): Promise<{ embedding: number[]; text: string | null; threshold: number }> {
  if ('text' in input) {
    const [embedding] = await deps.embedder.embed([input.text]);
    if (!embedding || embedding.length !== deps.embedder.dimensions) {
      throw new GreenTrackError({
        code: EmbeddingErrorCode.EMBEDDING_DIMENSION_MISMATCH,
        message: `Embedder ${deps.embedder.id} returned no vector of dimension ${deps.embedder.dimensions}`,
      });
    }
    return { embedding: [...embedding], text: input.text, threshold: input.threshold };
  }
  if (input.embedding.length !== deps.embedder.dimensions) {
    throw new GreenTrackError({
      code: CommonErrorCode.VALIDATION_FAILED,
      message: `Invalid segment: vector.embedding must have ${deps.embedder.dimensions} numbers`,
      details: {
        issues: [
          {
            path: 'vector.embedding',
            message: `must have ${deps.embedder.dimensions} numbers (got ${input.embedding.length})`,
          },
        ],
      },
    });
  }
  return { embedding: input.embedding, text: null, threshold: input.threshold };
}

/** The organization's segment `segmentId`, as a query to select from. @throws `SEGMENT_NOT_FOUND` */
function segmentById(scope: Scope, segmentId: string) {
  // A malformed id cannot exist; answering NOT_FOUND (not 400) keeps ids opaque.
  if (!isUuid(segmentId)) throw notFound();
  return scope.db
    .selectFrom('segments')
    .where('id', '=', segmentId)
    .where('organization_id', '=', scope.organizationId);
}

async function findRow(scope: Scope, segmentId: string, forUpdate = false): Promise<SegmentRow> {
  let query = segmentById(scope, segmentId).select(segmentColumns);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/**
 * Creates a segment from a rule, a vector (`{ text, threshold }` or
 * `{ embedding, threshold }`), or both. @throws `VALIDATION_FAILED` naming the path
 * (e.g. `rule.all.2.field`)
 */
export async function createSegment(
  scope: Scope,
  deps: SegmentDeps,
  input: SegmentCreate,
): Promise<Segment> {
  const parsed = parseInput(segmentCreateSchema, input, { what: 'segment' });
  // Embedded before the transaction opens: no connection is held while the embedder works.
  const vector = parsed.vector ? await resolveVector(deps, parsed.vector) : null;
  return inTransaction(scope, async (tx) => {
    const now = tx.clock.now();
    const metadata: SegmentMetadata = {};
    if (parsed.rule) metadata.rule = parsed.rule;
    if (vector?.text) metadata.vectorText = vector.text;
    const row = await tx.db
      .insertInto('segments')
      .values({
        organization_id: tx.organizationId,
        name: parsed.name,
        type: typeOf(parsed.rule !== undefined, vector !== null),
        rule_sql: parsed.rule ? renderRule(parsed.rule) : null,
        vector_query: vector ? toVector(vector.embedding) : null,
        vector_threshold: vector?.threshold ?? null,
        metadata: toJson(metadata as Record<string, unknown>),
        created_at: now,
        updated_at: now,
      })
      .returning(segmentColumns)
      .executeTakeFirstOrThrow();
    const segment = toSegment(row);
    await recordAudit(tx, {
      action: 'segment.create',
      entity: 'segment',
      entityId: row.id,
      after: segment,
    });
    tx.emit('segment.created', {
      organizationId: tx.organizationId,
      segmentId: row.id,
      actor: tx.actor,
    });
    return segment;
  });
}

/** One segment. @throws `SEGMENT_NOT_FOUND` */
export async function getSegment(scope: Scope, segmentId: string): Promise<Segment> {
  return toSegment(await findRow(scope, segmentId));
}

/**
 * The organization's segments by name. Not paginated: an organization keeps a handful to a
 * few hundred segments, and the builder widget shows them all.
 */
export async function listSegments(scope: Scope): Promise<Segment[]> {
  const rows = await scope.db
    .selectFrom('segments')
    .select(segmentColumns)
    .where('organization_id', '=', scope.organizationId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toSegment);
}

/**
 * Renames a segment or replaces its rule or vector (`null` removes one; one must remain).
 * The type follows. @throws `SEGMENT_NOT_FOUND`, `VALIDATION_FAILED`
 */
export async function updateSegment(
  scope: Scope,
  deps: SegmentDeps,
  segmentId: string,
  input: SegmentUpdate,
): Promise<Segment> {
  const parsed = parseInput(segmentUpdateSchema, input, { what: 'segment' });
  const vector = parsed.vector ? await resolveVector(deps, parsed.vector) : parsed.vector;
  return inTransaction(scope, async (tx) => {
    const row = await findRow(tx, segmentId, true);
    const before = toSegment(row);
    const rule = parsed.rule === undefined ? before.rule : parsed.rule;
    const hasVector = vector === undefined ? before.vector !== null : vector !== null;
    if (!rule && !hasVector) {
      throw new GreenTrackError({
        code: CommonErrorCode.VALIDATION_FAILED,
        message: 'Invalid segment: a segment needs a rule, a vector, or both',
        details: { issues: [{ path: 'rule', message: 'give a rule, a vector, or both' }] },
      });
    }
    const metadata: SegmentMetadata = { ...metadataOf(row) };
    delete metadata.rule;
    if (rule) metadata.rule = rule;
    if (vector !== undefined) delete metadata.vectorText;
    if (vector?.text) metadata.vectorText = vector.text;
    const updated = await tx.db
      .updateTable('segments')
      .set({
        ...(parsed.name !== undefined ? { name: parsed.name } : {}),
        type: typeOf(rule !== null, hasVector),
        rule_sql: rule ? renderRule(rule) : null,
        ...(vector !== undefined
          ? {
              vector_query: vector ? toVector(vector.embedding) : null,
              vector_threshold: vector?.threshold ?? null,
            }
          : {}),
        metadata: toJson(metadata as Record<string, unknown>),
        updated_at: tx.clock.now(),
      })
      .where('id', '=', row.id)
      .returning(segmentColumns)
      .executeTakeFirstOrThrow();
    const segment = toSegment(updated);
    await recordAudit(tx, {
      action: 'segment.update',
      entity: 'segment',
      entityId: row.id,
      before,
      after: segment,
    });
    tx.emit('segment.updated', {
      organizationId: tx.organizationId,
      segmentId: row.id,
      actor: tx.actor,
    });
    return segment;
  });
}

/** Deletes a segment. @throws `SEGMENT_NOT_FOUND`, `SEGMENT_IN_USE` (a campaign targets it) */
export async function deleteSegment(scope: Scope, segmentId: string): Promise<void> {
  try {
    await inTransaction(scope, async (tx) => {
      const row = await findRow(tx, segmentId, true);
      await tx.db.deleteFrom('segments').where('id', '=', row.id).execute();
      await recordAudit(tx, {
        action: 'segment.delete',
        entity: 'segment',
        entityId: row.id,
        before: toSegment(row),
      });
      tx.emit('segment.deleted', {
        organizationId: tx.organizationId,
        segmentId: row.id,
        actor: tx.actor,
      });
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) {
      throw new GreenTrackError({
        code: SegmentErrorCode.SEGMENT_IN_USE,
        message: 'A campaign targets this segment; point the campaign elsewhere first',
        details: { segmentId },
      });
    }
    throw error;
  }
}

/**
 * The stored segment's membership definition (rule and/or query vector), for
 * `segmentMembersQuery`, `countSegmentMembers` and `nearestSegmentMembers`.
 * @throws `SEGMENT_NOT_FOUND`
 */
export async function segmentDefinition(
  scope: Scope,
  segmentId: string,
): Promise<SegmentDefinition> {
  const row = await segmentById(scope, segmentId)
    .select([...segmentColumns, 'vector_query'])
    .executeTakeFirst();
  if (!row) throw notFound();
  const rule = storedRule(row);
  const embedding = fromVector(row.vector_query);
  return {
    rule: rule ?? undefined,
    vector:
      embedding && row.vector_threshold !== null
        ? { embedding, threshold: row.vector_threshold }
        : undefined,
  };
}

/**
 * Preview of a stored segment: exact member count and a sample with reasons.
 * @throws `SEGMENT_NOT_FOUND`
 */
export async function previewSegment(
  scope: Scope,
  segmentId: string,
  options: SegmentPreviewOptions = {},
): Promise<RulePreview> {
  const { sampleSize } = parseInput(previewOptionsSchema, options, { what: 'preview options' });
  return previewDefinition(scope, await segmentDefinition(scope, segmentId), { sampleSize });
}

/**
 * Preview of a draft that is not saved (the segment builder calls this as the user edits):
 * exact member count and a sample with reasons. A text vector is embedded for the preview.
 * @throws `VALIDATION_FAILED` naming the path, e.g. `rule.any.0.op`
 */
export async function previewSegmentDraft(
  scope: Scope,
  deps: SegmentDeps,
  draft: SegmentDraft,
): Promise<RulePreview> {
  const parsed = parseInput(segmentDraftSchema, draft, { what: 'segment' });
  const vector = parsed.vector ? await resolveVector(deps, parsed.vector) : undefined;
  return previewDefinition(scope, { rule: parsed.rule, vector }, { sampleSize: parsed.sampleSize });
}
