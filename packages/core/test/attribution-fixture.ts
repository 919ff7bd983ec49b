/**
 * Building blocks for attribution tests: campaigns with runs at given times, messages with
 * chosen ids (ties are broken by id, so tests pick them), message events, analytics events
 * and conversion events, inserted directly as the conversions contract describes them.
 */
import type { GreenTrack } from '../src/greentrack.js';

/** A fixed, readable UUID: `id(7)` = `00000000-0000-4000-8000-000000000007`. */
export const fixedId = (n: number, prefix = '00000000') =>
  `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Inserts rows into one organization's attribution inputs. */
export function attributionFixture(gt: GreenTrack, organizationId: string) {
  const db = gt.db;
  return {
    async customer(name: string): Promise<string> {
      const row = await db
        .insertInto('customers')
        .values({ organization_id: organizationId, type: 'customer', name })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    /** A campaign with one run per start time; returns the run ids in order. */
    async campaign(
      name: string,
      options: { utm?: string; channel?: 'email' | 'sms'; runs: Array<{ id?: string; at: Date }> },
    ): Promise<{ id: string; runs: string[] }> {
      const campaign = await db
        .insertInto('campaigns')
        .values({
          organization_id: organizationId,
          name,
          channel: options.channel ?? 'email',
          utm_campaign: options.utm ?? null,
          status: 'completed',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const runs: string[] = [];
      for (const run of options.runs) {
        const row = await db
          .insertInto('campaign_runs')
          .values({
            ...(run.id ? { id: run.id } : {}),
            campaign_id: campaign.id,
            started_at: run.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        runs.push(row.id);
      }
      return { id: campaign.id, runs };
    },
    async message(input: {
      id: string;
      customerId: string;
      runId: string | null;
      channel?: 'email' | 'sms';
    }): Promise<string> {
      await db
        .insertInto('messages')
        .values({
          id: input.id,
          organization_id: organizationId,
          customer_id: input.customerId,
          campaign_run_id: input.runId,
          channel: input.channel ?? 'email',
          to_address: input.channel === 'sms' ? '+14155550100' : 'someone@example.com',
          body: 'Hello',
          status: 'delivered',
        })
        .execute();
      return input.id;
    },
    async messageEvent(
      messageId: string,
      type: 'click' | 'open' | 'delivered',
      at: Date,
    ): Promise<void> {
      await db
        .insertInto('message_events')
        .values({ organization_id: organizationId, message_id: messageId, type, occurred_at: at })
        .execute();
    },
    /** An analytics event (a visit, tagged or not). */
    async event(
      customerId: string,
      name: string,
      at: Date,
      extra: { utm_campaign?: string; properties?: object } = {},
    ): Promise<string> {
      const row = await db
        .insertInto('events')
        .values({
          organization_id: organizationId,
          customer_id: customerId,
          name,
          source: 'system',
          utm_campaign: extra.utm_campaign ?? null,
          properties: JSON.stringify(extra.properties ?? {}),
          occurred_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
  };
}

/** `hours` before (negative) or after `at`. */
export const hoursFrom = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000);
