/**
 * Runs: the worker starts a scheduled campaign when it is due — in ONE transaction, the
 * campaign becomes `running`, a `campaign_runs` row is created and its audience frozen
 * (`audience.ts`) — and people list runs and their audiences.
 */

import { z } from '@hono/zod-openapi';
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import type { DatabaseAccess } from '../db/access.js';
import type { CampaignAudienceTable, CampaignRunsTable } from '../db/types.js';
import { toJson } from '../db/values.js';
import { GreenTrackError, isGreenTrackError } from '../errors.js';
import type { Emit } from '../events.js';
import { decodeCursor } from '../pagination/cursor.js';
import { keysetFetchSize, keysetPage } from '../pagination/keyset.js';
import { inTransaction, type Scope, systemScope } from '../scope.js';
import { segmentDefinition } from '../segments/index.js';
import { getSendingSettings } from '../settings/index.js';
import { isUuid, parseInput } from '../validation.js';
import { snapshotAudience } from './audience.js';
import { CampaignErrorCode } from './error-codes.js';
import { holdOut, isHeldOut } from './holdout/snapshot.js';
import { type AudienceQuery, audienceQuerySchema } from './schema.js';
import { changeStatus, findCampaignRow } from './service.js';

/** A run of a campaign. */
export interface CampaignRun {
  id: string;
  campaign_id: string;
  started_at: Date | null;
  completed_at: Date | null;
  stats: Record<string, number>;
}

const toRun = (row: Selectable<CampaignRunsTable>): CampaignRun => ({
  id: row.id,
  campaign_id: row.campaign_id,
  started_at: row.started_at,
  completed_at: row.completed_at,
  stats: (row.stats ?? {}) as Record<string, number>,
});

/**
 * Starts a scheduled campaign: `running`, a new run, its audience frozen (under the
 * organization's frequency cap for the channel, read in the same transaction) — all in one
 * transaction, so a crash leaves either nothing or all of it.
 * @throws `CAMPAIGN_INVALID_TRANSITION` when it is no longer scheduled (another worker
 * started it first, or it was unscheduled or cancelled)
 */
async function startCampaign(scope: Scope, campaignId: string): Promise<CampaignRun> {
  return inTransaction(scope, async (tx) => {
    const { before } = await changeStatus(tx, campaignId, 'start');
    if (before.segment_id === null) throw new Error('a scheduled campaign has a segment');
    const run = await tx.db
      .insertInto('campaign_runs')
      .values({ campaign_id: before.id, started_at: tx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    const audience = await snapshotAudience(tx, {
      campaignRunId: run.id,
      channel: before.channel,
      definition: await segmentDefinition(tx, before.segment_id),
      frequencyCap: (await getSendingSettings(tx)).frequencyCap[before.channel] ?? undefined,
    });
    const holdout = await holdOut(tx, run.id, before.holdout_percent);
    // The dispatch ledger: one pending delivery per recipient not held out, in the same
    // transaction. Every message of the run is sent from this ledger.
    await tx.db
      .insertInto('campaign_deliveries')
      .columns(['audience_id', 'organization_id', 'campaign_run_id', 'customer_id', 'not_before'])
      .expression((eb) =>
        eb
          .selectFrom('campaign_audience')
          .select((s) => [
            'id',
            s.val(tx.organizationId).as('organization_id'),
            'campaign_run_id',
            'customer_id',
            // The instance's clock, not the database's: due is decided by the same clock.
            s.val(tx.clock.now()).as('not_before'),
          ])
          .where('campaign_run_id', '=', run.id)
          .where((w) => w.not(isHeldOut('campaign_audience'))),
      )
      .execute();
    // `holdout` only when there is one: runs without keep the stats they always had.
    const stats = before.holdout_percent > 0 ? { audience, holdout } : { audience };
    const started = await tx.db
      .updateTable('campaign_runs')
      .set({ stats: toJson(stats) })
      .where('id', '=', run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      action: 'campaign_run.create',
      entity: 'campaign_run',
      entityId: run.id,
      after: { campaign_id: before.id, ...stats },
    });
    tx.emit('campaign.started', {
      organizationId: tx.organizationId,
      campaignId: before.id,
      campaignRunId: run.id,
      audience,
      actor: tx.actor,
    });
    return toRun(started);
  });
}

/** What the scheduler needs: it spans organizations. */
export interface SchedulerDeps {
  database: DatabaseAccess;
  clock: Clock;
  emit: Emit;
}

/**
 * Starts every scheduled campaign whose time has come (at most `limit`); returns the runs
 * started. Safe with many workers: each start locks its campaign and re-checks the status,
 * so a campaign another worker started first is skipped.
 */
export async function startDueCampaigns(
  deps: SchedulerDeps,
  options: { limit?: number } = {},
): Promise<CampaignRun[]> {
  const due = await deps.database
    .system('the scheduler looks for due campaigns in every organization')
    .selectFrom('campaigns')
    .select(['id', 'organization_id'])
    .where('status', '=', 'scheduled')
    .where('schedule_at', '<=', deps.clock.now())
    .orderBy('schedule_at')
    .limit(options.limit ?? 50)
    .execute();
  const runs: CampaignRun[] = [];
  for (const campaign of due) {
    try {
      runs.push(await startCampaign(systemScope(deps, campaign.organization_id), campaign.id));
    } catch (error) {
      // Started, unscheduled or cancelled meanwhile: nothing to do.
      if (!isGreenTrackError(error, CampaignErrorCode.CAMPAIGN_INVALID_TRANSITION)) throw error;
    }
  }
  return runs;
}

/** The campaign's runs, newest first. @throws `CAMPAIGN_NOT_FOUND` */
export async function listRuns(scope: Scope, campaignId: string): Promise<CampaignRun[]> {
  const campaign = await findCampaignRow(scope, campaignId);
  const rows = await scope.db
    .selectFrom('campaign_runs')
    .selectAll()
    .where('campaign_id', '=', campaign.id)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRun);
}

const runNotFound = () =>
  new GreenTrackError({
    code: CampaignErrorCode.CAMPAIGN_RUN_NOT_FOUND,
    message: 'Campaign run not found',
  });

const audienceCursorSchema = z.object({ id: z.uuid() });

/** One page of a run's frozen audience (by id). @throws `CAMPAIGN_RUN_NOT_FOUND` */
export async function listAudience(
  scope: Scope,
  campaignRunId: string,
  query: AudienceQuery = {},
): Promise<{ items: Array<Selectable<CampaignAudienceTable>>; nextCursor: string | null }> {
  const parsed = parseInput(audienceQuerySchema, query, { what: 'audience query' });
  if (!isUuid(campaignRunId)) throw runNotFound();
  const run = await scope.db
    .selectFrom('campaign_runs as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select('r.id')
    .where('r.id', '=', campaignRunId)
    .where('c.organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!run) throw runNotFound();
  let page = scope.db
    .selectFrom('campaign_audience')
    .selectAll()
    .where('campaign_run_id', '=', run.id)
    .orderBy('id')
    .limit(keysetFetchSize(parsed.limit));
  if (parsed.cursor) {
    const after = decodeCursor(parsed.cursor, audienceCursorSchema, 'the audience');
    page = page.where('id', '>', after.id);
  }
  return keysetPage(await page.execute(), parsed.limit, (last) => ({ id: last.id }));
}
