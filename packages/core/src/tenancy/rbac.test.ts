/**
 * The RBAC table, walked whole: every `permissions` entry × every role (owner, admin, staff,
 * and a user of another organization) through the facade `gt.as(...)`, expecting exactly
 * what the table says: allowed, `FORBIDDEN`, or `NOT_A_MEMBER`.
 *
 * Each action has one probe: a real facade call that needs that action. Probes that would
 * change shared state aim at an id that does not exist, so "allowed" shows as the service's
 * own not-found error, raised after authorization passed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  makeUser,
} from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import type { Role } from '../db/types.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import { type Action, can, permissions } from '../modules.js';
import type { TenantFacade } from '../tenant.js';

type Outcome = 'allowed' | 'FORBIDDEN' | 'NOT_A_MEMBER';

describe(`RBAC table through the facade [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let fixture: Awaited<ReturnType<typeof makeOrganization>>;
  let customerId: string;
  const actors: Record<Role | 'non-member', TenantFacade> = {} as never;

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-06-01T09:00:00.000Z'),
      secret: 'rbac-table-secret-0123456789abcdefghij',
    }));
    fixture = await makeOrganization(gt, 'Rbac');
    const organizationId = fixture.organization.id;
    const outsider = (await makeOrganization(gt, 'Elsewhere')).owner;
    actors.owner = gt.as({ userId: fixture.owner.id, organizationId });
    actors.admin = gt.as({ userId: fixture.admin.id, organizationId });
    actors.staff = gt.as({ userId: fixture.staff.id, organizationId });
    actors['non-member'] = gt.as({ userId: outsider.id, organizationId });
    customerId = (await actors.owner.customers.create({ name: 'Probe', type: 'customer' })).id;
  });
  afterAll(() => cleanup());

  /** One call per action. `satisfies` makes a new `permissions` entry without a probe a type error. */
  const probes = {
    'profile.read': (f) => f.me(),
    'organization.read': (f) => f.organization.get(),
    'organization.update': (f) => f.organization.update({ name: 'Rbac' }),
    'membership.read': (f) => f.memberships.list(),
    'membership.create': async (f) => f.memberships.add({ userId: (await makeUser(gt)).id }),
    'membership.update': (f) => f.memberships.updateRole(randomUUID(), { role: 'staff' }),
    'membership.delete': (f) => f.memberships.remove(randomUUID()),
    'membership.manage_owner': async (f) =>
      f.memberships.add({ userId: (await makeUser(gt)).id, role: 'owner' }),
    'audit.read': (f) => f.auditLog.list(),
    'customer.read': (f) => f.customers.list(),
    'customer.write': (f) => f.customers.create({ name: 'Written', type: 'lead' }),
    'customer.delete': (f) => f.customers.remove(randomUUID()),
    'customer.import': (f) => f.customers.import('name,email\n'),
    'customer.export': (f) => f.customers.export(randomUUID()),
    'customer.erase': (f) => f.customers.erase(randomUUID()),
    'tag.read': (f) => f.tags.list(),
    'integration.read': (f) => f.integrations.list(),
    'integration.manage': (f) => f.integrations.remove(randomUUID()),
    'consent.read': (f) => f.consent.policy.get(),
    'consent.write': (f) => f.consent.set(customerId, 'email', 'subscribed'),
    'consent.policy': (f) => f.consent.policy.set({}),
    'settings.read': (f) => f.settings.sending.get(),
    'settings.write': (f) => f.settings.sending.set({}),
    'sms_keywords.read': (f) => f.settings.smsKeywords.get(),
    'sms_keywords.write': (f) => f.settings.smsKeywords.set({ helpReply: null }),
    'segment.read': (f) => f.segments.list(),
    'segment.write': (f) =>
      f.segments.create({ name: 'Probe', rule: { field: 'type', op: 'eq', value: 'lead' } }),
    'segment.delete': (f) => f.segments.remove(randomUUID()),
    'campaign.read': (f) => f.campaigns.list(),
    'campaign.write': (f) => f.campaigns.create({ name: 'Probe', channel: 'email' }),
    'campaign.send': (f) => f.campaigns.pause(randomUUID()),
    'campaign.delete': (f) => f.campaigns.remove(randomUUID()),
    'campaign.test': (f) => f.campaigns.sendTest(randomUUID(), { to: 'probe@example.com' }),
    'template.read': (f) => f.templates.list(),
    'template.write': (f) =>
      f.templates.create({ channel: 'sms', name: 'Probe', content: 'Hi {{ customer.name }}' }),
    'template.delete': (f) => f.templates.remove(randomUUID()),
    'invoice.sync': (f) => f.invoices.sync({ accountId: randomUUID() }),
    'invoice.payment_link': (f) => f.invoices.paymentLink(randomUUID()),
    'invoice.read': (f) => f.invoices.list(),
    'payment.read': (f) => f.payments.list(),
    'payment.record': (f) => f.payments.recordManual(randomUUID(), { amount_cents: 100 }),
    'invoice.send': (f) => f.invoices.send(randomUUID(), { via: ['email'] }),
    'webhook.read': (f) => f.webhooks.list(),
    'webhook.process': (f) => f.webhooks.replay(randomUUID()),
    'event.read': (f) => f.events.list(),
    'event.track': (f) =>
      f.events.track({
        name: 'probe',
        occurred_at: '2026-06-01T00:00:00Z',
        customer_id: randomUUID(),
      }),
    'kpi.refresh': (f) => f.kpis.refresh(),
  } satisfies Record<Action, (f: TenantFacade) => Promise<unknown>>;

  async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome | string> {
    try {
      await call();
      return 'allowed';
    } catch (error) {
      if (!(error instanceof GreenTrackError)) throw error;
      if (error.code === 'FORBIDDEN' || error.code === 'NOT_A_MEMBER') return error.code;
      // Authorization passed; the probe's target simply does not exist.
      if (error.code.endsWith('NOT_FOUND')) return 'allowed';
      return `unexpected ${error.code}: ${error.message}`;
    }
  }

  it('has a probe for every permissions entry', () => {
    expect(Object.keys(probes).sort()).toEqual(Object.keys(permissions).sort());
  });

  for (const action of Object.keys(permissions) as Action[]) {
    it(`${action} (needs ${permissions[action]})`, async () => {
      const expected: Record<string, Outcome> = {};
      const actual: Record<string, Outcome | string> = {};
      for (const role of ['owner', 'admin', 'staff', 'non-member'] as const) {
        expected[role] =
          role === 'non-member' ? 'NOT_A_MEMBER' : can(role, action) ? 'allowed' : 'FORBIDDEN';
        actual[role] = await outcomeOf(() => probes[action](actors[role]));
      }
      expect(actual).toEqual(expected);
    });
  }
});
