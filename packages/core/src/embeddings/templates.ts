/**
 * `templates.embedding`, filled by the worker so templates can be found by meaning
 * (`templates.search`).
 *
 * A template's embedding is NULL until the worker has embedded its current text: a save
 * (create or update) leaves or sets it NULL in the save's own transaction, so "NULL" is the
 * queue and no separate job table is needed for a table of tens of rows per organization.
 * One run:
 * 1. **Read** up to `batchSize` templates whose embedding is NULL, oldest edit first, with
 *    a version: the md5 of the fields the text is built from.
 * 2. **Embed** them in chunks of `embedder.maxBatch`.
 * 3. **Write** each vector only where the template is still the version read, so an edit
 *    made while its embedding was being computed is embedded again next run, never
 *    overwritten by the old text's vector.
 *
 * Two workers may embed the same template at once; both write the same vector for the same
 * version, or the second write finds the embedding set and does nothing. A failing embedder
 * leaves the templates NULL for the next run (no backoff: at most one batch per tick).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.js';
import { toVector } from '../db/values.js';
import { DEFAULT_EMBEDDER_MAX_BATCH, type Embedder } from '../providers/embedder.js';

/** Templates read per run. @default 50 */
const DEFAULT_TEMPLATE_BATCH_SIZE = 50;

/** Longest text embedded: a long HTML email says what it is about well before this. */
const MAX_TEXT_LENGTH = 4000;

/** What embedding templates needs: the system connection (it spans organizations). */
export interface TemplateEmbeddingDeps {
  db: Kysely<Database>;
  embedder: Embedder;
}

/** What one run did. */
export interface TemplateEmbeddingResult {
  /** Templates whose embedding was written. */
  embedded: number;
  /** Templates whose embedding failed; they are tried again next run. */
  failed: number;
}

/**
 * The text a template is embedded from: its name, subject and content with the markup
 * (HTML/MJML tags, Liquid tags and outputs) removed, on one line each.
 *
 * ```text
 * Spring sale
 * 20 % off for
 * Hi, our spring sale starts Monday: every plant 20 % off.
 * ```
 */
export function templateEmbeddingText(template: {
  name: string;
  subject: string | null;
  content: string;
}): string {
  const plain = (text: string) =>
    text
      .replace(/\{%-?[\s\S]*?-?%\}|\{\{-?[\s\S]*?-?\}\}/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  return [template.name.trim(), plain(template.subject ?? ''), plain(template.content)]
    .filter((line) => line !== '')
    .join('\n')
    .slice(0, MAX_TEXT_LENGTH);
}

/** md5 of the fields the text is built from: what a write checks is unchanged. */
const VERSION = sql<string>`md5(t.name || chr(10) || coalesce(t.subject, '') || chr(10) || t.content)`;

/** Embeds one batch of templates whose embedding is missing (see the module comment). */
export async function processTemplateEmbeddings(
  deps: TemplateEmbeddingDeps,
  options: { batchSize?: number } = {},
): Promise<TemplateEmbeddingResult> {
  const { db, embedder } = deps;
  const due = await db
    .selectFrom('templates as t')
    .select([
      't.id',
      't.organization_id',
      't.name',
      't.subject',
      't.content',
      VERSION.as('version'),
    ])
    .where('t.embedding', 'is', null)
    .orderBy('t.updated_at')
    .orderBy('t.id')
    .limit(options.batchSize ?? DEFAULT_TEMPLATE_BATCH_SIZE)
    .execute();
  const chunkSize = Math.max(1, embedder.maxBatch ?? DEFAULT_EMBEDDER_MAX_BATCH);
  let embedded = 0;
  let failed = 0;
  for (let start = 0; start < due.length; start += chunkSize) {
    const chunk = due.slice(start, start + chunkSize);
    let vectors: number[][];
    try {
      vectors = await embedder.embed(chunk.map(templateEmbeddingText));
      if (vectors.length !== chunk.length || vectors.some((v) => v.length !== embedder.dimensions))
        throw new Error(`embedder ${embedder.id} broke its contract`);
    } catch {
      failed += chunk.length;
      continue;
    }
    const values = sql.join(
      chunk.map(
        (t, i) =>
          sql`(${t.id}::uuid, ${t.organization_id}::uuid, ${t.version}::text, ${toVector(vectors[i] ?? [])}::vector)`,
      ),
    );
    const written = await sql`
      UPDATE templates AS t SET embedding = v.embedding
        FROM (VALUES ${values}) AS v(id, organization_id, version, embedding)
       WHERE t.id = v.id AND t.organization_id = v.organization_id
         AND t.embedding IS NULL AND ${VERSION} = v.version`.execute(db);
    embedded += Number(written.numAffectedRows ?? 0);
  }
  return { embedded, failed };
}
