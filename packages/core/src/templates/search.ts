/**
 * Finding templates by meaning: the search text is embedded (one short text the caller is
 * waiting for, as a segment's vector text is) and compared with `templates.embedding`,
 * which the worker fills (`embeddings/templates.ts`). A template saved since the worker's
 * last tick has no embedding yet and is not found until it has.
 *
 * ```sql
 * SELECT …, 1 - (embedding <=> $text::vector) AS similarity FROM templates
 *  WHERE organization_id = $1 AND embedding IS NOT NULL [AND channel = $2]
 *  ORDER BY embedding <=> $text::vector, id LIMIT $3;
 * ```
 * No vector index: an organization has tens of templates, and the organization's rows are
 * found by its index first.
 */
import { sql } from 'kysely';
import { toVector } from '../db/values.js';
import { EmbeddingErrorCode } from '../embeddings/index.js';
import { GreenTrackError } from '../errors.js';
import type { Embedder } from '../providers/embedder.js';
import type { Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { type TemplateSearchInput, templateSearchSchema } from './schema.js';
import { type Template, templateColumns, toTemplate } from './service.js';

/** A template found by a search, with how close it is to the search text. */
export interface TemplateMatch extends Template {
  /** Cosine similarity of the embeddings, −1 to 1 (1: the same direction). */
  similarity: number;
}

/**
 * The organization's templates closest in meaning to `text`, closest first.
 * @throws `VALIDATION_FAILED`; `EMBEDDING_DIMENSION_MISMATCH` when the embedder breaks its contract
 */
export async function searchTemplates(
  scope: Scope,
  embedder: Embedder,
  input: TemplateSearchInput,
): Promise<TemplateMatch[]> {
  const q = parseInput(templateSearchSchema, input, { what: 'template search' });
  const [vector] = await embedder.embed([q.text]);
  if (!vector || vector.length !== embedder.dimensions) {
    throw new GreenTrackError({
      code: EmbeddingErrorCode.EMBEDDING_DIMENSION_MISMATCH,
      message: `Embedder ${embedder.id} returned no vector of dimension ${embedder.dimensions}`,
    });
  }
  const distance = sql<number>`(embedding <=> ${toVector(vector)}::vector)`;
  let query = scope.db
    .selectFrom('templates')
    .select([...templateColumns, sql<number>`1 - ${distance}`.as('similarity')])
    .where('organization_id', '=', scope.organizationId)
    .where('embedding', 'is not', null)
    .orderBy(distance)
    .orderBy('id')
    .limit(q.limit);
  if (q.channel !== undefined) query = query.where('channel', '=', q.channel);
  const rows = await query.execute();
  return rows.map(({ similarity, ...row }) => ({
    ...toTemplate(row),
    similarity: Number(similarity),
  }));
}
