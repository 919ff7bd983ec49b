/**
 * Twilio's inbound texts end to end through the real route (`gt.handler`), signed with
 * Twilio's real scheme over the PUBLIC URL while the request reaches the host at its internal
 * address (a proxy in front, `webhooks.publicBaseUrl` configured), on PGlite or on Postgres
 * (`DATABASE_URL`).
 *
 * The acceptance test of issue 13: an SMS campaign is running, its messages queued behind
 * quiet hours (03:00 in San Francisco); one recipient texts STOP through the route; when the
 * dispatcher claims in the afternoon, that recipient's SMS is skipped for consent and the others go
 * out through the real Twilio SDK to the local Twilio.
 */
import { fixedClock, type GreenTrack } from '@greentrack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCampaign } from '../../test/campaign-fixture.js';
import { createTestGreenTrack, databaseKind } from '../../test/greentrack.js';
import { messageIdOf, startTwilioRig, TEST_AUTH_TOKEN, type TwilioRig } from './conformance-rig.js';
import { inboundForm, twilioRequest } from './webhook-fixtures.js';
import { twilioWebhooks } from './webhooks.js';

const PUBLIC_BASE = 'https://app.example.com/api/greentrack';
/** Where the host itself listens, behind the proxy. */
const INTERNAL_BASE = 'http://127.0.0.1:3000/api/greentrack';
/**
 * 03:00 in San Francisco, 06:00 in New York: quiet hours for a +1 number, which must be
 * inside 08:00–21:00 in every US zone before it is texted.
 */
const NIGHT = '2026-06-01T10:00:00.000Z';
/** 08:30 in Honolulu, 14:30 in New York: quiet hours are over everywhere in the US. */
const DAYTIME = '2026-06-01T18:30:00.000Z';

describe(`Twilio inbound SMS through gt.handler [${databaseKind}]`, () => {
  let rig: TwilioRig;
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock(NIGHT);

  beforeAll(async () => {
    rig = await startTwilioRig();
    ({ gt, cleanup } = await createTestGreenTrack({
      secret: 'a-twilio-e2e-secret-of-at-least-32-characters',
      tracking: { baseUrl: 'https://shop.example' },
      clock,
      providers: { sms: rig.provider, webhooks: [twilioWebhooks()] },
      webhooks: { publicBaseUrl: PUBLIC_BASE },
    }));
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    await rig?.close();
  });

  /** An inbound text posted to the internal address, signed over the public one. */
  async function text(accountId: string, from: string, body: string, token = TEST_AUTH_TOKEN) {
    const path = `/webhooks/twilio/${accountId}`;
    return gt.handler(
      twilioRequest(token, `${INTERNAL_BASE}${path}`, inboundForm({ from, body }), {
        signedUrl: `${PUBLIC_BASE}${path}`,
      }),
    );
  }

  /** An organization with a Twilio integration account holding the auth token. */
  async function twilioOrganization() {
    const suffix = crypto.randomUUID().slice(0, 8);
    const owner = await gt.users.create({ email: `owner-${suffix}@example.com`, name: 'Owner' });
    const { organization } = await gt.organizations.create({
      name: 'Green Shop',
      ownerUserId: owner.id,
    });
    const org = gt.as({ userId: owner.id, organizationId: organization.id });
    const account = await org.integrations.create({
      provider: 'twilio',
      credentials: { authToken: TEST_AUTH_TOKEN },
    });
    return { org, organizationId: organization.id, accountId: account.id };
  }

  const storedWebhooks = (organizationId: string) =>
    gt.database
      .tenant(organizationId)
      .selectFrom('webhooks_inbound')
      .select(['provider', 'event_type', 'status'])
      .where('organization_id', '=', organizationId)
      .execute();

  it('a STOP by SMS blocks the queued SMS of a running campaign; the others are sent', async () => {
    const phones = ['+14155550201', '+14155550202', '+14155550203'];
    const { org, campaign, customers } = await scheduleCampaign(gt, {
      channel: 'sms',
      customers: phones.map((phone, i) => ({ name: `Texter ${i}`, phone })),
      content: 'Hi {{ customer.first_name }}, spring sale today!',
    });
    const account = await org.integrations.create({
      provider: 'twilio',
      credentials: { authToken: TEST_AUTH_TOKEN },
    });

    // The run starts at night: its audience is frozen, its messages wait for the morning.
    await gt.worker.tick();
    expect((await org.campaigns.get(campaign.id)).status).toBe('running');
    expect(rig.server.requests).toHaveLength(0);

    const response = await text(account.id, phones[1] as string, 'Stop');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await org.consent.get(customers[1]?.id ?? '')).sms).toMatchObject({
      status: 'unsubscribed',
      canSend: false,
    });
    expect(await storedWebhooks(campaign.organization_id)).toEqual([
      { provider: 'twilio', event_type: 'inbound', status: 'processed' },
    ]);

    clock.set(DAYTIME);
    for (let tick = 0; tick < 10; tick++) {
      await gt.worker.tick();
      if ((await org.campaigns.get(campaign.id)).status === 'completed') break;
    }
    expect((await org.campaigns.get(campaign.id)).status).toBe('completed');

    const sentTo = rig.server.requests.map((r) => r.form?.get('To'));
    expect(sentTo.sort()).toEqual([phones[0], phones[2]]);
    const { items } = await org.campaigns.messages(campaign.id, { limit: 10 });
    expect(items.map((m) => m.to_address).sort()).toEqual([phones[0], phones[2]]);
    for (const request of rig.server.requests) {
      expect(items.map((m) => m.id)).toContain(messageIdOf(request));
    }
    const deliveries = await gt.database
      .tenant(campaign.organization_id)
      .selectFrom('campaign_deliveries')
      .select(['customer_id', 'state', 'reason'])
      .where('organization_id', '=', campaign.organization_id)
      .execute();
    expect(deliveries.find((d) => d.customer_id === customers[1]?.id)).toMatchObject({
      state: 'skipped',
      reason: 'consent withdrawn after the snapshot',
    });
    expect(deliveries.filter((d) => d.state === 'sent')).toHaveLength(2);
  }, 60_000);

  it('HELP is answered in the TwiML response with the organization’s text', async () => {
    const { org, accountId } = await twilioOrganization();
    await org.settings.smsKeywords.set({ helpReply: 'Green Shop & co: shop.example/help' });
    const response = await text(accountId, '+14155550299', ' help ');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Message>Green Shop &amp; co: shop.example/help</Message></Response>',
    );
  }, 60_000);

  it('a request signed with another token, or over the internal URL, is 401 and stores nothing', async () => {
    const { org, organizationId, accountId } = await twilioOrganization();
    const customer = await org.customers.create({
      type: 'customer',
      name: 'T',
      phone: '+14155550301',
    });
    await org.consent.set(customer.id, 'sms', 'subscribed');
    const wrongToken = await text(accountId, '+14155550301', 'STOP', 'another-token');
    expect(wrongToken.status).toBe(401);
    const path = `/webhooks/twilio/${accountId}`;
    // Signed over the address the host sees: what Twilio never signs behind a proxy.
    const internal = await gt.handler(
      twilioRequest(
        TEST_AUTH_TOKEN,
        `${INTERNAL_BASE}${path}`,
        inboundForm({
          from: '+14155550301',
          body: 'STOP',
        }),
      ),
    );
    expect(internal.status).toBe(401);
    expect((await org.consent.get(customer.id)).sms.status).toBe('subscribed');
    expect(await storedWebhooks(organizationId)).toEqual([]);
  }, 60_000);
});
