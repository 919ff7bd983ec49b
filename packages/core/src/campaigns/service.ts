/**
 * Campaigns: CRUD and the lifecycle actions a person takes (schedule, unschedule, pause,
 * resume, cancel). Starting a scheduled campaign — a run and its frozen audience — is the
 * worker's (`runs.ts`). Every change writes its audit row in the same transaction.
 */
import { type Selectable, sql } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { CampaignsTable } from '../db/types.js';
import { toJson } from '../db/values.js';
import { GreenTrackError } from '../errors.js';
import { inTransaction, type Scope } from '../scope.js';
import { isUuid, parseInput } from '../validation.js';
import { CampaignErrorCode } from './error-codes.js';
import { holdoutPercentOf, setHoldoutPercent } from './holdout/setting.js';
import { type CampaignAction, type CampaignStatus, isLocked, transition } from './lifecycle.js';
import {
  type CampaignCreate,
  type CampaignSchedule,
  type CampaignUpdate,
  campaignCreateSchema,
  campaignScheduleSchema,
  campaignUpdateSchema,
} from './schema.js';

/** A campaign, as the API shows it. */
export interface Campaign {
  id: string;
  organization_id: string;
  name: string;
  objective: 'promotion' | 'upsell' | 'winback' | 'nurture' | null;
  channel: 'email' | 'sms';
  template_id: string | null;
  segment_id: string | null;
  status: CampaignStatus;
  schedule_at: Date | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  /** Percent of each run's audience held out of sending (0: none). */
  holdout_percent: number;
  /** When and by whom the campaign was cancelled; null otherwise. */
  cancelled: { at: string; by: { type: string; id: string | null } } | null;
  created_at: Date;
  updated_at: Date;
}

/** A `campaigns` row with its holdout share (`campaign_holdouts`). */
type CampaignRow = Selectable<CampaignsTable> & { holdout_percent: number };

/** The holdout share of the `campaigns` row a statement reads or returns. */
const withHoldout = holdoutPercentOf(sql.ref('campaigns.id'));

/** GreenTrack's keys in `campaigns.metadata`. */
interface CampaignMetadata {
  cancelled?: Campaign['cancelled'];
}

function toCampaign(row: CampaignRow): Campaign {
  const metadata = (row.metadata ?? {}) as CampaignMetadata;
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    objective: row.objective,
    channel: row.channel,
    template_id: row.template_id,
    segment_id: row.segment_id,
    status: row.status,
    schedule_at: row.schedule_at,
    utm_source: row.utm_source,
    utm_medium: row.utm_medium,
    utm_campaign: row.utm_campaign,
    holdout_percent: row.holdout_percent,
    cancelled: metadata.cancelled ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const notFound = () =>
  new GreenTrackError({
    code: CampaignErrorCode.CAMPAIGN_NOT_FOUND,
    message: 'Campaign not found',
  });

/** The campaign row, locked for the transaction when `lock`. @throws `CAMPAIGN_NOT_FOUND` */
export async function findCampaignRow(
  scope: Scope,
  campaignId: string,
  lock = false,
): Promise<CampaignRow> {
  // A malformed id cannot exist; NOT_FOUND (not 400) keeps ids opaque.
  if (!isUuid(campaignId)) throw notFound();
  let query = scope.db
    .selectFrom('campaigns')
    .selectAll()
    .select(withHoldout)
    .where('id', '=', campaignId)
    .where('organization_id', '=', scope.organizationId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/**
 * Checks that the template and segment a campaign names exist in the scope's organization
 * (a foreign key alone would accept another organization's ids) and that the template is
 * for the campaign's channel.
 */
async function checkReferences(
  scope: Scope,
  refs: { channel: 'email' | 'sms'; template_id: string | null; segment_id: string | null },
): Promise<void> {
  const issues: Array<{ path: string; message: string }> = [];
  if (refs.template_id !== null) {
    const template = await scope.db
      .selectFrom('templates')
      .select('channel')
      .where('id', '=', refs.template_id)
      .where('organization_id', '=', scope.organizationId)
      .executeTakeFirst();
    if (!template) issues.push({ path: 'template_id', message: 'no such template' });
    else if (template.channel !== refs.channel)
      issues.push({
        path: 'template_id',
        message: `the template is for ${template.channel}, the campaign for ${refs.channel}`,
      });
  }
  if (refs.segment_id !== null) {
    const segment = await scope.db
      .selectFrom('segments')
      .select('id')
      .where('id', '=', refs.segment_id)
      .where('organization_id', '=', scope.organizationId)
      .executeTakeFirst();
    if (!segment) issues.push({ path: 'segment_id', message: 'no such segment' });
  }
  if (issues.length > 0) {
    throw new GreenTrackError({
      code: 'VALIDATION_FAILED',
      message: `Invalid campaign: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      details: { issues },
    });
  }
}

/** Creates a draft campaign. @throws `VALIDATION_FAILED` (unknown template or segment, wrong channel) */
export async function createCampaign(scope: Scope, input: CampaignCreate): Promise<Campaign> {
  const parsed = parseInput(campaignCreateSchema, input, { what: 'campaign' });
  return inTransaction(scope, async (tx) => {
    const refs = {
      channel: parsed.channel,
      template_id: parsed.template_id ?? null,
      segment_id: parsed.segment_id ?? null,
    };
    await checkReferences(tx, refs);
    const now = tx.clock.now();
    const row = await tx.db
      .insertInto('campaigns')
      .values({
        organization_id: tx.organizationId,
        name: parsed.name,
        objective: parsed.objective ?? null,
        ...refs,
        // The seed's defaults for utm_source/utm_medium apply when not given.
        ...(parsed.utm_source != null ? { utm_source: parsed.utm_source } : {}),
        ...(parsed.utm_medium != null
          ? { utm_medium: parsed.utm_medium }
          : { utm_medium: parsed.channel }),
        utm_campaign: parsed.utm_campaign ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const holdout = parsed.holdout_percent ?? 0;
    await setHoldoutPercent(tx, row.id, holdout);
    const campaign = toCampaign({ ...row, holdout_percent: holdout });
    await recordAudit(tx, {
      action: 'campaign.create',
      entity: 'campaign',
      entityId: row.id,
      after: campaign,
    });
    tx.emit('campaign.created', {
      organizationId: tx.organizationId,
      campaignId: row.id,
      actor: tx.actor,
    });
    return campaign;
  });
}

/** One campaign. @throws `CAMPAIGN_NOT_FOUND` */
export async function getCampaign(scope: Scope, campaignId: string): Promise<Campaign> {
  return toCampaign(await findCampaignRow(scope, campaignId));
}

/** The organization's campaigns, newest first. */
export async function listCampaigns(scope: Scope): Promise<Campaign[]> {
  const rows = await scope.db
    .selectFrom('campaigns')
    .selectAll()
    .select(withHoldout)
    .where('organization_id', '=', scope.organizationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toCampaign);
}

/**
 * Changes a campaign. Template, segment, channel and holdout share are fixed once it has
 * started.
 * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_LOCKED`, `VALIDATION_FAILED`
 */
export async function updateCampaign(
  scope: Scope,
  campaignId: string,
  input: CampaignUpdate,
): Promise<Campaign> {
  const parsed = parseInput(campaignUpdateSchema, input, { what: 'campaign' });
  return inTransaction(scope, async (tx) => {
    const row = await findCampaignRow(tx, campaignId, true);
    // What the audience snapshot used stays as it was: the holdout share included.
    const locked = (['channel', 'template_id', 'segment_id', 'holdout_percent'] as const).filter(
      (key) => parsed[key] !== undefined && parsed[key] !== row[key],
    );
    if (locked.length > 0 && isLocked(row.status)) {
      throw new GreenTrackError({
        code: CampaignErrorCode.CAMPAIGN_LOCKED,
        message: `A ${row.status} campaign's ${locked.join(', ')} cannot change`,
        details: { status: row.status, fields: locked },
      });
    }
    const refs = {
      channel: parsed.channel ?? row.channel,
      template_id: parsed.template_id === undefined ? row.template_id : parsed.template_id,
      segment_id: parsed.segment_id === undefined ? row.segment_id : parsed.segment_id,
    };
    await checkReferences(tx, refs);
    if (parsed.holdout_percent !== undefined)
      await setHoldoutPercent(tx, row.id, parsed.holdout_percent);
    const updated = await tx.db
      .updateTable('campaigns')
      .set({
        ...refs,
        ...(parsed.name !== undefined ? { name: parsed.name } : {}),
        ...(parsed.objective !== undefined ? { objective: parsed.objective } : {}),
        ...(parsed.utm_source !== undefined ? { utm_source: parsed.utm_source } : {}),
        ...(parsed.utm_medium !== undefined ? { utm_medium: parsed.utm_medium } : {}),
        ...(parsed.utm_campaign !== undefined ? { utm_campaign: parsed.utm_campaign } : {}),
        updated_at: tx.clock.now(),
      })
      .where('id', '=', row.id)
      .returningAll()
      .returning(withHoldout)
      .executeTakeFirstOrThrow();
    const campaign = toCampaign(updated);
    await recordAudit(tx, {
      action: 'campaign.update',
      entity: 'campaign',
      entityId: row.id,
      before: toCampaign(row),
      after: campaign,
    });
    tx.emit('campaign.updated', {
      organizationId: tx.organizationId,
      campaignId: row.id,
      actor: tx.actor,
    });
    return campaign;
  });
}

/**
 * Deletes a draft campaign. One that was ever scheduled keeps its history: cancel it.
 * @throws `CAMPAIGN_NOT_FOUND`, `CAMPAIGN_INVALID_TRANSITION`
 */
export async function deleteCampaign(scope: Scope, campaignId: string): Promise<void> {
  await inTransaction(scope, async (tx) => {
    const row = await findCampaignRow(tx, campaignId, true);
    if (row.status !== 'draft') {
      throw new GreenTrackError({
        code: CampaignErrorCode.CAMPAIGN_INVALID_TRANSITION,
        message: `Cannot delete a campaign that is ${row.status}; cancel it instead`,
        details: { status: row.status, action: 'delete' },
      });
    }
    await tx.db.deleteFrom('campaigns').where('id', '=', row.id).execute();
    await recordAudit(tx, {
      action: 'campaign.delete',
      entity: 'campaign',
      entityId: row.id,
      before: toCampaign(row),
    });
    tx.emit('campaign.deleted', {
      organizationId: tx.organizationId,
      campaignId: row.id,
      actor: tx.actor,
    });
  });
}

/**
 * Applies a lifecycle action in one transaction: the row is locked, the transition checked
 * against the table in `lifecycle.ts`, `set` adds the action's own columns, and one audit
 * row records before and after.
 */
export async function changeStatus(
  scope: Scope,
  campaignId: string,
  action: CampaignAction,
  extra: (row: CampaignRow) => Partial<Pick<CampaignRow, 'schedule_at'>> & {
    metadata?: CampaignMetadata;
  } = () => ({}),
): Promise<{ before: CampaignRow; campaign: Campaign }> {
  return inTransaction(scope, async (tx) => {
    const row = await findCampaignRow(tx, campaignId, true);
    const status = transition(row.status, action);
    const { metadata, ...columns } = extra(row);
    const updated = await tx.db
      .updateTable('campaigns')
      .set({
        status,
        ...columns,
        ...(metadata
          ? { metadata: toJson({ ...((row.metadata ?? {}) as object), ...metadata }) }
          : {}),
        updated_at: tx.clock.now(),
      })
      .where('id', '=', row.id)
      .returningAll()
      .returning(withHoldout)
      .executeTakeFirstOrThrow();
    const campaign = toCampaign(updated);
    await recordAudit(tx, {
      action: `campaign.${action}`,
      entity: 'campaign',
      entityId: row.id,
      before: toCampaign(row),
      after: campaign,
    });
    return { before: row, campaign };
  });
}

/**
 * Schedules a draft: the worker starts it at `schedule_at` (now when omitted). Needs a
 * template and a segment. @throws `CAMPAIGN_INCOMPLETE`, `CAMPAIGN_INVALID_TRANSITION`
 */
export async function scheduleCampaign(
  scope: Scope,
  campaignId: string,
  input: CampaignSchedule = {},
): Promise<Campaign> {
  const parsed = parseInput(campaignScheduleSchema, input, { what: 'schedule' });
  return inTransaction(scope, async (tx) => {
    const { campaign } = await changeStatus(tx, campaignId, 'schedule', (row) => {
      const missing = (['template_id', 'segment_id'] as const).filter((k) => row[k] === null);
      if (missing.length > 0) {
        throw new GreenTrackError({
          code: CampaignErrorCode.CAMPAIGN_INCOMPLETE,
          message: `A campaign needs a ${missing.map((k) => k.replace('_id', '')).join(' and a ')} before it is scheduled`,
          details: { missing },
        });
      }
      return {
        schedule_at: parsed.schedule_at ? new Date(parsed.schedule_at) : tx.clock.now(),
      };
    });
    // The template may have been switched to the other channel since it was chosen.
    await checkReferences(tx, campaign);
    tx.emit('campaign.scheduled', {
      organizationId: tx.organizationId,
      campaignId: campaign.id,
      scheduleAt: campaign.schedule_at ?? tx.clock.now(),
      actor: tx.actor,
    });
    return campaign;
  });
}

/** Back to draft before it starts. @throws `CAMPAIGN_INVALID_TRANSITION` */
export async function unscheduleCampaign(scope: Scope, campaignId: string): Promise<Campaign> {
  const { campaign } = await changeStatus(scope, campaignId, 'unschedule', () => ({
    schedule_at: null,
  }));
  return campaign;
}

/** Stops sending; nothing already sent is undone. @throws `CAMPAIGN_INVALID_TRANSITION` */
export async function pauseCampaign(scope: Scope, campaignId: string): Promise<Campaign> {
  return changeStatusAndTell(scope, campaignId, 'pause', 'campaign.paused');
}

/** Continues exactly where the pause stopped. @throws `CAMPAIGN_INVALID_TRANSITION` */
export async function resumeCampaign(scope: Scope, campaignId: string): Promise<Campaign> {
  return changeStatusAndTell(scope, campaignId, 'resume', 'campaign.resumed');
}

/** A lifecycle action whose event names only the campaign and the actor. */
async function changeStatusAndTell(
  scope: Scope,
  campaignId: string,
  action: 'pause' | 'resume',
  event: 'campaign.paused' | 'campaign.resumed',
): Promise<Campaign> {
  return inTransaction(scope, async (tx) => {
    const { campaign } = await changeStatus(tx, campaignId, action);
    tx.emit(event, { organizationId: tx.organizationId, campaignId, actor: tx.actor });
    return campaign;
  });
}

/**
 * Ends an unfinished campaign as `completed`, recording who cancelled it and when in
 * `metadata.cancelled`; messages not yet sent are never sent.
 * @throws `CAMPAIGN_INVALID_TRANSITION` when it is already completed
 */
export async function cancelCampaign(scope: Scope, campaignId: string): Promise<Campaign> {
  return inTransaction(scope, async (tx) => {
    const at = tx.clock.now().toISOString();
    const { campaign } = await changeStatus(tx, campaignId, 'cancel', () => ({
      metadata: { cancelled: { at, by: { type: tx.actor.type, id: tx.actor.id } } },
    }));
    // What was not yet sent never will be.
    await tx.db
      .updateTable('campaign_deliveries')
      .set({ state: 'skipped', reason: 'cancelled', updated_at: tx.clock.now() })
      .where('organization_id', '=', tx.organizationId)
      .where('state', '=', 'pending')
      .where('campaign_run_id', 'in', (eb) =>
        eb.selectFrom('campaign_runs').select('id').where('campaign_id', '=', campaignId),
      )
      .execute();
    tx.emit('campaign.completed', {
      organizationId: tx.organizationId,
      campaignId,
      cancelled: true,
      actor: tx.actor,
    });
    return campaign;
  });
}
