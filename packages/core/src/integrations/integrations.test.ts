import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { toJson } from '../db/values.js';
import { httpStatusFor } from '../error-status.js';
import { GreenTrackError } from '../errors.js';
import type { GreenTrack } from '../greentrack.js';
import { can } from '../modules.js';
import type { Scope } from '../scope.js';
import { type CredentialsEnvelope, createKeyring, maskCredential } from '../secrets/index.js';
import { resolveRole } from '../tenancy/index.js';
import {
  createIntegrationAccount,
  deleteIntegrationAccount,
  getIntegrationAccount,
  type IntegrationAccountOut,
  integrationAccountOutSchema,
  listIntegrationAccounts,
  readIntegrationCredentials,
  rotateCredentialsKey,
  updateIntegrationAccount,
} from './index.js';

const SECRET_A = 'secret-A-0123456789-0123456789-0123456789';
const SECRET_B = 'secret-B-0123456789-0123456789-0123456789';
const SECRET_C = 'secret-C-0123456789-0123456789-0123456789';

/** The code of the GreenTrackError `run` throws or rejects with, or 'resolved'. */
async function codeOf(run: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof run === 'function' ? run() : run);
    return 'resolved';
  } catch (error) {
    if (error instanceof GreenTrackError) return error.code;
    throw error;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<GreenTrackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GreenTrackError)) throw new Error(`expected a GreenTrackError: ${error}`);
  return error;
}

/**
 * A distinctive secret value. Everything but the last four characters (which the hint
 * shows) must never appear anywhere outside the ciphertext.
 */
const issuedSecrets: string[] = [];
function secretValue(label: string): string {
  const value = `PLAINTEXT-${label}-${randomBytes(12).toString('hex')}-TAIL${randomBytes(2).toString('hex')}`;
  issuedSecrets.push(value);
  return value;
}

/** The parts of a secret that must not leak, in the encodings a careless store might use. */
function forbiddenForms(secret: string): string[] {
  const hidden = secret.slice(0, -4);
  return [
    secret,
    hidden,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('hex'),
  ];
}

/** Fails if any secret issued so far appears in `text`. */
function expectNoSecrets(text: string): void {
  for (const secret of issuedSecrets) {
    for (const form of forbiddenForms(secret)) expect(text).not.toContain(form);
  }
}

describe('keyring', () => {
  const context = { organizationId: randomUUID(), provider: 'sendgrid' };

  it('round-trips and uses a fresh IV per encryption', () => {
    const keyring = createKeyring(SECRET_A);
    const credentials = { apiKey: secretValue('k'), short: 'abc' };
    const one = keyring.encrypt(credentials, context);
    const two = keyring.encrypt(credentials, context);
    expect(keyring.decrypt(one, context)).toEqual(credentials);
    expect(one.iv).not.toBe(two.iv);
    expect(one.ct).not.toBe(two.ct);
    expect(Buffer.from(one.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(one.tag, 'base64')).toHaveLength(16);
    expect(one).toMatchObject({ v: 1, alg: 'A256GCM', kid: keyring.currentKeyId });
    expect(Object.keys(one).sort()).toEqual(['alg', 'ct', 'hints', 'iv', 'kid', 'tag', 'v']);
    expectNoSecrets(JSON.stringify(one));
  });

  it('masks hints: last four characters, fully masked under eight', () => {
    expect(maskCredential('SG.abcdefgh1234')).toBe('••••1234');
    expect(maskCredential('12345678')).toBe('••••5678');
    expect(maskCredential('1234567')).toBe('••••');
    expect(maskCredential('x')).toBe('••••');
    // Code points, not UTF-16 halves.
    expect(maskCredential('abcdefg😀')).toBe('••••efg😀');
    const envelope = createKeyring(SECRET_A).encrypt(
      { token: 'abcdefghWXYZ', pin: '1234' },
      context,
    );
    expect(envelope.hints).toEqual({ token: '••••WXYZ', pin: '••••' });
  });

  it('derives a stable key id per secret, different across secrets', () => {
    const a = createKeyring(SECRET_A);
    expect(createKeyring(SECRET_A).currentKeyId).toBe(a.currentKeyId);
    expect(a.currentKeyId).toMatch(/^[0-9a-f]{16}$/);
    expect(createKeyring(SECRET_B).currentKeyId).not.toBe(a.currentKeyId);
    expect(createKeyring(SECRET_B, [SECRET_A, SECRET_B]).keyIds).toEqual([
      createKeyring(SECRET_B).currentKeyId,
      a.currentKeyId,
    ]);
  });

  it('decrypts with previous keys, and names an unknown key', () => {
    const credentials = { apiKey: secretValue('prev') };
    const underA = createKeyring(SECRET_A).encrypt(credentials, context);
    expect(createKeyring(SECRET_B, [SECRET_A]).decrypt(underA, context)).toEqual(credentials);
    // The current key always encrypts, never a previous one.
    expect(createKeyring(SECRET_B, [SECRET_A]).encrypt(credentials, context).kid).toBe(
      createKeyring(SECRET_B).currentKeyId,
    );
    expect(await_(() => createKeyring(SECRET_B).decrypt(underA, context))).toBe(
      'CREDENTIALS_KEY_UNKNOWN',
    );
  });

  it('binds the ciphertext to organization, provider and hints', () => {
    const keyring = createKeyring(SECRET_A);
    const envelope = keyring.encrypt({ apiKey: secretValue('aad') }, context);
    expect(
      await_(() => keyring.decrypt(envelope, { ...context, organizationId: randomUUID() })),
    ).toBe('CREDENTIALS_DECRYPT_FAILED');
    expect(await_(() => keyring.decrypt(envelope, { ...context, provider: 'postmark' }))).toBe(
      'CREDENTIALS_DECRYPT_FAILED',
    );
    const forgedHints = { ...envelope, hints: { apiKey: '••••nope' } };
    expect(await_(() => keyring.decrypt(forgedHints, context))).toBe('CREDENTIALS_DECRYPT_FAILED');
    // Key order of hints does not matter: jsonb reorders keys on the way back.
    const two = keyring.encrypt({ zeta: 'zzzzzzzz1', a: 'aaaaaaaa2' }, context);
    const reordered = { ...two, hints: { a: two.hints.a, zeta: two.hints.zeta } };
    expect(keyring.decrypt(reordered, context)).toEqual({ zeta: 'zzzzzzzz1', a: 'aaaaaaaa2' });
  });

  it('reports malformed envelopes as undecryptable', () => {
    const keyring = createKeyring(SECRET_A);
    const good = keyring.encrypt({ apiKey: 'abcdefghijk' }, context);
    for (const bad of [
      null,
      'plaintext',
      { apiKey: 'abcdefghijk' },
      { ...good, v: 2 },
      { ...good, iv: 'AAAA' },
      { ...good, tag: Buffer.alloc(8).toString('base64') },
      { ...good, ct: 'not base64!' },
    ]) {
      expect(
        await_(() => keyring.decrypt(bad, context)),
        JSON.stringify(bad),
      ).toBe('CREDENTIALS_DECRYPT_FAILED');
    }
  });

  it('requires a secret of at least 32 characters and never shows key material', () => {
    expect(await_(() => createKeyring(undefined))).toBe('SECRET_REQUIRED');
    expect(await_(() => createKeyring(''))).toBe('SECRET_REQUIRED');
    expect(await_(() => createKeyring('short'))).toBe('CONFIG_INVALID');
    const error = (() => {
      try {
        createKeyring(SECRET_A, [SECRET_B, 'short']);
      } catch (e) {
        return e as GreenTrackError;
      }
    })();
    expect(error?.details?.issues).toEqual([
      { path: 'previousSecrets.1', message: expect.any(String) },
    ]);
    expect(httpStatusFor('SECRET_REQUIRED')).toBe(500);
    expect(httpStatusFor('INTEGRATION_NOT_FOUND')).toBe(404);
    expect(httpStatusFor('INTEGRATION_EXISTS')).toBe(409);
    const shown = JSON.stringify(createKeyring(SECRET_A, [SECRET_B]));
    expect(shown).not.toContain('secret-A');
    expect(shown).not.toContain('secret-B');
  });
});

/** Synchronous variant of `codeOf` for keyring calls. */
function await_(run: () => unknown): string {
  try {
    run();
    return 'resolved';
  } catch (error) {
    if (error instanceof GreenTrackError) return error.code;
    throw error;
  }
}

describe(`integration accounts [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-05-01T12:00:00.000Z');
  const keyring = createKeyring(SECRET_A);
  /** Every service output and error body, checked for secrets at the end. */
  const outputs: unknown[] = [];
  const keep = <T>(value: T): T => {
    outputs.push(value);
    return value;
  };

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  /** A scope for a user, with the role their membership gives them. */
  async function scopeFor(organizationId: string, userId: string): Promise<Scope> {
    const role = await resolveRole(gt.db, { userId, organizationId });
    return {
      db: gt.db,
      organizationId,
      actor: { type: 'user', id: userId },
      role,
      clock,
      emit: () => {},
    };
  }

  async function newOrg(name = 'Acme') {
    const { organization, owner, admin } = await makeOrganization(gt, name);
    return { organization, owner, scope: await scopeFor(organization.id, admin.id) };
  }

  const count = async (table: 'integration_accounts' | 'audit_log', organizationId: string) =>
    Number(
      (
        await gt.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organization_id', '=', organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const integrationAudit = (organizationId: string) =>
    gt.db
      .selectFrom('audit_log')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('entity', '=', 'integration_account')
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();

  const storedEnvelope = async (id: string) =>
    (
      await gt.db
        .selectFrom('integration_accounts')
        .select('credentials')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).credentials as unknown as CredentialsEnvelope;

  const storeEnvelope = (id: string, envelope: unknown) =>
    gt.db
      .updateTable('integration_accounts')
      .set({ credentials: toJson(envelope as Record<string, unknown>) })
      .where('id', '=', id)
      .execute();

  it('creates, returns only hints, and reads the credentials back', async () => {
    const { organization, scope } = await newOrg();
    const credentials = {
      accountSid: secretValue('sid'),
      authToken: secretValue('token'),
      pin: '12',
    };
    const account = keep(
      await createIntegrationAccount(scope, keyring, { provider: 'twilio', credentials }),
    );
    expect(Object.keys(account).sort()).toEqual(
      [
        'created_at',
        'credential_hints',
        'id',
        'key_id',
        'name',
        'organization_id',
        'provider',
        'status',
        'updated_at',
      ].sort(),
    );
    expect(account).toMatchObject({
      organization_id: organization.id,
      provider: 'twilio',
      name: 'default',
      status: 'active',
      key_id: keyring.currentKeyId,
      created_at: clock.now(),
      updated_at: clock.now(),
      credential_hints: {
        accountSid: `••••${credentials.accountSid.slice(-4)}`,
        authToken: `••••${credentials.authToken.slice(-4)}`,
        pin: '••••',
      },
    });
    // The JSON form validates against the (strict) output schema the HTTP layer uses.
    expect(integrationAccountOutSchema.parse(JSON.parse(JSON.stringify(account)))).toBeTruthy();
    expect(await readIntegrationCredentials(scope, keyring, account.id)).toEqual(credentials);
    expect(keep(await getIntegrationAccount(scope, account.id))).toEqual(account);
    expect(keep(await listIntegrationAccounts(scope))).toEqual([account]);
    expect(keep(await listIntegrationAccounts(scope, { provider: 'stripe' }))).toEqual([]);
    const audit = await integrationAudit(organization.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'integration.create',
      entity_id: account.id,
      actor_type: 'user',
      actor_id: scope.actor.id,
      after: { credential_hints: account.credential_hints, key_id: keyring.currentKeyId },
    });
  });

  it('updates name, status and credentials (replacing the whole set), with audit', async () => {
    const { organization, scope } = await newOrg();
    const first = { apiKey: secretValue('old'), extra: secretValue('extra') };
    const account = keep(
      await createIntegrationAccount(scope, keyring, {
        provider: 'sendgrid',
        name: 'Marketing',
        credentials: first,
      }),
    );
    clock.advance(60_000);
    const renamed = keep(
      await updateIntegrationAccount(scope, keyring, account.id, {
        name: 'Newsletter',
        status: 'disabled',
      }),
    );
    expect(renamed).toMatchObject({
      name: 'Newsletter',
      status: 'disabled',
      updated_at: clock.now(),
    });
    expect(renamed.created_at).toEqual(account.created_at);
    expect(await readIntegrationCredentials(scope, keyring, account.id)).toEqual(first);

    clock.advance(60_000);
    const second = { apiKey: secretValue('new') };
    const replaced = keep(
      await updateIntegrationAccount(scope, keyring, account.id, { credentials: second }),
    );
    expect(replaced.credential_hints).toEqual({ apiKey: `••••${second.apiKey.slice(-4)}` });
    expect(await readIntegrationCredentials(scope, keyring, account.id)).toEqual(second);

    // An empty update changes nothing and writes no audit row.
    const auditBefore = await count('audit_log', organization.id);
    expect(keep(await updateIntegrationAccount(scope, keyring, account.id, {}))).toEqual(replaced);
    expect(await count('audit_log', organization.id)).toBe(auditBefore);

    const audit = await integrationAudit(organization.id);
    expect(audit.map((a) => a.action)).toEqual([
      'integration.create',
      'integration.update',
      'integration.update',
    ]);
    expect(audit[1]).toMatchObject({
      before: { name: 'Marketing', status: 'active' },
      after: { name: 'Newsletter', status: 'disabled', credentials_replaced: false },
    });
    expect(audit[2]).toMatchObject({
      before: { credential_hints: account.credential_hints },
      after: { credential_hints: replaced.credential_hints, credentials_replaced: true },
    });
  });

  it('deletes, with audit', async () => {
    const { organization, scope } = await newOrg();
    const account = await createIntegrationAccount(scope, keyring, {
      provider: 'stripe',
      credentials: { secretKey: secretValue('stripe') },
    });
    await deleteIntegrationAccount(scope, account.id);
    expect(await count('integration_accounts', organization.id)).toBe(0);
    expect(await codeOf(getIntegrationAccount(scope, account.id))).toBe('INTEGRATION_NOT_FOUND');
    const audit = await integrationAudit(organization.id);
    // Both rows share one instant (the clock did not move), so pick by action, not order.
    expect(audit.find((a) => a.action === 'integration.delete')).toMatchObject({
      action: 'integration.delete',
      entity_id: account.id,
      before: { id: account.id, credential_hints: account.credential_hints },
      after: null,
    });
  });

  it('rejects a second account with the same provider and name, writing nothing', async () => {
    const { organization, scope } = await newOrg();
    await createIntegrationAccount(scope, keyring, {
      provider: 'postmark',
      credentials: { serverToken: secretValue('pm1') },
    });
    const other = await createIntegrationAccount(scope, keyring, {
      provider: 'postmark',
      name: 'Transactional',
      credentials: { serverToken: secretValue('pm2') },
    });
    const rows = await count('integration_accounts', organization.id);
    const audits = await count('audit_log', organization.id);
    // No name twice means the same 'default' name twice.
    const clash = await errorOf(
      createIntegrationAccount(scope, keyring, {
        provider: 'postmark',
        credentials: { serverToken: secretValue('pm3') },
      }),
    );
    expect(clash.code).toBe('INTEGRATION_EXISTS');
    keep(clash.toJSON());
    expect(
      await codeOf(
        createIntegrationAccount(scope, keyring, {
          provider: 'postmark',
          name: ' Transactional ',
          credentials: { serverToken: secretValue('pm4') },
        }),
      ),
    ).toBe('INTEGRATION_EXISTS');
    expect(
      await codeOf(updateIntegrationAccount(scope, keyring, other.id, { name: 'default' })),
    ).toBe('INTEGRATION_EXISTS');
    expect(await count('integration_accounts', organization.id)).toBe(rows);
    expect(await count('audit_log', organization.id)).toBe(audits);
    expect((await getIntegrationAccount(scope, other.id)).name).toBe('Transactional');
    // Same name under another provider is fine.
    await createIntegrationAccount(scope, keyring, {
      provider: 'sendgrid',
      name: 'Transactional',
      credentials: { apiKey: secretValue('sg') },
    });
  });

  it('rejects bad input naming the field, writing nothing and echoing no secret', async () => {
    const { organization, scope } = await newOrg();
    const before = {
      rows: await count('integration_accounts', organization.id),
      audits: await count('audit_log', organization.id),
    };
    const cases: Array<{ input: unknown; paths: string[] }> = [
      { input: { provider: 'sendgrid', credentials: {} }, paths: ['credentials'] },
      {
        input: { provider: 'mailchimp', credentials: { apiKey: secretValue('mc') } },
        paths: ['provider'],
      },
      {
        input: { provider: 'sendgrid', credentials: { apiKey: '', other: secretValue('o') } },
        paths: ['credentials.apiKey'],
      },
      { input: { provider: 'sendgrid' }, paths: ['credentials'] },
      {
        input: { provider: 'sendgrid', credentials: { apiKey: 'x'.repeat(9000) } },
        paths: ['credentials.apiKey'],
      },
      {
        input: {
          provider: 'sendgrid',
          name: '',
          status: 'paused',
          credentials: { k: secretValue('k') },
        },
        paths: ['name', 'status'],
      },
    ];
    for (const { input, paths } of cases) {
      const error = await errorOf(
        createIntegrationAccount(
          scope,
          keyring,
          input as Parameters<typeof createIntegrationAccount>[2],
        ),
      );
      expect(error.code, JSON.stringify(input)).toBe('VALIDATION_FAILED');
      expect(
        ((error.details?.issues ?? []) as Array<{ path: string }>).map((i) => i.path).sort(),
        JSON.stringify(input),
      ).toEqual(paths);
      keep(error.toJSON());
      keep(error.message);
    }
    const account = await createIntegrationAccount(scope, keyring, {
      provider: 'sendgrid',
      credentials: { apiKey: secretValue('ok') },
    });
    const error = await errorOf(
      updateIntegrationAccount(scope, keyring, account.id, { credentials: {} }),
    );
    expect(error.details?.issues).toEqual([expect.objectContaining({ path: 'credentials' })]);
    expect(await count('integration_accounts', organization.id)).toBe(before.rows + 1);
    expect(await count('audit_log', organization.id)).toBe(before.audits + 1);
  });

  it("reports another organization's account, and malformed ids, as not found", async () => {
    const a = await newOrg('A');
    const b = await newOrg('B');
    const bCredentials = { apiKey: secretValue('b') };
    const bAccount = await createIntegrationAccount(b.scope, keyring, {
      provider: 'sendgrid',
      credentials: bCredentials,
    });
    const aAudits = await count('audit_log', a.organization.id);
    for (const id of [bAccount.id, randomUUID(), 'not-a-uuid', '']) {
      expect(await codeOf(getIntegrationAccount(a.scope, id)), id).toBe('INTEGRATION_NOT_FOUND');
      expect(await codeOf(readIntegrationCredentials(a.scope, keyring, id)), id).toBe(
        'INTEGRATION_NOT_FOUND',
      );
      expect(
        await codeOf(
          updateIntegrationAccount(a.scope, keyring, id, {
            credentials: { apiKey: 'pwned-pwned' },
          }),
        ),
        id,
      ).toBe('INTEGRATION_NOT_FOUND');
      expect(await codeOf(deleteIntegrationAccount(a.scope, id)), id).toBe('INTEGRATION_NOT_FOUND');
    }
    expect(await listIntegrationAccounts(a.scope)).toEqual([]);
    expect(await count('audit_log', a.organization.id)).toBe(aAudits);
    // B's account is untouched.
    expect(await readIntegrationCredentials(b.scope, keyring, bAccount.id)).toEqual(bCredentials);
    expect(await getIntegrationAccount(b.scope, bAccount.id)).toEqual(bAccount);
  });

  it('detects a tampered ciphertext and an envelope moved to another org or provider', async () => {
    const a = await newOrg('A');
    const b = await newOrg('B');
    const aAccount = await createIntegrationAccount(a.scope, keyring, {
      provider: 'sendgrid',
      credentials: { apiKey: secretValue('a') },
    });
    const bAccount = await createIntegrationAccount(b.scope, keyring, {
      provider: 'sendgrid',
      credentials: { apiKey: secretValue('b') },
    });
    const aOther = await createIntegrationAccount(a.scope, keyring, {
      provider: 'postmark',
      credentials: { apiKey: secretValue('pm') },
    });

    // One flipped bit of the ciphertext.
    const original = await storedEnvelope(aAccount.id);
    const ct = Buffer.from(original.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 0x01;
    await storeEnvelope(aAccount.id, { ...original, ct: ct.toString('base64') });
    const tampered = await errorOf(readIntegrationCredentials(a.scope, keyring, aAccount.id));
    expect(tampered.code).toBe('CREDENTIALS_DECRYPT_FAILED');
    expect(tampered.details).toMatchObject({ integrationAccountId: aAccount.id });
    keep(tampered.toJSON());
    await storeEnvelope(aAccount.id, original);
    expect(await codeOf(readIntegrationCredentials(a.scope, keyring, aAccount.id))).toBe(
      'resolved',
    );

    // A's envelope copied into B's row (same provider), and into A's postmark row.
    await storeEnvelope(bAccount.id, original);
    expect(await codeOf(readIntegrationCredentials(b.scope, keyring, bAccount.id))).toBe(
      'CREDENTIALS_DECRYPT_FAILED',
    );
    await storeEnvelope(aOther.id, original);
    expect(await codeOf(readIntegrationCredentials(a.scope, keyring, aOther.id))).toBe(
      'CREDENTIALS_DECRYPT_FAILED',
    );
    // A row holding something that is not an envelope shows no hints, and does not decrypt.
    await storeEnvelope(aOther.id, { apiKey: 'hand-written-plaintext' });
    const shown = await getIntegrationAccount(a.scope, aOther.id);
    expect(shown).toMatchObject({ credential_hints: {}, key_id: null });
    expect(JSON.stringify(shown)).not.toContain('hand-written-plaintext');
    expect(await codeOf(readIntegrationCredentials(a.scope, keyring, aOther.id))).toBe(
      'CREDENTIALS_DECRYPT_FAILED',
    );
  });

  it('reserves integration permissions for admins and owners', () => {
    for (const action of ['integration.read', 'integration.manage'] as const) {
      expect(can('staff', action)).toBe(false);
      expect(can('admin', action)).toBe(true);
      expect(can('owner', action)).toBe(true);
    }
  });

  it('stores no plaintext: not in the table, not in the audit log, not in any output', async () => {
    // Runs last in this block: by now every test above has written secrets.
    expect(issuedSecrets.length).toBeGreaterThan(10);
    const tables = await sql<{ row: string }>`
      SELECT t::text AS row FROM integration_accounts t
      UNION ALL SELECT a::text FROM audit_log a
    `.execute(gt.db);
    expect(tables.rows.length).toBeGreaterThan(10);
    expectNoSecrets(tables.rows.map((r) => r.row).join('\n'));
    // Nothing of the GreenTrack secret is stored either.
    expect(tables.rows.map((r) => r.row).join('\n')).not.toContain('secret-A');
    // The check itself can fire: the last secret is in the ciphertext's plaintext only.
    expect(() => expectNoSecrets(`x${issuedSecrets.at(-1)}x`)).toThrow();
    const audit = await gt.db.selectFrom('audit_log').selectAll().execute();
    expectNoSecrets(JSON.stringify(audit));
    expect(outputs.length).toBeGreaterThan(5);
    expectNoSecrets(JSON.stringify(outputs));
  });
});

describe(`credentials key rotation [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  const clock = fixedClock('2026-06-01T09:00:00.000Z');
  const keyA = createKeyring(SECRET_A);
  const keyB = createKeyring(SECRET_B);

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock }));
  });
  afterAll(() => cleanup());

  async function ownerScope(name: string): Promise<Scope> {
    const { organization, owner } = await makeOrganization(gt, name);
    return {
      db: gt.db,
      organizationId: organization.id,
      actor: { type: 'user', id: owner.id },
      role: await resolveRole(gt.db, { userId: owner.id, organizationId: organization.id }),
      clock,
      emit: () => {},
    };
  }

  const keyIds = async () =>
    (
      await sql<{
        kid: string;
      }>`SELECT credentials->>'kid' AS kid FROM integration_accounts ORDER BY id`.execute(gt.db)
    ).rows.map((r) => r.kid);

  const rotationAudit = () =>
    gt.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'integration.rotate_key')
      .orderBy('organization_id')
      .execute();

  it('re-encrypts every row under the new key in one transaction, idempotently', async () => {
    const one = await ownerScope('One');
    const two = await ownerScope('Two');
    const idle = await ownerScope('Idle');
    const created: Array<{
      scope: Scope;
      account: IntegrationAccountOut;
      credentials: Record<string, string>;
    }> = [];
    for (const [scope, provider] of [
      [one, 'twilio'],
      [one, 'stripe'],
      [two, 'sendgrid'],
    ] as const) {
      const credentials = { key: secretValue(provider), other: secretValue(`${provider}-2`) };
      const account = await createIntegrationAccount(scope, keyA, { provider, credentials });
      created.push({ scope, account, credentials });
    }
    expect(await keyIds()).toEqual([keyA.currentKeyId, keyA.currentKeyId, keyA.currentKeyId]);
    const updatedAt = await gt.db
      .selectFrom('integration_accounts')
      .select(['id', 'updated_at'])
      .orderBy('id')
      .execute();

    clock.advance(3_600_000);
    expect(await rotateCredentialsKey(gt.db, { from: SECRET_A, to: SECRET_B, clock })).toEqual({
      reencrypted: 3,
    });
    expect(await keyIds()).toEqual([keyB.currentKeyId, keyB.currentKeyId, keyB.currentKeyId]);
    // Rotation changes how credentials are stored, not the account: updated_at stays.
    expect(
      await gt.db
        .selectFrom('integration_accounts')
        .select(['id', 'updated_at'])
        .orderBy('id')
        .execute(),
    ).toEqual(updatedAt);

    for (const { scope, account, credentials } of created) {
      expect(await readIntegrationCredentials(scope, keyB, account.id)).toEqual(credentials);
      expect(
        await readIntegrationCredentials(scope, createKeyring(SECRET_B, [SECRET_A]), account.id),
      ).toEqual(credentials);
      expect(await codeOf(readIntegrationCredentials(scope, keyA, account.id))).toBe(
        'CREDENTIALS_KEY_UNKNOWN',
      );
      const shown = await getIntegrationAccount(scope, account.id);
      expect(shown).toMatchObject({
        key_id: keyB.currentKeyId,
        credential_hints: account.credential_hints,
      });
    }

    const audit = await rotationAudit();
    expect(audit.map((a) => a.organization_id).sort()).toEqual(
      [one.organizationId, two.organizationId].sort(),
    );
    expect(audit.some((a) => a.organization_id === idle.organizationId)).toBe(false);
    const ofOne = audit.find((a) => a.organization_id === one.organizationId);
    expect(ofOne).toMatchObject({
      actor_type: 'system',
      actor_id: null,
      entity: 'integration_account',
      occurred_at: clock.now(),
      before: { key_ids: [keyA.currentKeyId] },
      after: { key_id: keyB.currentKeyId },
    });
    expect(
      [...((ofOne?.after as { account_ids?: string[] } | undefined)?.account_ids ?? [])].sort(),
    ).toEqual(
      created
        .filter((c) => c.scope === one)
        .map((c) => c.account.id)
        .sort(),
    );
    expectNoSecrets(JSON.stringify(audit));
    expect(JSON.stringify(audit)).not.toContain('secret-');

    // Second run: nothing left to do, nothing audited.
    expect(await rotateCredentialsKey(gt.db, { from: SECRET_A, to: SECRET_B, clock })).toEqual({
      reencrypted: 0,
    });
    expect(await rotationAudit()).toHaveLength(2);

    // A keyring as `from`: the running instance's, holding B with A as a previous key, moves a
    // mix of A and B rows on to C.
    const late = await createIntegrationAccount(one, keyA, {
      provider: 'postmark',
      credentials: { token: secretValue('late') },
    });
    expect(
      await rotateCredentialsKey(gt.db, {
        from: createKeyring(SECRET_B, [SECRET_A]),
        to: SECRET_C,
      }),
    ).toEqual({ reencrypted: 4 });
    const keyC = createKeyring(SECRET_C);
    expect(new Set(await keyIds())).toEqual(new Set([keyC.currentKeyId]));
    expect(await readIntegrationCredentials(one, keyC, late.id)).toEqual({
      token: expect.stringContaining('PLAINTEXT-late-'),
    });
  });

  it('changes nothing when one row cannot be decrypted, naming that row', async () => {
    const scope = await ownerScope('Mixed');
    const keyC = createKeyring(SECRET_C);
    const good = await createIntegrationAccount(scope, keyC, {
      provider: 'twilio',
      credentials: { token: secretValue('good') },
    });
    // Encrypted under a key the rotation is not given.
    const stray = await createIntegrationAccount(scope, createKeyring(`${SECRET_A}-stray`), {
      provider: 'stripe',
      credentials: { token: secretValue('stray') },
    });
    const before = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM integration_accounts t ORDER BY id`.execute(gt.db);
    const audits = (await rotationAudit()).length;
    const error = await errorOf(
      rotateCredentialsKey(gt.db, {
        // Every key the other test used, so only the stray row is undecryptable.
        from: createKeyring(SECRET_C, [SECRET_A, SECRET_B]),
        to: SECRET_A,
      }),
    );
    expect(error.code).toBe('CREDENTIALS_KEY_UNKNOWN');
    expect(error.details).toMatchObject({
      integrationAccountId: stray.id,
      organizationId: scope.organizationId,
    });
    const after = await sql<{
      row: string;
    }>`SELECT t::text AS row FROM integration_accounts t ORDER BY id`.execute(gt.db);
    expect(after.rows).toEqual(before.rows);
    expect(await rotationAudit()).toHaveLength(audits);
    expect(await codeOf(readIntegrationCredentials(scope, keyC, good.id))).toBe('resolved');
    expect(await codeOf(rotateCredentialsKey(gt.db, { from: SECRET_C, to: 'too short' }))).toBe(
      'CONFIG_INVALID',
    );
  });
});
