/**
 * The organization's sending settings: defaults, partial updates, audit, validation as
 * typed 400s naming the field, RBAC, the typed client, and the database's own CHECKs.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { createClient, GreenTrackApiError } from '../client/index.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { DEFAULT_SENDING_SETTINGS } from './index.js';

describe(`sending settings [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-03-01T09:00:00.000Z');

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({
      clock,
      secret: 'settings-test-secret-0123456789abcdef',
    }));
  });
  afterAll(() => cleanup());

  it('defaults to UTC and no cap; changes only what is given; audits real changes once', async () => {
    const fixture = await makeOrganization(gt, 'Settings Co');
    const organizationId = fixture.organization.id;
    const admin = gt.as({ userId: fixture.admin.id, organizationId });
    expect(await admin.settings.sending.get()).toEqual({
      timeZone: 'UTC',
      frequencyCap: { email: null, sms: null },
      providers: { email: null, sms: null },
    });
    expect(DEFAULT_SENDING_SETTINGS.timeZone).toBe('UTC');

    const changed = await admin.settings.sending.set({
      timeZone: 'america/new_york',
      frequencyCap: { sms: { messages: 2, days: 7 } },
    });
    expect(changed).toEqual({
      timeZone: 'America/New_York',
      frequencyCap: { email: null, sms: { messages: 2, days: 7 } },
      providers: { email: null, sms: null },
    });
    // The consent policy in the same row is untouched, and the other fields keep their value.
    expect(await admin.consent.policy.get()).toEqual({ email: 'opt_out', sms: 'opt_in' });
    const emailCap = await admin.settings.sending.set({
      frequencyCap: { email: { messages: 5, days: 30 } },
    });
    expect(emailCap).toEqual({
      timeZone: 'America/New_York',
      frequencyCap: { email: { messages: 5, days: 30 }, sms: { messages: 2, days: 7 } },
      providers: { email: null, sms: null },
    });
    // The same values again: no write, no audit row.
    await admin.settings.sending.set({ timeZone: 'America/New_York' });
    const removed = await admin.settings.sending.set({ frequencyCap: { sms: null } });
    expect(removed.frequencyCap).toEqual({ email: { messages: 5, days: 30 }, sms: null });

    const audit = await gt.database
      .tenant(organizationId)
      .selectFrom('audit_log')
      .select(['action', 'entity', 'entity_id', 'before', 'after'])
      .where('entity', '=', 'sending_settings')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'sending_settings.update',
      'sending_settings.update',
      'sending_settings.update',
    ]);
    expect(audit).toContainEqual(
      expect.objectContaining({
        entity_id: organizationId,
        before: {
          timeZone: 'UTC',
          frequencyCap: { email: null, sms: null },
          providers: { email: null, sms: null },
        },
        after: changed,
      }),
    );
  });

  it('refuses an unknown zone or a cap out of range with VALIDATION_FAILED naming the field', async () => {
    const fixture = await makeOrganization(gt, 'Settings Invalid');
    const admin = gt.as({ userId: fixture.admin.id, organizationId: fixture.organization.id });
    for (const [input, paths] of [
      [{ timeZone: 'Mars/Olympus' }, ['timeZone']],
      [{ timeZone: '+02:00' }, ['timeZone']],
      [{ timeZone: 'EST' }, ['timeZone']],
      [{ frequencyCap: { sms: { messages: 0, days: 7 } } }, ['frequencyCap.sms.messages']],
      [{ frequencyCap: { email: { messages: 1, days: 366 } } }, ['frequencyCap.email.days']],
      [{ frequencyCap: { email: { messages: 1 } } }, ['frequencyCap.email.days']],
      [{ frequencyCap: { push: null } }, ['frequencyCap']],
      // Only providers the host configured (this instance: the outbox), once each.
      [{ providers: { email: ['sendgrid'] } }, ['providers.email.0']],
      [{ providers: { sms: ['outbox', 'twilio'] } }, ['providers.sms.1']],
      [{ providers: { email: [] } }, ['providers.email']],
      [{ providers: { email: ['outbox', 'outbox'] } }, ['providers.email']],
    ] as const) {
      const error = await failure(admin.settings.sending.set(input as never));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(issuePaths(error)).toEqual(paths);
    }
    expect(await admin.settings.sending.get()).toEqual({
      timeZone: 'UTC',
      frequencyCap: { email: null, sms: null },
      providers: { email: null, sms: null },
    });
  });

  it('orders the host’s providers per channel, back to the host’s order with null', async () => {
    const fixture = await makeOrganization(gt, 'Settings Providers');
    const admin = gt.as({ userId: fixture.admin.id, organizationId: fixture.organization.id });
    expect(
      (await admin.settings.sending.set({ providers: { email: ['outbox'] } })).providers,
    ).toEqual({ email: ['outbox'], sms: null });
    expect((await admin.settings.sending.get()).providers.email).toEqual(['outbox']);
    expect((await admin.settings.sending.set({ providers: { email: null } })).providers).toEqual({
      email: null,
      sms: null,
    });
  });

  it('the database itself refuses a half-set cap, one out of range, or a malformed zone', async () => {
    const fixture = await makeOrganization(gt, 'Settings Checks');
    const organizationId = fixture.organization.id;
    const db = gt.database.tenant(organizationId);
    await db
      .insertInto('organization_settings')
      .values({ organization_id: organizationId })
      .execute();
    for (const set of [
      { frequency_cap_sms_messages: 3 },
      { frequency_cap_email_messages: 0, frequency_cap_email_days: 7 },
      { frequency_cap_email_messages: 1, frequency_cap_email_days: 400 },
      { time_zone: "UTC'; --" },
      { time_zone: '' },
    ]) {
      await expect(
        db
          .updateTable('organization_settings')
          .set(set)
          .where('organization_id', '=', organizationId)
          .execute(),
      ).rejects.toThrow(/check constraint/);
    }
    const row = await sql<{ time_zone: string }>`SELECT time_zone FROM organization_settings
      WHERE organization_id = ${organizationId}`.execute(db);
    expect(row.rows).toEqual([{ time_zone: 'UTC' }]);
  });

  it('over HTTP and through the client: staff read, admins change; 400 naming the field, 403', async () => {
    const fixture = await makeOrganization(gt, 'Settings HTTP');
    const organizationId = fixture.organization.id;
    const tokenFor = (userId: string) => gt.tokens.issue({ userId, organizationId });
    const call = (userId: string, init: RequestInit = {}) =>
      gt.handler(
        new Request('http://host.test/api/greentrack/settings/sending', {
          ...init,
          headers: {
            authorization: `Bearer ${tokenFor(userId)}`,
            'content-type': 'application/json',
          },
        }),
      );
    const staff = fixture.staff.id;
    const got = await call(staff);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({
      timeZone: 'UTC',
      frequencyCap: { email: null, sms: null },
      providers: { email: null, sms: null },
    });

    const body = JSON.stringify({ timeZone: 'Europe/London' });
    expect((await call(staff, { method: 'PUT', body })).status).toBe(403);
    const bad = await call(fixture.admin.id, {
      method: 'PUT',
      body: JSON.stringify({ timeZone: 'Nowhere/Land', frequencyCap: { sms: { messages: 2 } } }),
    });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as {
      error: { code: string; details: { issues: Array<{ path: string }> } };
    };
    expect(badBody.error.code).toBe('VALIDATION_FAILED');
    expect(badBody.error.details.issues.map((i) => i.path).sort()).toEqual([
      'frequencyCap.sms.days',
      'timeZone',
    ]);
    const put = await call(fixture.admin.id, { method: 'PUT', body });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({
      timeZone: 'Europe/London',
      frequencyCap: { email: null, sms: null },
      providers: { email: null, sms: null },
    });

    const api = createClient({
      baseUrl: 'http://host.test/api/greentrack',
      token: () => tokenFor(staff),
      fetch: (input, init) => gt.handler(new Request(input, init)),
    });
    expect((await api.settings.sending.get()).timeZone).toBe('Europe/London');
    const refused = await api.settings.sending.set({ timeZone: 'UTC' }).catch((e) => e);
    expect(refused).toBeInstanceOf(GreenTrackApiError);
    expect((refused as GreenTrackApiError).status).toBe(403);
  });
});
