/**
 * What the pass needs to know of claimed conversions, in ONE statement: the conversion as
 * `conversionsSql` defines it, its currency, the customer's GA client id and the UTM values
 * of the campaign it is credited to.
 *
 * - Client id: the customer's most recently seen `ga_sessions` row, else the event's own
 *   `ga_client_id` (a server-side conversion rarely carries one).
 * - UTM: the conversion's `last_click` attribution (a refund: the payment's) → its campaign
 *   run → the campaign's `utm_*`; each value missing there falls back to the event's own.
 */
import { sql } from 'kysely';
import { type AttributionSettings, conversionsSql } from '../attribution/index.js';
import type { Scope } from '../scope.js';
import type { ResolvedConversion } from './request.js';

/** The claimed conversions that still are conversions, oldest first. */
export async function resolveConversions(
  scope: Scope,
  settings: AttributionSettings,
  eventIds: readonly string[],
): Promise<ResolvedConversion[]> {
  if (eventIds.length === 0) return [];
  const org = scope.organizationId;
  const { rows } = await sql<ResolvedConversion>`
    SELECT c.event_id, c.occurred_at, c.revenue_cents, c.reverses_event_id,
           e.properties ->> 'currency' AS currency,
           COALESCE(s.ga_client_id, e.ga_client_id) AS client_id,
           COALESCE(k.utm_source, e.utm_source) AS utm_source,
           COALESCE(k.utm_medium, e.utm_medium) AS utm_medium,
           COALESCE(k.utm_campaign, e.utm_campaign) AS utm_campaign
    FROM (${conversionsSql(scope, settings)}) c
    JOIN events e ON e.id = c.event_id AND e.organization_id = ${org}
    LEFT JOIN LATERAL (
      SELECT g.ga_client_id FROM ga_sessions g
      WHERE g.organization_id = ${org} AND g.customer_id = c.customer_id
      ORDER BY g.last_seen_at DESC NULLS LAST, g.ga_client_id
      LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT k.utm_source, k.utm_medium, k.utm_campaign
      FROM attributions a
      JOIN campaign_runs r ON r.id = a.campaign_run_id
      JOIN campaigns k ON k.id = r.campaign_id AND k.organization_id = ${org}
      WHERE a.organization_id = ${org}
        AND a.event_id = COALESCE(c.reverses_event_id, c.event_id)
        AND a.attributed_model = 'last_click'
      ORDER BY a.revenue_cents DESC, a.id
      LIMIT 1
    ) k ON true
    WHERE c.event_id = ANY(${sql.val([...eventIds])}::uuid[])
    ORDER BY c.occurred_at, c.event_id`.execute(scope.db);
  return rows.map((row) => ({ ...row, occurred_at: new Date(row.occurred_at) }));
}
