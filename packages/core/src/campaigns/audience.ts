/**
 * The audience snapshot: a run's recipients frozen in ONE `INSERT … SELECT` into
 * `campaign_audience`, so the audience never crosses the wire and a segment edited (or a
 * customer added) after the start changes nothing for the run.
 *
 * A customer is in when they are a member of the segment (`segmentMembersQuery`, which also
 * gives `included_reason`), the channel's consent allows it (stored status, else the
 * organization's policy: `consentJoinSql`, which also excludes bounced and complained
 * addresses — the suppression list), they have a reachable address (an email, or a phone
 * in E.164), and the frequency cap is not reached (messages actually sent in the window,
 * `frequency-cap.ts`). One row per address: two customers
 * sharing an address get one message (deterministically, the lower customer id keeps it).
 */
import { type SqlBool, sql } from 'kysely';
import { consentJoinSql, getConsentPolicy } from '../consent/index.js';
import type { Scope } from '../scope.js';
import { type SegmentDefinition, segmentMembersQuery } from '../segments/index.js';
import type { FrequencyCap } from '../settings/index.js';
import { sentSince } from './frequency-cap.js';

/** What to snapshot. */
export interface AudienceSnapshot {
  campaignRunId: string;
  channel: 'email' | 'sms';
  definition: SegmentDefinition;
  frequencyCap?: FrequencyCap | undefined;
}

/** E.164: a plus, a non-zero digit, 7 to 15 digits in all. */
const E164 = '^\\+[1-9][0-9]{6,14}$';

/** The channel's address column of `customers`. */
const addressOf = (channel: 'email' | 'sms') =>
  sql.ref<string>(channel === 'email' ? 'customers.email' : 'customers.phone');

/**
 * Freezes the run's audience; returns how many recipients it has. Idempotent: a second
 * call for the same run adds nothing (`UNIQUE (campaign_run_id, customer_id)`).
 */
export async function snapshotAudience(scope: Scope, snapshot: AudienceSnapshot): Promise<number> {
  const { channel, campaignRunId, frequencyCap } = snapshot;
  const address = addressOf(channel);
  // The policy is read first so that consent is a join (`consentJoinSql`), planned like a
  // hand-written audience query; as one correlated probe per customer it cost the
  // statement ~40× its real cost, and past `jit_above_cost` Postgres spent 0.15–0.5 s
  // JIT-compiling it (decision 120). A policy change committed meanwhile counts as made
  // just after the start.
  const mode = (await getConsentPolicy(scope))[channel];
  let members = segmentMembersQuery(scope, snapshot.definition)
    .where(consentJoinSql(scope.organizationId, channel, mode))
    .select(address.as('address'));
  if (channel === 'sms') members = members.where(sql<SqlBool>`${address} ~ ${E164}`);
  if (frequencyCap) {
    const since = new Date(scope.clock.now().getTime() - frequencyCap.days * 86_400_000);
    const sent = sentSince(scope.organizationId, channel, sql.ref('customers.id'), since);
    members = members.where(sql<SqlBool>`${sent} < ${frequencyCap.messages}`);
  }
  const unique = scope.db
    .selectFrom(members.as('m'))
    .distinctOn(sql`lower(m.address)`)
    .select((eb) => [
      // Typed: a parameter in a sub-select is text to the planner, the column is uuid.
      sql<string>`${campaignRunId}::uuid`.as('campaign_run_id'),
      'm.customer_id',
      eb.val(channel).as('channel'),
      'm.address',
      'm.included_reason',
    ])
    .orderBy(sql`lower(m.address)`)
    .orderBy('m.customer_id');
  // Idempotent through an anti-join rather than ON CONFLICT: DISTINCT ON already gives one
  // row per address (so per customer), and ON CONFLICT's speculative insertion costs every
  // row, while the anti-join against a new run's empty audience is free (decision 124).
  const result = await scope.db
    .insertInto('campaign_audience')
    .columns(['campaign_run_id', 'customer_id', 'channel', 'address', 'included_reason'])
    .expression(
      scope.db
        .selectFrom(unique.as('u'))
        .selectAll('u')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('campaign_audience as a')
                .select(sql.lit(1).as('one'))
                .where('a.campaign_run_id', '=', campaignRunId)
                .whereRef('a.customer_id', '=', 'u.customer_id'),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
