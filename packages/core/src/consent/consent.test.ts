import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { createClient, GreenTrackApiError } from '../client/index.js';
import { fixedClock } from '../clock.js';
import type { Channel, ConsentMode, SubscriptionStatus } from '../db/types.js';
import type { GreenTrackEventMap } from '../events.js';
import type { GreenTrack } from '../greentrack.js';
import { inTransaction, type Scope } from '../scope.js';
import type { TenantFacade } from '../tenant.js';
import {
  consentAllowsSql,
  consentDecision,
  consentJoinSql,
  DEFAULT_CONSENT_POLICY,
  getCustomerConsent,
  setCustomerConsent,
} from './index.js';

const STATUSES: Array<SubscriptionStatus | null> = [
  null,
  'subscribed',
  'unsubscribed',
  'bounced',
  'complained',
];

/**
 * The rule written out by hand, independent of the code under test: who may receive.
 * opt-out: anyone with an address and no blocking status; opt-in: only `subscribed` with an
 * address.
 */
const ALLOWED: Record<ConsentMode, Array<SubscriptionStatus | null>> = {
  opt_out: [null, 'subscribed'],
  opt_in: ['subscribed'],
};

describe(`consent [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let organizationId: string;
  let adminOrg: TenantFacade;
  let staffOrg: TenantFacade;
  let adminId: string;
  const clock = fixedClock('2026-03-01T09:00:00.000Z');
  const changes: Array<GreenTrackEventMap['consent.changed']> = [];
  const policyChanges: Array<GreenTrackEventMap['consent.policy_changed']> = [];

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'consent-test-secret-0123456789abcdef',
    }));
    gt.on('consent.changed', (payload) => changes.push(payload));
    gt.on('consent.policy_changed', (payload) => policyChanges.push(payload));
    const fixture = await makeOrganization(gt, 'Consent Co');
    organizationId = fixture.organization.id;
    adminId = fixture.admin.id;
    adminOrg = gt.as({ userId: fixture.admin.id, organizationId });
    staffOrg = gt.as({ userId: fixture.staff.id, organizationId });
  });
  afterAll(() => cleanup());

  const subscriptionRows = (customerId: string) =>
    gt.db
      .selectFrom('subscriptions')
      .select(['channel', 'status', 'updated_at'])
      .where('customer_id', '=', customerId)
      .orderBy('channel')
      .execute();

  const auditRows = (orgId: string, entity: string, db = gt.db) =>
    db
      .selectFrom('audit_log')
      .selectAll()
      .where('organization_id', '=', orgId)
      .where('entity', '=', entity)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();

  describe('policy', () => {
    it('defaults to email opt-out and SMS opt-in, without a settings row', async () => {
      expect(DEFAULT_CONSENT_POLICY).toEqual({ email: 'opt_out', sms: 'opt_in' });
      expect(await staffOrg.consent.policy.get()).toEqual({ email: 'opt_out', sms: 'opt_in' });
      const rows = await gt.db
        .selectFrom('organization_settings')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .execute();
      expect(rows).toEqual([]);
    });

    it('changes only the channels given (admin), audited, with one event after commit', async () => {
      const { organization, owner, admin } = await makeOrganization(gt, 'Policy Co');
      const asAdmin = gt.as({ userId: admin.id, organizationId: organization.id });
      const eventsBefore = policyChanges.length;
      clock.advance(1000);
      expect(await asAdmin.consent.policy.set({ sms: 'opt_out' })).toEqual({
        email: 'opt_out',
        sms: 'opt_out',
      });
      expect(await asAdmin.consent.policy.get()).toEqual({ email: 'opt_out', sms: 'opt_out' });
      const row = await gt.db
        .selectFrom('organization_settings')
        .selectAll()
        .where('organization_id', '=', organization.id)
        .executeTakeFirstOrThrow();
      expect(row.consent_policy).toEqual({ email: 'opt_out', sms: 'opt_out' });
      expect(row.updated_at).toEqual(clock.now());
      const audit = await auditRows(organization.id, 'consent_policy');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'consent_policy.update',
        entity_id: organization.id,
        actor_id: admin.id,
        before: { email: 'opt_out', sms: 'opt_in' },
        after: { email: 'opt_out', sms: 'opt_out' },
      });
      expect(policyChanges.slice(eventsBefore)).toEqual([
        {
          organizationId: organization.id,
          policy: { email: 'opt_out', sms: 'opt_out' },
          previousPolicy: { email: 'opt_out', sms: 'opt_in' },
          actor: { type: 'user', id: admin.id },
        },
      ]);

      // Same values again, or nothing at all: no write, no audit, no event.
      expect(await asAdmin.consent.policy.set({ sms: 'opt_out', email: 'opt_out' })).toEqual({
        email: 'opt_out',
        sms: 'opt_out',
      });
      expect(await asAdmin.consent.policy.set({})).toEqual({ email: 'opt_out', sms: 'opt_out' });
      expect(await auditRows(organization.id, 'consent_policy')).toHaveLength(1);
      expect(policyChanges).toHaveLength(eventsBefore + 1);

      // Owners may too; the other organization's policy is untouched.
      const asOwner = gt.as({ userId: owner.id, organizationId: organization.id });
      expect(await asOwner.consent.policy.set({ email: 'opt_in' })).toEqual({
        email: 'opt_in',
        sms: 'opt_out',
      });
      expect(await adminOrg.consent.policy.get()).toEqual(DEFAULT_CONSENT_POLICY);
    });

    it('refuses staff, and bad modes or channels naming the field, writing nothing', async () => {
      const { organization, admin, staff } = await makeOrganization(gt, 'Policy Guard');
      const asStaff = gt.as({ userId: staff.id, organizationId: organization.id });
      const asAdmin = gt.as({ userId: admin.id, organizationId: organization.id });
      const forbidden = await failure(asStaff.consent.policy.set({ email: 'opt_in' }));
      expect(forbidden.code).toBe('FORBIDDEN');
      expect(forbidden.details).toMatchObject({ action: 'consent.policy', required: 'admin' });
      const badMode = await failure(asAdmin.consent.policy.set({ email: 'maybe' as never }));
      expect(badMode.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(badMode)).toEqual(['email']);
      const badChannel = await failure(asAdmin.consent.policy.set({ push: 'opt_in' } as never));
      expect(badChannel.code).toBe('VALIDATION_FAILED');
      expect(badChannel.message).toContain('push');
      expect(await asAdmin.consent.policy.get()).toEqual(DEFAULT_CONSENT_POLICY);
      expect(await auditRows(organization.id, 'consent_policy')).toEqual([]);
      const rows = await gt.db
        .selectFrom('organization_settings')
        .select('organization_id')
        .where('organization_id', '=', organization.id)
        .execute();
      expect(rows).toEqual([]);
    });

    it('is guarded by the database too: a partial or misspelled policy is rejected', async () => {
      const { organization } = await makeOrganization(gt, 'Check Co');
      for (const doc of ['{"email":"opt_in"}', '{"email":"opt_in","sms":"sometimes"}', '[]']) {
        await expect(
          gt.db
            .insertInto('organization_settings')
            .values({ organization_id: organization.id, consent_policy: doc })
            .execute(),
        ).rejects.toMatchObject({ code: '23514' });
      }
      // The column default is the documented default policy.
      const row = await gt.db
        .insertInto('organization_settings')
        .values({ organization_id: organization.id })
        .returning('consent_policy')
        .executeTakeFirstOrThrow();
      expect(row.consent_policy).toEqual(DEFAULT_CONSENT_POLICY);
    });
  });

  describe('customer consent', () => {
    it('reports each channel: status, mode, address and whether a campaign may send', async () => {
      const customer = await staffOrg.customers.create({
        type: 'customer',
        name: 'Email Only',
        email: 'only@example.com',
      });
      expect(await staffOrg.consent.get(customer.id)).toEqual({
        customerId: customer.id,
        email: {
          status: null,
          updatedAt: null,
          mode: 'opt_out',
          hasAddress: true,
          canSend: true,
          reason: 'opt_out_default',
        },
        sms: {
          status: null,
          updatedAt: null,
          mode: 'opt_in',
          hasAddress: false,
          canSend: false,
          reason: 'no_address',
        },
      });
    });

    it('upserts a status with the scope clock, audits before/after and emits once after commit', async () => {
      const customer = await adminOrg.customers.create({
        type: 'customer',
        name: 'Sam Sms',
        phone: '(415) 555-0101',
      });
      const eventsBefore = changes.length;
      clock.advance(60_000);
      const firstAt = clock.now();
      const subscribed = await staffOrg.consent.set(customer.id, 'sms', 'subscribed', {
        source: 'checkout_checkbox',
      });
      expect(subscribed.sms).toEqual({
        status: 'subscribed',
        updatedAt: firstAt,
        mode: 'opt_in',
        hasAddress: true,
        canSend: true,
        reason: 'subscribed',
      });
      clock.advance(60_000);
      const secondAt = clock.now();
      const stopped = await adminOrg.consent.set(customer.id, 'sms', 'unsubscribed');
      expect(stopped.sms).toMatchObject({
        status: 'unsubscribed',
        updatedAt: secondAt,
        canSend: false,
        reason: 'unsubscribed',
      });
      expect(await subscriptionRows(customer.id)).toEqual([
        { channel: 'sms', status: 'unsubscribed', updated_at: secondAt },
      ]);

      const audit = await auditRows(organizationId, 'subscription');
      const mine = audit.filter(
        (a) => (a.after as { customer_id?: string })?.customer_id === customer.id,
      );
      expect(mine.map((a) => a.action)).toEqual(['subscription.create', 'subscription.update']);
      expect(mine[0]).toMatchObject({
        before: null,
        after: { channel: 'sms', status: 'subscribed', source: 'checkout_checkbox' },
      });
      expect(mine[1]).toMatchObject({
        actor_id: adminId,
        before: { channel: 'sms', status: 'subscribed' },
        after: { channel: 'sms', status: 'unsubscribed', source: null },
      });
      expect(mine[1]?.entity_id).toBe(mine[0]?.entity_id);

      expect(changes.slice(eventsBefore)).toEqual([
        {
          organizationId,
          customerId: customer.id,
          channel: 'sms',
          status: 'subscribed',
          previousStatus: null,
          source: 'checkout_checkbox',
          actor: { type: 'user', id: expect.any(String) },
        },
        {
          organizationId,
          customerId: customer.id,
          channel: 'sms',
          status: 'unsubscribed',
          previousStatus: 'subscribed',
          source: null,
          actor: { type: 'user', id: adminId },
        },
      ]);
    });

    it('treats setting the current status as a no-op: no write, no audit, no event', async () => {
      const customer = await adminOrg.customers.create({
        type: 'lead',
        name: 'Noop',
        email: 'noop@example.com',
      });
      await adminOrg.consent.set(customer.id, 'email', 'bounced', { source: 'sendgrid' });
      const rowsBefore = await subscriptionRows(customer.id);
      const auditBefore = (await auditRows(organizationId, 'subscription')).length;
      const eventsBefore = changes.length;
      clock.advance(60_000);
      const again = await adminOrg.consent.set(customer.id, 'email', 'bounced', {
        source: 'sendgrid',
      });
      expect(again.email).toMatchObject({ status: 'bounced', canSend: false, reason: 'bounced' });
      expect(await subscriptionRows(customer.id)).toEqual(rowsBefore);
      expect(await auditRows(organizationId, 'subscription')).toHaveLength(auditBefore);
      expect(changes).toHaveLength(eventsBefore);
    });

    it('rejects an unknown channel, status or a bad source naming the field, writing nothing', async () => {
      const customer = await staffOrg.customers.create({
        type: 'customer',
        name: 'Bad Input',
        email: 'bad@example.com',
        phone: '+14155550102',
      });
      const auditBefore = (await auditRows(organizationId, 'subscription')).length;
      const eventsBefore = changes.length;
      const channel = await failure(
        staffOrg.consent.set(customer.id, 'push' as Channel, 'subscribed'),
      );
      expect(channel.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(channel)).toEqual(['channel']);
      const status = await failure(
        staffOrg.consent.set(customer.id, 'email', 'maybe' as SubscriptionStatus),
      );
      expect(issuePaths(status)).toEqual(['status']);
      const both = await failure(
        staffOrg.consent.set(customer.id, 'fax' as Channel, 'yes' as SubscriptionStatus, {
          source: '',
        }),
      );
      expect(issuePaths(both)).toEqual(['channel', 'source', 'status']);
      const long = await failure(
        staffOrg.consent.set(customer.id, 'email', 'subscribed', { source: 'x'.repeat(201) }),
      );
      expect(issuePaths(long)).toEqual(['source']);
      expect(await subscriptionRows(customer.id)).toEqual([]);
      expect(await auditRows(organizationId, 'subscription')).toHaveLength(auditBefore);
      expect(changes).toHaveLength(eventsBefore);
    });

    it("answers CUSTOMER_NOT_FOUND for another organization's customer, writing nothing", async () => {
      const other = await makeOrganization(gt, 'Other Consent');
      const theirs = await gt
        .as({ userId: other.owner.id, organizationId: other.organization.id })
        .customers.create({ type: 'customer', name: 'Theirs', email: 'theirs@example.com' });
      expect((await failure(adminOrg.consent.get(theirs.id))).code).toBe('CUSTOMER_NOT_FOUND');
      const set = await failure(adminOrg.consent.set(theirs.id, 'email', 'unsubscribed'));
      expect(set.code).toBe('CUSTOMER_NOT_FOUND');
      expect((await failure(adminOrg.consent.get('not-a-uuid'))).code).toBe('CUSTOMER_NOT_FOUND');
      expect((await failure(adminOrg.consent.get(randomUUID()))).code).toBe('CUSTOMER_NOT_FOUND');
      expect(await subscriptionRows(theirs.id)).toEqual([]);
      expect(await auditRows(other.organization.id, 'subscription')).toEqual([]);
    });

    it('lets staff read and record consent, and refuses a token without the consent scope', async () => {
      const customer = await adminOrg.customers.create({
        type: 'customer',
        name: 'Scoped',
        email: 'scoped@example.com',
      });
      expect((await staffOrg.consent.set(customer.id, 'email', 'complained')).email.reason).toBe(
        'complained',
      );
      const readOnly = gt.as({
        userId: adminId,
        organizationId,
        scopes: ['customer.read', 'consent.read'],
      });
      expect((await readOnly.consent.get(customer.id)).email.status).toBe('complained');
      const refused = await failure(readOnly.consent.set(customer.id, 'email', 'subscribed'));
      expect(refused.code).toBe('FORBIDDEN');
      expect((await subscriptionRows(customer.id))[0]?.status).toBe('complained');
    });

    describe('inside a larger transaction', () => {
      const scopeWith = (emitted: string[]): Scope => ({
        db: gt.db,
        organizationId,
        actor: { type: 'user', id: adminId },
        role: 'admin',
        clock,
        emit: (name) => {
          emitted.push(name);
        },
      });

      it('rolls the change and its audit row back when the transaction fails, emitting nothing', async () => {
        const customer = await adminOrg.customers.create({
          type: 'customer',
          name: 'Rollback',
          email: 'rollback@example.com',
        });
        const auditBefore = (await auditRows(organizationId, 'subscription')).length;
        const emitted: string[] = [];
        await expect(
          inTransaction(scopeWith(emitted), async (tx) => {
            await setCustomerConsent(tx, customer.id, 'email', 'unsubscribed', {
              source: 'test',
            });
            // Visible inside the transaction...
            expect((await getCustomerConsent(tx, customer.id)).email.status).toBe('unsubscribed');
            // (PGlite has one connection: inside the transaction, read through it.)
            expect(await auditRows(organizationId, 'subscription', tx.db)).toHaveLength(
              auditBefore + 1,
            );
            throw new Error('boom after the consent change');
          }),
        ).rejects.toThrow('boom after the consent change');
        // ...and gone after the rollback, audit row included.
        expect(await subscriptionRows(customer.id)).toEqual([]);
        expect(await auditRows(organizationId, 'subscription')).toHaveLength(auditBefore);
        expect(emitted).toEqual([]);
      });

      it('delivers the event only after the outer commit', async () => {
        const customer = await adminOrg.customers.create({
          type: 'customer',
          name: 'Deferred',
          email: 'deferred@example.com',
        });
        const emitted: string[] = [];
        await inTransaction(scopeWith(emitted), async (tx) => {
          await setCustomerConsent(tx, customer.id, 'email', 'subscribed');
          expect(emitted).toEqual([]);
        });
        expect(emitted).toEqual(['consent.changed']);
      });
    });
  });

  describe('consentAllowsSql', () => {
    /**
     * Two organizations: one on the default policy (no settings row), one with both modes
     * flipped. In each, one customer per channel × stored status × address on file, with an
     * address only on the channel under test; the expected answer is known by construction.
     */
    interface FixtureCustomer {
      id: string;
      name: string;
      channel: Channel;
      allowed: boolean;
    }
    const orgs: Array<{
      id: string;
      facade: TenantFacade;
      policy: Record<Channel, ConsentMode>;
      customers: FixtureCustomer[];
    }> = [];

    beforeAll(async () => {
      for (const [label, policy] of [
        ['Default policy', { email: 'opt_out', sms: 'opt_in' }],
        ['Flipped policy', { email: 'opt_in', sms: 'opt_out' }],
      ] as const) {
        const fixture = await makeOrganization(gt, label);
        const facade = gt.as({ userId: fixture.owner.id, organizationId: fixture.organization.id });
        if (label === 'Flipped policy') await facade.consent.policy.set(policy);
        const customers: FixtureCustomer[] = [];
        for (const channel of ['email', 'sms'] as const) {
          for (const status of STATUSES) {
            for (const hasAddress of [true, false]) {
              const name = `${channel}|${status ?? 'none'}|${hasAddress ? 'address' : 'no-address'}`;
              const customer = await facade.customers.create({
                type: 'customer',
                name,
                email: channel === 'email' && hasAddress ? `${randomUUID()}@example.com` : null,
                phone: channel === 'sms' && hasAddress ? '+14155550199' : null,
              });
              if (status) await facade.consent.set(customer.id, channel, status);
              customers.push({
                id: customer.id,
                name,
                channel,
                allowed: hasAddress && ALLOWED[policy[channel]].includes(status),
              });
            }
          }
        }
        orgs.push({ id: fixture.organization.id, facade, policy, customers });
      }
    });

    it('yields exactly the customers the rule allows, for each policy, status and address', async () => {
      let allowedSeen = 0;
      for (const org of orgs) {
        for (const channel of ['email', 'sms'] as const) {
          // No organization filter besides the expression: both organizations hold a
          // customer of every name, and only this one's may pass.
          const rows = await gt.db
            .selectFrom('customers as c')
            .select('c.name')
            .where('c.name', 'like', `${channel}|%`)
            .where(consentAllowsSql(org.id, channel, { customerTable: 'c' }))
            .orderBy('c.name')
            .execute();
          const want = org.customers
            .filter((c) => c.channel === channel && c.allowed)
            .map((c) => c.name)
            .sort();
          expect({ policy: org.policy[channel], names: rows.map((r) => r.name) }).toEqual({
            policy: org.policy[channel],
            names: want,
          });
          allowedSeen += rows.length;
          // The join form, with the organization's mode read beforehand: the same customers.
          const joined = await gt.db
            .selectFrom('customers as c')
            .select('c.name')
            .where('c.name', 'like', `${channel}|%`)
            .where(consentJoinSql(org.id, channel, org.policy[channel], { customerTable: 'c' }))
            .orderBy('c.name')
            .execute();
          expect(joined.map((r) => r.name)).toEqual(want);
        }
      }
      // Per channel and organization: opt-out lets 2 of 10 through, opt-in 1 of 10.
      expect(allowedSeen).toBe(2 + 1 + 1 + 2);
    });

    it('agrees with consentDecision and with canSend of every fixture customer', async () => {
      for (const mode of ['opt_in', 'opt_out'] as const) {
        for (const status of STATUSES) {
          for (const hasAddress of [true, false]) {
            expect(consentDecision(mode, status, hasAddress).canSend).toBe(
              hasAddress && ALLOWED[mode].includes(status),
            );
          }
        }
      }
      for (const org of orgs) {
        expect(org.customers).toHaveLength(20);
        for (const customer of org.customers) {
          const consent = await org.facade.consent.get(customer.id);
          expect({ name: customer.name, canSend: consent[customer.channel].canSend }).toEqual({
            name: customer.name,
            canSend: customer.allowed,
          });
        }
      }
    });

    it('compiles to one parameterized expression, checks the channel, plans the policy once', async () => {
      const organization = randomUUID();
      const query = gt.db
        .selectFrom('customers as c')
        .select('c.id')
        .where(consentAllowsSql(organization, 'sms', { customerTable: 'c' }));
      const compiled = query.compile();
      expect(compiled.sql).toContain('"c"."organization_id" = $1 AND "c"."phone" IS NOT NULL');
      // One probe of the subscriptions unique index per customer, never an id set that
      // stops being hashed once it outgrows work_mem.
      expect(compiled.sql).toContain(
        `(SELECT s.status = 'subscribed' FROM subscriptions s WHERE s.organization_id = $2 AND s.customer_id = "c"."id" AND s.channel = $3)`,
      );
      expect(compiled.sql).not.toMatch(/\bIN \(SELECT/);
      expect(compiled.parameters).toEqual([
        organization,
        organization,
        'sms',
        'sms',
        organization,
        'opt_in',
      ]);
      const error = await failure(
        (async () => consentAllowsSql(organization, "email'; --" as Channel))(),
      );
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(error)).toEqual(['channel']);
      // The policy sub-select is uncorrelated: an InitPlan, evaluated once per query.
      const plan = (await query.explain()).map((r) => Object.values(r).join(' ')).join('\n');
      expect(plan).toMatch(/InitPlan/);
    });
  });

  describe('over HTTP and through the client', () => {
    it('reads and records consent and the policy; 400 naming the field, 403, 404', async () => {
      const fixture = await makeOrganization(gt, 'Consent HTTP');
      const orgId = fixture.organization.id;
      const tokenFor = (userId: string) => gt.tokens.issue({ userId, organizationId: orgId });
      const call = (userId: string, path: string, init: RequestInit = {}) =>
        gt.handler(
          new Request(`http://host.test/api/greentrack${path}`, {
            ...init,
            headers: {
              authorization: `Bearer ${tokenFor(userId)}`,
              'content-type': 'application/json',
            },
          }),
        );
      const staff = fixture.staff.id;
      const customer = await gt
        .as({ userId: staff, organizationId: orgId })
        .customers.create({ type: 'customer', name: 'Web', email: 'web@example.com' });

      const got = await call(staff, `/customers/${customer.id}/consent`);
      expect(got.status).toBe(200);
      expect(await got.json()).toMatchObject({
        customerId: customer.id,
        email: { status: null, canSend: true, reason: 'opt_out_default' },
        sms: { status: null, canSend: false, hasAddress: false },
      });

      clock.advance(1000);
      const put = await call(staff, `/customers/${customer.id}/consent/email`, {
        method: 'PUT',
        body: JSON.stringify({ status: 'unsubscribed', source: 'preference_center' }),
      });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({
        email: {
          status: 'unsubscribed',
          updatedAt: clock.now().toISOString(),
          canSend: false,
          reason: 'unsubscribed',
        },
      });

      const badChannel = await call(staff, `/customers/${customer.id}/consent/push`, {
        method: 'PUT',
        body: JSON.stringify({ status: 'subscribed' }),
      });
      expect(badChannel.status).toBe(400);
      const badChannelBody = (await badChannel.json()) as {
        error: { code: string; details: { issues: Array<{ path: string }> } };
      };
      expect(badChannelBody.error.code).toBe('VALIDATION_FAILED');
      expect(badChannelBody.error.details.issues.map((i) => i.path)).toEqual(['channel']);
      const badStatus = await call(staff, `/customers/${customer.id}/consent/sms`, {
        method: 'PUT',
        body: JSON.stringify({ status: 'maybe', extra: 1 }),
      });
      expect(badStatus.status).toBe(400);
      const badStatusBody = (await badStatus.json()) as {
        error: { details: { issues: Array<{ path: string }> } };
      };
      expect(badStatusBody.error.details.issues.map((i) => i.path)).toContain('status');
      expect(await subscriptionRows(customer.id)).toEqual([
        { channel: 'email', status: 'unsubscribed', updated_at: clock.now() },
      ]);

      expect((await call(staff, `/customers/${randomUUID()}/consent`)).status).toBe(404);

      expect(await (await call(staff, '/settings/consent-policy')).json()).toEqual(
        DEFAULT_CONSENT_POLICY,
      );
      const staffPut = await call(staff, '/settings/consent-policy', {
        method: 'PUT',
        body: JSON.stringify({ email: 'opt_in' }),
      });
      expect(staffPut.status).toBe(403);
      const badPolicy = await call(fixture.admin.id, '/settings/consent-policy', {
        method: 'PUT',
        body: JSON.stringify({ sms: 'always' }),
      });
      expect(badPolicy.status).toBe(400);
      expect(
        (
          (await badPolicy.json()) as { error: { details: { issues: Array<{ path: string }> } } }
        ).error.details.issues.map((i) => i.path),
      ).toEqual(['sms']);
      const adminPut = await call(fixture.admin.id, '/settings/consent-policy', {
        method: 'PUT',
        body: JSON.stringify({ email: 'opt_in' }),
      });
      expect(adminPut.status).toBe(200);
      expect(await adminPut.json()).toEqual({ email: 'opt_in', sms: 'opt_in' });

      // The typed client reaches the same routes.
      const api = createClient({
        baseUrl: 'http://host.test/api/greentrack',
        token: () => tokenFor(staff),
        fetch: (input, init) => gt.handler(new Request(input, init)),
      });
      expect(await api.consent.policy.get()).toEqual({ email: 'opt_in', sms: 'opt_in' });
      const viaClient = await api.consent.set(customer.id, 'email', { status: 'subscribed' });
      expect(viaClient.email).toMatchObject({ status: 'subscribed', canSend: true });
      expect((await api.consent.get(customer.id)).email.reason).toBe('subscribed');
      const clientError = await api.consent.policy.set({ sms: 'opt_out' }).catch((e) => e);
      expect(clientError).toBeInstanceOf(GreenTrackApiError);
      expect((clientError as GreenTrackApiError).status).toBe(403);
    });
  });
});
