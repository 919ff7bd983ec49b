/**
 * The `sms.inbound` handler on a migrated database, called as the webhooks module calls it
 * (inside a transaction, as the `webhook` actor): each keyword, letter case and spacing,
 * an unknown number, two customers sharing a number, another organization's customer,
 * the HELP answer from the organization's settings, and the ordering rule for replays.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import type { ModuleDeps } from '../module.js';
import type { InboundSmsEffect } from '../providers/webhooks.js';
import { inTransaction, type Scope } from '../scope.js';
import type { TenantFacade } from '../tenant.js';
import { applyInboundSms } from './inbound.js';
import { matchKeyword, SMS_KEYWORDS } from './keywords.js';
import { defaultHelpReply } from './settings.js';

const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const START_WORDS = ['START', 'YES', 'UNSTOP'];

describe('matchKeyword', () => {
  it('knows exactly the listed keywords', () => {
    expect(Object.keys(SMS_KEYWORDS).sort()).toEqual(
      [...STOP_WORDS, ...START_WORDS, 'HELP'].sort(),
    );
  });

  it.each([
    ['STOP', 'STOP', 'stop'],
    ['stop', 'STOP', 'stop'],
    ['  Stop \n', 'STOP', 'stop'],
    ['optout', 'OPTOUT', 'stop'],
    ['Unstop', 'UNSTOP', 'start'],
    ['yes', 'YES', 'start'],
    ['help', 'HELP', 'help'],
  ])('%j → %s (%s)', (body, keyword, action) => {
    expect(matchKeyword(body)).toEqual({ keyword, action });
  });

  it.each(['stop please', "don't stop", 'STOP.', 'S T O P', '', 'constructor', 'toString'])(
    '%j is not a keyword',
    (body) => {
      expect(matchKeyword(body)).toBeNull();
    },
  );
});

describe(`the sms.inbound handler [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let organizationId: string;
  let org: TenantFacade;
  let staffOrg: TenantFacade;
  let other: TenantFacade;
  const clock = fixedClock('2026-06-01T18:00:00.000Z');
  const changes: Array<GreenTrackEventMap['consent.changed']> = [];
  let phoneCounter = 100;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
    gt.on('consent.changed', (payload) => changes.push(payload));
    const fixture = await makeOrganization(gt, 'Green Shop');
    organizationId = fixture.organization.id;
    org = gt.as({ userId: fixture.owner.id, organizationId });
    staffOrg = gt.as({ userId: fixture.staff.id, organizationId });
    const second = await makeOrganization(gt, 'Other Shop');
    other = gt.as({ userId: second.owner.id, organizationId: second.organization.id });
  });
  afterAll(() => cleanup());

  /** A number no other test uses (valid US numbers in 415-555-01xx). */
  const newPhone = () => `+1415555${String(phoneCounter++).padStart(4, '0')}`;

  /** Delivers inbound texts as the webhooks module does: one transaction, the webhook actor. */
  async function deliver(
    texts: Array<{ from: string; body: string }>,
    receivedAt: Date = clock.now(),
  ): Promise<readonly string[]> {
    const scope: Scope = {
      db: gt.database.tenant(organizationId),
      organizationId,
      actor: { type: 'webhook', id: null },
      role: 'owner',
      clock,
      // Collected like the instance's own listeners (`gt.on`): after the commit.
      emit: (name, payload) => {
        if (name === 'consent.changed') changes.push(payload as (typeof changes)[number]);
      },
    };
    const effects: InboundSmsEffect[] = texts.map((text) => ({
      kind: 'sms.inbound',
      from: text.from,
      to: '+14155550000',
      body: text.body,
      providerMessageId: `SM${randomUUID().replaceAll('-', '')}`,
    }));
    const result = await inTransaction(scope, (tx) =>
      applyInboundSms(tx, effects, {
        // The handler reads nothing from the instance's dependencies.
        deps: {} as ModuleDeps,
        webhook: {
          id: randomUUID(),
          organizationId,
          provider: 'twilio',
          integrationAccountId: randomUUID(),
          eventType: 'inbound',
          payload: {},
          receivedAt,
        },
      }),
    );
    return result?.replies ?? [];
  }

  async function customer(phone: string, status: 'subscribed' | null = 'subscribed', on = org) {
    const created = await on.customers.create({ type: 'customer', name: 'Texter', phone });
    if (status) await on.consent.set(created.id, 'sms', status, { source: 'checkout' });
    return created;
  }

  const smsStatus = async (id: string, on = org) => (await on.consent.get(id)).sms.status;

  it('STOP unsubscribes the sender: audited as the webhook, told as consent.changed', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    changes.length = 0;
    expect(await deliver([{ from: phone, body: 'STOP' }])).toEqual([]);

    expect(await smsStatus(texter.id)).toBe('unsubscribed');
    expect(changes).toEqual([
      expect.objectContaining({
        customerId: texter.id,
        channel: 'sms',
        status: 'unsubscribed',
        previousStatus: 'subscribed',
        source: 'sms:keyword:STOP',
        actor: { type: 'webhook', id: null },
      }),
    ]);
    const audit = await gt.db
      .selectFrom('audit_log')
      .select(['actor_type', 'action', 'after'])
      .where('organization_id', '=', organizationId)
      .where('entity', '=', 'subscription')
      .where('actor_type', '=', 'webhook')
      .execute();
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor_type: 'webhook',
        action: 'subscription.update',
        after: expect.objectContaining({ status: 'unsubscribed', source: 'sms:keyword:STOP' }),
      }),
    );
    // Email consent is another channel: untouched.
    expect((await org.consent.get(texter.id)).email.status).toBeNull();
  });

  it.each(STOP_WORDS)('%s unsubscribes, in any case and with spaces around', async (word) => {
    const phone = newPhone();
    const texter = await customer(phone);
    await deliver([{ from: phone, body: `  ${word.toLowerCase()}\n` }]);
    expect(await smsStatus(texter.id)).toBe('unsubscribed');
  });

  it.each(START_WORDS)('%s subscribes an unsubscribed customer again', async (word) => {
    const phone = newPhone();
    const texter = await customer(phone);
    await deliver([{ from: phone, body: 'stop' }]);
    expect(await smsStatus(texter.id)).toBe('unsubscribed');
    await deliver([{ from: phone, body: word[0] + word.slice(1).toLowerCase() }]);
    expect(await smsStatus(texter.id)).toBe('subscribed');
    const sources = changes.filter((c) => c.customerId === texter.id).map((c) => c.source);
    expect(sources.at(-1)).toBe(`sms:keyword:${word}`);
  });

  it('START subscribes a customer who never had an SMS status (opt-in by text)', async () => {
    const phone = newPhone();
    const texter = await customer(phone, null);
    await deliver([{ from: phone, body: 'START' }]);
    expect(await smsStatus(texter.id)).toBe('subscribed');
  });

  it('a text that only contains a keyword changes nothing', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    const before = changes.length;
    expect(await deliver([{ from: phone, body: 'Please stop texting me' }])).toEqual([]);
    expect(await smsStatus(texter.id)).toBe('subscribed');
    expect(changes.length).toBe(before);
  });

  it('a number no customer has: nothing changes, nothing fails', async () => {
    const before = changes.length;
    await expect(deliver([{ from: newPhone(), body: 'STOP' }])).resolves.toEqual([]);
    expect(changes.length).toBe(before);
  });

  it('two customers with the same number both stop; another organization’s does not', async () => {
    const phone = newPhone();
    const first = await customer(phone);
    const second = await customer(phone);
    const elsewhere = await customer(phone, 'subscribed', other);
    await deliver([{ from: phone, body: 'STOP' }]);
    expect(await smsStatus(first.id)).toBe('unsubscribed');
    expect(await smsStatus(second.id)).toBe('unsubscribed');
    expect(await smsStatus(elsewhere.id, other)).toBe('subscribed');
  });

  it('matches a sender written otherwise to the stored E.164 number', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    await deliver([{ from: ` ${phone} `, body: 'STOP' }]);
    expect(await smsStatus(texter.id)).toBe('unsubscribed');
  });

  it('delivered twice, a STOP changes once (one event, one audit row)', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    const before = changes.length;
    await deliver([{ from: phone, body: 'STOP' }]);
    await deliver([{ from: phone, body: 'STOP' }]);
    expect(changes.slice(before).filter((c) => c.customerId === texter.id)).toHaveLength(1);
  });

  it('a STOP replayed after a later START does not undo it; a newer STOP does', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    const stopAt = new Date(clock.now().getTime() + 60_000);
    clock.set(stopAt);
    await deliver([{ from: phone, body: 'STOP' }], stopAt);
    clock.advance(60_000);
    await deliver([{ from: phone, body: 'START' }]);
    expect(await smsStatus(texter.id)).toBe('subscribed');

    // The first STOP again (a reprocess of its stored row): received before the START.
    clock.advance(60_000);
    await deliver([{ from: phone, body: 'STOP' }], stopAt);
    expect(await smsStatus(texter.id)).toBe('subscribed');

    await deliver([{ from: phone, body: 'STOP' }]);
    expect(await smsStatus(texter.id)).toBe('unsubscribed');
  });

  it('HELP is answered with the default naming the organization, from any number', async () => {
    const phone = newPhone();
    const texter = await customer(phone);
    const replies = await deliver([{ from: phone, body: 'help' }]);
    expect(replies).toEqual([defaultHelpReply('Green Shop')]);
    expect(replies[0]).toContain('Green Shop');
    expect(replies[0]).toContain('Reply STOP to unsubscribe');
    expect(await smsStatus(texter.id)).toBe('subscribed');
    expect(await deliver([{ from: newPhone(), body: 'HELP' }])).toEqual(replies);
  });

  it('HELP is answered with the organization’s own text once set, and the default again after null', async () => {
    const text = 'Green Shop: help at shop.example/help or 415-555-0100. Reply STOP to opt out.';
    expect(await org.settings.smsKeywords.set({ helpReply: `  ${text} ` })).toEqual({
      helpReply: text,
      effectiveHelpReply: text,
    });
    expect(await staffOrg.settings.smsKeywords.get()).toEqual({
      helpReply: text,
      effectiveHelpReply: text,
    });
    expect(
      await deliver([
        { from: newPhone(), body: 'HELP' },
        { from: newPhone(), body: 'Help' },
      ]),
    ).toEqual([text, text]);

    expect(await org.settings.smsKeywords.set({ helpReply: null })).toEqual({
      helpReply: null,
      effectiveHelpReply: defaultHelpReply('Green Shop'),
    });
    expect(await deliver([{ from: newPhone(), body: 'HELP' }])).toEqual([
      defaultHelpReply('Green Shop'),
    ]);
    const audit = await gt.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('organization_id', '=', organizationId)
      .where('action', '=', 'sms_keywords.update')
      .orderBy('occurred_at')
      .execute();
    expect(audit).toEqual([
      { before: null, after: text },
      { before: text, after: null },
    ]);
  });

  it('refuses an empty or too long HELP text, and a staff member setting one', async () => {
    const empty = await failure(org.settings.smsKeywords.set({ helpReply: '   ' }));
    expect(empty.code).toBe('VALIDATION_FAILED');
    expect(empty.message).toContain('helpReply');
    const long = await failure(org.settings.smsKeywords.set({ helpReply: 'x'.repeat(321) }));
    expect(long.code).toBe('VALIDATION_FAILED');
    const staff = await failure(staffOrg.settings.smsKeywords.set({ helpReply: 'Hi' }));
    expect(staff.code).toBe('FORBIDDEN');
  });
});
