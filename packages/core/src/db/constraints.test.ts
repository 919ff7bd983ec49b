/**
 * The schema's constraints really reject bad rows, and the `customers.tags` mirror holds.
 */
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, type TestDatabase } from '../../test/harness.js';
import { connectDatabase, type DatabaseConnection } from './connect.js';
import { PgErrorCode, pgConstraint, pgErrorCode } from './pg-errors.js';
import type { Database } from './types.js';

async function sqlState(
  promise: Promise<unknown>,
): Promise<{ code: string | undefined; constraint: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    return { code: pgErrorCode(error), constraint: pgConstraint(error) };
  }
  throw new Error('expected the statement to fail');
}

describe(`schema constraints [${databaseKind}]`, () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let db: Kysely<Database>;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await connectDatabase(database.options);
    db = connection.db;
    orgId = (
      await db
        .insertInto('organizations')
        .values({ name: 'C' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  const newCustomer = (name: string) =>
    db
      .insertInto('customers')
      .values({ organization_id: orgId, type: 'customer', name })
      .returning('id')
      .executeTakeFirstOrThrow();

  it('CHECK rejects a role outside owner/admin/staff', async () => {
    const user = await db
      .insertInto('users')
      .values({ email: 'check@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const result = await sqlState(
      sql`INSERT INTO memberships (organization_id, user_id, role) VALUES (${orgId}, ${user.id}, 'god')`.execute(
        db,
      ),
    );
    expect(result).toEqual({
      code: PgErrorCode.CHECK_VIOLATION,
      constraint: 'memberships_role_check',
    });
  });

  it('UNIQUE rejects a second membership of the same user in the same organization', async () => {
    const user = await db
      .insertInto('users')
      .values({ email: 'twice@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('memberships')
      .values({ organization_id: orgId, user_id: user.id })
      .execute();
    const result = await sqlState(
      db
        .insertInto('memberships')
        .values({ organization_id: orgId, user_id: user.id, role: 'admin' })
        .execute(),
    );
    expect(result).toEqual({
      code: PgErrorCode.UNIQUE_VIOLATION,
      constraint: 'memberships_organization_id_user_id_key',
    });
  });

  it('citext makes users.email unique case-insensitively', async () => {
    await db.insertInto('users').values({ email: 'Ana.Baker@Example.com' }).execute();
    const result = await sqlState(
      db.insertInto('users').values({ email: 'ana.baker@EXAMPLE.COM' }).execute(),
    );
    expect(result).toEqual({ code: PgErrorCode.UNIQUE_VIOLATION, constraint: 'users_email_key' });
    const found = await db
      .selectFrom('users')
      .select('email')
      .where('email', '=', 'ANA.BAKER@example.com')
      .execute();
    expect(found).toEqual([{ email: 'Ana.Baker@Example.com' }]);
  });

  it('deleting an organization cascades to its rows; SET NULL keeps invoices of a deleted customer', async () => {
    const other = await db
      .insertInto('organizations')
      .values({ name: 'Doomed' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const customer = await db
      .insertInto('customers')
      .values({ organization_id: other.id, type: 'lead', name: 'Gone' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('subscriptions')
      .values({
        organization_id: other.id,
        customer_id: customer.id,
        channel: 'email',
        status: 'subscribed',
      })
      .execute();
    await db.deleteFrom('organizations').where('id', '=', other.id).execute();
    expect(
      await db.selectFrom('customers').select('id').where('id', '=', customer.id).execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('subscriptions')
        .select('id')
        .where('customer_id', '=', customer.id)
        .execute(),
    ).toEqual([]);

    const kept = await newCustomer('Invoiced');
    const invoice = await db
      .insertInto('zeroinvoice_invoices_cache')
      .values({
        organization_id: orgId,
        external_invoice_id: 'inv-setnull',
        customer_id: kept.id,
        snapshot: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('customers').where('id', '=', kept.id).execute();
    const after = await db
      .selectFrom('zeroinvoice_invoices_cache')
      .select('customer_id')
      .where('id', '=', invoice.id)
      .executeTakeFirstOrThrow();
    expect(after.customer_id).toBeNull();
  });

  it('FK without cascade blocks deleting a customer that has messages', async () => {
    const customer = await newCustomer('Messaged');
    await db
      .insertInto('messages')
      .values({
        organization_id: orgId,
        customer_id: customer.id,
        channel: 'sms',
        to_address: '+15550001',
        body: 'hi',
      })
      .execute();
    const result = await sqlState(
      db.deleteFrom('customers').where('id', '=', customer.id).execute(),
    );
    expect(result).toEqual({
      code: PgErrorCode.FOREIGN_KEY_VIOLATION,
      constraint: 'messages_customer_id_fkey',
    });
  });
});

describe(`customers.tags mirrors customer_tags [${databaseKind}]`, () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let db: Kysely<Database>;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await connectDatabase(database.options);
    db = connection.db;
    orgId = (
      await db
        .insertInto('organizations')
        .values({ name: 'Tags' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  const tagsOf = async (id: string) =>
    (await db.selectFrom('customers').select('tags').where('id', '=', id).executeTakeFirstOrThrow())
      .tags;

  it('follows inserts, deletes, renames and tag deletion, for many customers in one statement', async () => {
    const customers = await db
      .insertInto('customers')
      .values(
        [1, 2, 3].map((i) => ({
          organization_id: orgId,
          type: 'customer' as const,
          name: `C${i}`,
        })),
      )
      .returning('id')
      .execute();
    const tags = await db
      .insertInto('tags')
      .values(['vip', 'Wholesale', 'a-list'].map((name) => ({ organization_id: orgId, name })))
      .returning(['id', 'name'])
      .execute();
    const tagId = (name: string) => tags.find((t) => t.name === name)?.id as string;
    const [c1, c2, c3] = customers.map((c) => c.id) as [string, string, string];

    await db
      .insertInto('customer_tags')
      .values([
        { customer_id: c1, tag_id: tagId('vip') },
        { customer_id: c1, tag_id: tagId('Wholesale') },
        { customer_id: c1, tag_id: tagId('a-list') },
        { customer_id: c2, tag_id: tagId('vip') },
      ])
      .execute();
    expect(await tagsOf(c1)).toEqual(['a-list', 'vip', 'Wholesale']);
    expect(await tagsOf(c2)).toEqual(['vip']);
    expect(await tagsOf(c3)).toEqual([]);

    await db
      .deleteFrom('customer_tags')
      .where('customer_id', '=', c1)
      .where('tag_id', '=', tagId('a-list'))
      .execute();
    expect(await tagsOf(c1)).toEqual(['vip', 'Wholesale']);

    await db.updateTable('tags').set({ name: 'VIP gold' }).where('id', '=', tagId('vip')).execute();
    expect(await tagsOf(c1)).toEqual(['VIP gold', 'Wholesale']);
    expect(await tagsOf(c2)).toEqual(['VIP gold']);

    await db.deleteFrom('tags').where('id', '=', tagId('Wholesale')).execute();
    expect(await tagsOf(c1)).toEqual(['VIP gold']);

    // A customer whose last link goes away gets an empty mirror, not a stale one.
    await db.deleteFrom('customer_tags').where('customer_id', '=', c2).execute();
    expect(await tagsOf(c2)).toEqual([]);
    await db
      .insertInto('customer_tags')
      .values({ customer_id: c2, tag_id: tagId('vip') })
      .execute();
    expect(await tagsOf(c2)).toEqual(['VIP gold']);

    // Deleting a tagged customer cascades its links without tripping the mirror.
    await db.deleteFrom('customers').where('id', '=', c2).execute();
    expect(await tagsOf(c1)).toEqual(['VIP gold']);
  });

  it('rejects direct writes to customers.tags, so the two can never disagree', async () => {
    const insert = await sqlState(
      sql`INSERT INTO customers (organization_id, type, name, tags) VALUES (${orgId}, 'lead', 'X', '["sneaky"]')`.execute(
        db,
      ),
    );
    expect(insert).toEqual({
      code: PgErrorCode.CHECK_VIOLATION,
      constraint: 'customers_tags_mirror',
    });
    const customer = await db
      .insertInto('customers')
      .values({ organization_id: orgId, type: 'lead', name: 'Y' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const update = await sqlState(
      db
        .updateTable('customers')
        .set({ tags: '["sneaky"]' })
        .where('id', '=', customer.id)
        .execute(),
    );
    expect(update).toEqual({
      code: PgErrorCode.CHECK_VIOLATION,
      constraint: 'customers_tags_mirror',
    });
    // Updating other columns (or writing the same value) is fine.
    await db
      .updateTable('customers')
      .set({ name: 'Y2', tags: '[]' })
      .where('id', '=', customer.id)
      .execute();
    expect(await tagsOf(customer.id)).toEqual([]);
  });
});
