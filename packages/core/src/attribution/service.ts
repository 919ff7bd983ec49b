/**
 * Attribution for people: rebuild a window's credits (`recompute`) and read them (`list`).
 * The worker credits new conversions on its own (`pass.ts`); recompute is for settings that
 * changed, touches that arrived after their conversion, or data fixed by hand.
 */
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { AttributionsTable } from '../db/types.js';
import { newestFirstPage } from '../pagination/newest-first.js';
import { inTransaction, type Scope } from '../scope.js';
import { parseInput } from '../validation.js';
import { conversionsSql } from './conversions.js';
import { ATTRIBUTION_MODELS, insertCredits } from './credits.js';
import { lockAttributionState, markExamined } from './progress.js';
import {
  type AttributionListQuery,
  attributionListQuerySchema,
  type RecomputeInput,
  recomputeInputSchema,
} from './schema.js';
import { getAttributionSettings } from './settings.js';

/** What a recompute did. */
export interface RecomputeResult {
  /** Conversions in the window. */
  conversions: number;
  /** Credits deleted (the window's, for the models). */
  deleted: number;
  /** Credits written. */
  inserted: number;
}

/** One credit as the list returns it. */
type Attribution = Selectable<AttributionsTable>;

/** One page of credits. */
export interface AttributionPage {
  items: Attribution[];
  /** Pass back as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

const iso = (value: string | Date | undefined) =>
  value instanceof Date ? value.toISOString() : value;

/**
 * Deletes and rebuilds the credits of the conversions that occurred in [since, until), for
 * one model or all four, with the current settings — in ONE transaction, so readers see the
 * old credits or the new, never a gap. Idempotent: run twice, the same rows (ids and
 * `created_at` aside). Waits for a worker busy with the organization; audited with counts.
 * @throws `VALIDATION_FAILED` (a time that does not parse, `until` not after `since`).
 * @example await org.attribution.recompute({ since: '2026-05-01T00:00:00Z', model: 'linear' })
 */
export async function recomputeAttributions(
  scope: Scope,
  input: RecomputeInput,
): Promise<RecomputeResult> {
  const q = parseInput(
    recomputeInputSchema,
    { ...input, since: iso(input?.since), until: iso(input?.until) },
    { what: 'attribution recompute' },
  );
  const window = { since: new Date(q.since), until: q.until ? new Date(q.until) : undefined };
  const models = q.model ? [q.model] : ATTRIBUTION_MODELS;
  return inTransaction(scope, async (tx) => {
    await lockAttributionState(tx, { skipLocked: false });
    const settings = await getAttributionSettings(tx);
    const until = window.until ? sql`AND e.occurred_at < ${window.until}` : sql``;
    // By the event's time, not by `conversionsSql`: an event that stopped being a
    // conversion (a configured name removed) loses its credits too.
    const deleted = await sql`
      DELETE FROM attributions a USING events e
      WHERE a.organization_id = ${tx.organizationId} AND e.id = a.event_id
        AND a.attributed_model IN (${sql.join(models)})
        AND e.occurred_at >= ${window.since} ${until}`.execute(tx.db);
    const conversions = conversionsSql(tx, settings, window);
    const marked = await markExamined(tx, sql`SELECT event_id FROM (${conversions}) c`);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (${conversions}) c`.execute(tx.db);
    const inserted = await insertCredits(tx, settings, conversions, models);
    const result = {
      conversions: rows[0]?.n ?? 0,
      deleted: Number(deleted.numAffectedRows ?? 0),
      inserted,
    };
    await recordAudit(tx, {
      action: 'attribution.recompute',
      entity: 'attribution',
      after: { ...q, ...result, newlyExamined: marked.length },
    });
    return result;
  });
}

const LIST = 'this attribution list';

/**
 * Lists credits newest first (`created_at`, then id) over migration 0035's index; by
 * conversion event, campaign (its runs) and model.
 * @example await org.attribution.list({ eventId: payment.id, model: 'linear' })
 */
export async function listAttributions(
  scope: Scope,
  query: AttributionListQuery = {},
): Promise<AttributionPage> {
  const q = parseInput(attributionListQuerySchema, query ?? {}, { what: 'attribution query' });
  let select = scope.db
    .selectFrom('attributions')
    .selectAll()
    .where('organization_id', '=', scope.organizationId);
  if (q.eventId) select = select.where('event_id', '=', q.eventId);
  if (q.model) select = select.where('attributed_model', '=', q.model);
  if (q.campaignId) {
    const campaignId = q.campaignId;
    select = select.where('campaign_run_id', 'in', (eb) =>
      eb.selectFrom('campaign_runs').select('id').where('campaign_id', '=', campaignId),
    );
  }
  return newestFirstPage(select, { cursor: q.cursor, limit: q.limit, list: LIST });
}
