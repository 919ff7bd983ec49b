/**
 * A campaign's holdout share, kept in `campaign_holdouts` (migration 0036) because
 * `campaigns` is a seed table: no row means no holdout. Read beside the campaign row as one
 * scalar subquery, so every statement that returns a campaign returns its share too.
 */
import { type Expression, sql } from 'kysely';
import type { Scope } from '../../scope.js';

/**
 * `holdout_percent` of the campaign whose id is `campaignId` (a column reference), 0 without
 * a row. `float8`: `numeric` would come back as a string.
 */
export const holdoutPercentOf = (campaignId: Expression<string>) =>
  sql<number>`coalesce((SELECT h.percent::float8 FROM campaign_holdouts h
                         WHERE h.campaign_id = ${campaignId}), 0)`.as('holdout_percent');

/** Stores the campaign's share: 0 deletes the row. Called inside the campaign's transaction. */
export async function setHoldoutPercent(
  scope: Scope,
  campaignId: string,
  percent: number,
): Promise<void> {
  if (percent === 0) {
    await scope.db.deleteFrom('campaign_holdouts').where('campaign_id', '=', campaignId).execute();
    return;
  }
  const now = scope.clock.now();
  await scope.db
    .insertInto('campaign_holdouts')
    .values({
      campaign_id: campaignId,
      organization_id: scope.organizationId,
      percent,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('campaign_id').doUpdateSet({ percent, updated_at: now }))
    .execute();
}
