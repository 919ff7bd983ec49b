/**
 * The credits: which touches earned each conversion and how many cents each, by the four
 * models — ONE set-based query (window functions), whatever the number of conversions.
 *
 * Touches (per `AttributionSettings.touches` and `lookbackDays`):
 * - a message of the conversion's customer with a `click`, an `open`, or (SMS only) a
 *   `delivered` event at or before the conversion and within that type's lookback. A message
 *   is ONE touch however many such events it has: it spans its first to its last counted
 *   event (`first_at` … `last_at`), so five clicks on one email do not outweigh one click on
 *   another (decision 174);
 * - an `events` row of the customer whose `utm_campaign` is one of the organization's
 *   campaigns' (`campaigns.utm_campaign`), within the UTM lookback: the touch is that
 *   campaign's latest run started at or before the visit (`message_id` NULL); the visits of
 *   one run are one touch, like a message's events.
 *
 * A refund (`reverses_event_id`) is credited like the payment it reverses: that payment's
 * customer, time and touches, hence the same weights, so a full refund exactly negates the
 * payment's parts. A refund whose payment is unknown is credited on its own.
 *
 * Models: `last_click` — everything to the touch with the latest `last_at`; `first_touch` —
 * everything to the one with the earliest `first_at`; `linear` — equal weights;
 * `time_decay` — weight 2^(−age/halfLife), age = the newest touch's `last_at` minus this
 * touch's (the same proportions as age from the conversion, without underflow).
 *
 * Cents: |revenue| × weight ÷ Σweights, floored; the cents left over go one each to the
 * largest fractional remainders; ties (and ties between touches of one timestamp everywhere)
 * go to the more recent touch, then the smaller `message_id` (UTM touches last), then the
 * smaller `campaign_run_id`. A negative revenue (a refund) is split as |revenue| and negated.
 * Every touch a model credits gets a row, with 0 cents if the rounding leaves it none.
 */
import { type RawBuilder, sql } from 'kysely';
import type { AttributionModel } from '../db/types.js';
import type { Scope } from '../scope.js';
import type { ConversionRow } from './conversions.js';
import { type AttributionSettings, BUILTIN_CONVERSIONS } from './settings.js';

/** The four seed models, in the order credits are listed. */
export const ATTRIBUTION_MODELS = [
  'last_click',
  'first_touch',
  'linear',
  'time_decay',
] as const satisfies readonly AttributionModel[];

/** One credit: `attributions` without id, organization and created_at. */
interface CreditRow {
  event_id: string;
  customer_id: string;
  message_id: string | null;
  campaign_run_id: string | null;
  conversion_name: string;
  revenue_cents: number;
  attributed_model: AttributionModel;
}

const DAY_SECONDS = 86_400;

/**
 * The smallest time-decay exponent used: 2^−1000 ≈ 1e−301 is still a normal double, where
 * Postgres' `power` would raise an underflow error for a touch hundreds of half-lives old.
 */
const MIN_DECAY_EXPONENT = -1000;

/** The message event types that count as touches under `settings`. */
function messageTouchTypes(settings: AttributionSettings): string[] {
  const { touches } = settings;
  return [
    ...(touches.click ? ['click'] : []),
    ...(touches.open ? ['open'] : []),
    ...(touches.delivered ? ['delivered'] : []),
  ];
}

/** Message touches: one per (conversion, message), spanning its counted events. */
function messageTouchesSql(scope: Scope, settings: AttributionSettings): RawBuilder<unknown> {
  const types = messageTouchTypes(settings);
  if (types.length === 0)
    return sql`SELECT NULL::uuid, NULL::uuid, NULL::uuid, NULL::timestamptz, NULL::timestamptz WHERE false`;
  const { lookbackDays } = settings;
  return sql`
    SELECT cv.event_id, m.id AS message_id, m.campaign_run_id,
           min(me.occurred_at) AS first_at, max(me.occurred_at) AS last_at
    FROM conv cv
    JOIN messages m ON m.organization_id = ${scope.organizationId}
      AND m.customer_id = cv.touch_customer_id
    JOIN message_events me ON me.message_id = m.id
    WHERE me.type IN (${sql.join(types)})
      -- an email "delivered" says nothing about the reader; an SMS delivered is read
      AND (me.type <> 'delivered' OR m.channel = 'sms')
      AND me.occurred_at <= cv.at
      AND me.occurred_at >= cv.at - make_interval(days => CASE me.type
        WHEN 'click' THEN ${lookbackDays.click}::int
        WHEN 'open' THEN ${lookbackDays.open}::int
        ELSE ${lookbackDays.delivered}::int END)
    GROUP BY cv.event_id, m.id, m.campaign_run_id`;
}

/** UTM touches: one per (conversion, campaign run) the customer's tagged visits map to. */
function utmTouchesSql(scope: Scope, settings: AttributionSettings): RawBuilder<unknown> {
  if (!settings.touches.utm)
    return sql`SELECT NULL::uuid, NULL::uuid, NULL::uuid, NULL::timestamptz, NULL::timestamptz WHERE false`;
  return sql`
    SELECT cv.event_id, NULL::uuid AS message_id, run.id AS campaign_run_id,
           min(e.occurred_at) AS first_at, max(e.occurred_at) AS last_at
    FROM conv cv
    JOIN events e ON e.organization_id = ${scope.organizationId}
      AND e.customer_id = cv.touch_customer_id
      AND e.utm_campaign IS NOT NULL
      AND e.occurred_at <= cv.at
      AND e.occurred_at >= cv.at - make_interval(days => ${settings.lookbackDays.utm}::int)
      -- a conversion tagged with a campaign is not its own touch
      AND e.id <> cv.event_id AND e.id <> cv.anchor_id
    CROSS JOIN LATERAL (
      SELECT r.id FROM campaigns k JOIN campaign_runs r ON r.campaign_id = k.id
      WHERE k.organization_id = ${scope.organizationId}
        AND k.utm_campaign = e.utm_campaign AND r.started_at <= e.occurred_at
      ORDER BY r.started_at DESC, r.id DESC LIMIT 1) run
    GROUP BY cv.event_id, run.id`;
}

/** The order touches are preferred in on equal terms: recent first, then by id. */
const tieBreak = sql`last_at DESC, message_id ASC NULLS LAST, campaign_run_id ASC NULLS LAST`;

/**
 * The credits of `conversions` (a subquery of `ConversionRow`, e.g. `conversionsSql`) under
 * `models`, as a query of `CreditRow`. Conversions without a touch yield no row.
 */
function creditsSql(
  scope: Scope,
  settings: AttributionSettings,
  conversions: RawBuilder<ConversionRow>,
  models: readonly AttributionModel[] = ATTRIBUTION_MODELS,
): RawBuilder<CreditRow> {
  const halfLifeSeconds = settings.halfLifeDays * DAY_SECONDS;
  const modelRows = sql.join(models.map((m) => sql`(${m}::text)`));
  return sql<CreditRow>`
    WITH conv AS (
      SELECT c.event_id, c.customer_id, c.name, c.revenue_cents,
             coalesce(p.customer_id, c.customer_id) AS touch_customer_id,
             coalesce(p.occurred_at, c.occurred_at) AS at,
             coalesce(p.id, c.event_id) AS anchor_id
      FROM (${conversions}) c
      LEFT JOIN events p ON p.id = c.reverses_event_id
        AND p.organization_id = ${scope.organizationId}
        AND p.name = ${BUILTIN_CONVERSIONS.payment} AND p.customer_id IS NOT NULL
    ),
    touches (event_id, message_id, campaign_run_id, first_at, last_at) AS (
      ${messageTouchesSql(scope, settings)}
      UNION ALL
      ${utmTouchesSql(scope, settings)}
    ),
    ranked AS (
      SELECT cv.event_id, cv.customer_id, cv.name, cv.revenue_cents,
             t.message_id, t.campaign_run_id, t.first_at, t.last_at,
             row_number() OVER (PARTITION BY t.event_id ORDER BY ${tieBreak}) AS latest_rank,
             row_number() OVER (PARTITION BY t.event_id
               ORDER BY first_at ASC, message_id ASC NULLS LAST, campaign_run_id ASC NULLS LAST)
               AS earliest_rank,
             max(t.last_at) OVER (PARTITION BY t.event_id) AS newest_at
      FROM touches t JOIN conv cv ON cv.event_id = t.event_id
    ),
    weighted AS (
      SELECT r.*, m.model,
             (CASE m.model
               WHEN 'last_click' THEN CASE WHEN r.latest_rank = 1 THEN 1 ELSE 0 END
               WHEN 'first_touch' THEN CASE WHEN r.earliest_rank = 1 THEN 1 ELSE 0 END
               WHEN 'linear' THEN 1
               ELSE power(2::float8, greatest(${MIN_DECAY_EXPONENT}::float8,
                      -extract(epoch FROM r.newest_at - r.last_at)::float8 / ${halfLifeSeconds}::float8))
             END)::numeric AS weight
      FROM ranked r CROSS JOIN (VALUES ${modelRows}) AS m (model)
    ),
    shares AS (
      SELECT w.*,
             abs(w.revenue_cents)::numeric * w.weight
               / sum(w.weight) OVER (PARTITION BY w.event_id, w.model) AS share
      FROM weighted w WHERE w.weight > 0
    ),
    split AS (
      SELECT s.*, floor(s.share) AS base,
             abs(s.revenue_cents) - sum(floor(s.share)) OVER (PARTITION BY s.event_id, s.model)
               AS leftover,
             row_number() OVER (PARTITION BY s.event_id, s.model
               ORDER BY s.share - floor(s.share) DESC, ${tieBreak}) AS remainder_rank
      FROM shares s
    )
    SELECT event_id, customer_id, message_id, campaign_run_id, name AS conversion_name,
           model AS attributed_model,
           (sign(revenue_cents) * (base + CASE WHEN remainder_rank <= leftover THEN 1 ELSE 0 END))::int
             AS revenue_cents
    FROM split`;
}

/**
 * Inserts the credits of `conversions` for the scope's organization; a credit already
 * stored (same conversion, model and touch) is left as it is. Returns the rows inserted.
 */
export async function insertCredits(
  scope: Scope,
  settings: AttributionSettings,
  conversions: RawBuilder<ConversionRow>,
  models: readonly AttributionModel[] = ATTRIBUTION_MODELS,
): Promise<number> {
  const result = await sql`
    INSERT INTO attributions (organization_id, customer_id, message_id, campaign_run_id,
                              event_id, conversion_name, revenue_cents, attributed_model)
    SELECT ${scope.organizationId}::uuid, x.customer_id, x.message_id, x.campaign_run_id,
           x.event_id, x.conversion_name, x.revenue_cents, x.attributed_model
    FROM (${creditsSql(scope, settings, conversions, models)}) x
    ON CONFLICT DO NOTHING`.execute(scope.db);
  return Number(result.numAffectedRows ?? 0);
}
