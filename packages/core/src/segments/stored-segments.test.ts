/**
 * Stored segments (rule, vector, hybrid) through the tenant facade and HTTP, membership as
 * SQL (`INSERT … SELECT` into `campaign_audience`), previews with similarity, and the HNSW
 * plan of the nearest-members query — on both databases.
 *
 * Vectors are constructed so every cosine similarity is known exactly: customer i's
 * embedding is cos(θᵢ)·e₀ + sin(θᵢ)·e₁, so its similarity to e₀ is cos(θᵢ).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, issuePaths } from '../../test/errors.js';
import { createTestGreenTrack, databaseKind, makeOrganization } from '../../test/harness.js';
import { fixedClock } from '../clock.js';
import { toVector } from '../db/values.js';
import type { GreenTrack } from '../greentrack.js';
import type { Scope } from '../scope.js';
import type { TenantFacade } from '../tenant.js';
import {
  countSegmentMembers,
  nearestSegmentMembers,
  type SegmentDefinition,
  segmentDefinition,
  segmentMembersQuery,
  type VectorCriterion,
} from './index.js';
import { nearestMembersSql, withHnswSettings } from './members.js';

/** The vector criterion of a stored segment that must have one. */
function vectorOf(definition: SegmentDefinition): VectorCriterion {
  if (!definition.vector) throw new Error('expected a vector criterion');
  return definition.vector;
}

const NOW = new Date('2026-03-01T00:00:00.000Z');
const SECRET = 'stored-segments-secret-0123456789abcdef';

describe(`stored segments [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let dims: number;
  let staff: TenantFacade;
  let admin: TenantFacade;
  let scope: Scope;
  let orgId: string;
  let adminToken: string;
  let staffToken: string;
  /** Fixture customers by short name. */
  const ids: Record<string, string> = {};

  /** A unit vector at similarity `cos` to e₀ (in the e₀/e₁ plane). */
  const at = (cos: number): number[] => {
    const v = new Array<number>(dims).fill(0);
    v[0] = cos;
    v[1] = Math.sqrt(1 - cos * cos);
    return v;
  };
  const e0 = () => at(1);
  const names = (rows: Array<{ customer_id?: string; customerId?: string }>) => {
    const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return rows.map((r) => byId[r.customer_id ?? r.customerId ?? ''] ?? 'unknown').sort();
  };
  const call = (path: string, init: RequestInit & { token: string }) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    return gt.handler(new Request(`http://host/api/greentrack${path}`, { ...init, headers }));
  };

  beforeAll(async () => {
    ({ gt, cleanup } = await createTestGreenTrack({ clock: fixedClock(NOW), secret: SECRET }));
    dims = gt.embedder.dimensions;
    const fixture = await makeOrganization(gt, 'Vectors');
    orgId = fixture.organization.id;
    staff = gt.as({ userId: fixture.staff.id, organizationId: orgId });
    admin = gt.as({ userId: fixture.admin.id, organizationId: orgId });
    adminToken = gt.tokens.issue({ userId: fixture.admin.id, organizationId: orgId });
    staffToken = gt.tokens.issue({ userId: fixture.staff.id, organizationId: orgId });
    scope = {
      db: gt.db,
      organizationId: orgId,
      actor: { type: 'system', id: null },
      role: 'owner',
      clock: gt.clock,
      emit: () => {},
    };
    const other = await makeOrganization(gt, 'Elsewhere');
    const add = async (
      name: string,
      organization_id: string,
      type: 'customer' | 'lead',
      embedding: number[] | null,
    ) => {
      const row = await gt.db
        .insertInto('customers')
        .values({
          organization_id,
          type,
          name,
          email: `${name}@example.com`,
          embedding: embedding ? toVector(embedding) : null,
          created_at: NOW,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[name] = row.id;
    };
    // Similarities to e₀: ada 1.0, bo 0.9, cy 0.7, dee 0.5, eve none; out (other org) 1.0.
    await add('ada', orgId, 'customer', at(1));
    await add('bo', orgId, 'lead', at(0.9));
    await add('cy', orgId, 'lead', at(0.7));
    await add('dee', orgId, 'customer', at(0.5));
    await add('eve', orgId, 'lead', null);
    await add('out', other.organization.id, 'lead', at(1));
  });
  afterAll(async () => cleanup());

  it('stores a rule segment: the tree in metadata.rule, a rendering in rule_sql', async () => {
    const rule = { field: 'type', op: 'eq', value: 'lead' } as const;
    const segment = await staff.segments.create({ name: 'Leads', rule });
    expect(segment).toMatchObject({ type: 'rule', rule, rule_sql: "type = 'lead'", vector: null });
    const row = await gt.db
      .selectFrom('segments')
      .selectAll()
      .where('id', '=', segment.id)
      .executeTakeFirstOrThrow();
    expect(row.metadata).toEqual({ rule });
    expect(row.vector_query).toBeNull();
    expect(await staff.segments.get(segment.id)).toEqual(segment);
    expect((await staff.segments.list()).map((s) => s.name)).toContain('Leads');
    const audit = await gt.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', segment.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['segment.create']);
    expect(names(await segmentMembersQuery(scope, { rule }).execute())).toEqual([
      'bo',
      'cy',
      'eve',
    ]);
  });

  it('never executes rule_sql: membership follows metadata.rule', async () => {
    const segment = await staff.segments.create({
      name: 'Customers',
      rule: { field: 'type', op: 'eq', value: 'customer' },
    });
    await gt.db
      .updateTable('segments')
      .set({ rule_sql: "type = 'lead' OR 1=1; DROP TABLE customers" })
      .where('id', '=', segment.id)
      .execute();
    const definition = await segmentDefinition(scope, segment.id);
    expect(await countSegmentMembers(scope, definition)).toBe(2);
  });

  // Regression (issue 8, defect 3): this was an INTERNAL error whose custom text reached
  // the response body.
  it('reports a hand-broken stored rule as SEGMENT_RULE_CORRUPT, over HTTP too', async () => {
    const segment = await staff.segments.create({
      name: 'Broken later',
      rule: { field: 'type', op: 'eq', value: 'customer' },
    });
    await gt.db
      .updateTable('segments')
      .set({ metadata: JSON.stringify({ rule: { field: 'nope' } }) })
      .where('id', '=', segment.id)
      .execute();
    const error = await failure(staff.segments.get(segment.id));
    expect(error).toMatchObject({
      code: 'SEGMENT_RULE_CORRUPT',
      details: { segmentId: segment.id },
    });
    const res = await gt.handler(
      new Request(`http://host.test/api/greentrack/segments/${segment.id}`, {
        headers: { authorization: `Bearer ${staffToken}` },
      }),
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: { code: 'SEGMENT_RULE_CORRUPT' } });
    await gt.db.deleteFrom('segments').where('id', '=', segment.id).execute();
  });

  it('selects vector members by cosine threshold and orders the nearest through HNSW', async () => {
    const segment = await staff.segments.create({
      name: 'Near e0',
      vector: { embedding: e0(), threshold: 0.8 },
    });
    expect(segment).toMatchObject({ type: 'vector', rule: null, rule_sql: null });
    expect(segment.vector).toEqual({ text: null, threshold: 0.8 });
    const definition = await segmentDefinition(scope, segment.id);
    expect(names(await segmentMembersQuery(scope, definition).execute())).toEqual(['ada', 'bo']);
    expect(await countSegmentMembers(scope, definition)).toBe(2);
    const nearest = await nearestSegmentMembers(scope, {
      ...definition,
      vector: vectorOf(definition),
    });
    expect(nearest.map((m) => m.customerId)).toEqual([ids.ada, ids.bo]);
    expect(nearest[0]?.similarity).toBeCloseTo(1, 5);
    expect(nearest[1]?.similarity).toBeCloseTo(0.9, 5);
    // A lower threshold takes in cy (0.7) but not dee (0.5); eve has no embedding.
    const wider = { vector: { embedding: e0(), threshold: 0.6 } };
    expect(names(await segmentMembersQuery(scope, wider).execute())).toEqual(['ada', 'bo', 'cy']);
    expect((await nearestSegmentMembers(scope, wider, { limit: 2 })).length).toBe(2);
  });

  it('is a hybrid when rule and vector are both given: rule ∧ vector in one query', async () => {
    const segment = await staff.segments.create({
      name: 'Near leads',
      rule: { field: 'type', op: 'eq', value: 'lead' },
      vector: { embedding: e0(), threshold: 0.6 },
    });
    expect(segment.type).toBe('hybrid');
    const definition = await segmentDefinition(scope, segment.id);
    // Leads: bo (0.9), cy (0.7), eve (no embedding), out (other org, 1.0).
    expect(names(await segmentMembersQuery(scope, definition).execute())).toEqual(['bo', 'cy']);
    const nearest = await nearestSegmentMembers(scope, {
      ...definition,
      vector: vectorOf(definition),
    });
    expect(nearest.map((m) => m.customerId)).toEqual([ids.bo, ids.cy]);

    const preview = await staff.segments.preview(segment.id, { sampleSize: 1 });
    expect(preview.count).toBe(2);
    expect(preview.sample).toHaveLength(1);
    expect(preview.sample[0]).toMatchObject({
      customer: { id: ids.bo, name: 'bo' },
      matched: ["type = 'lead'"],
    });
    expect(preview.sample[0]?.similarity).toBeCloseTo(0.9, 5);
  });

  it('snapshots members with INSERT … SELECT and fills included_reason', async () => {
    const { id: campaignId } = await gt.db
      .insertInto('campaigns')
      .values({ organization_id: orgId, name: 'Spring', channel: 'email' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: runId } = await gt.db
      .insertInto('campaign_runs')
      .values({ campaign_id: campaignId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const definition: SegmentDefinition = {
      rule: {
        any: [
          { field: 'type', op: 'eq', value: 'lead' },
          { field: 'name', op: 'contains', value: 'ad' },
        ],
      },
      vector: { embedding: e0(), threshold: 0.6 },
    };
    const inserted = await gt.db
      .insertInto('campaign_audience')
      .columns(['customer_id', 'included_reason', 'campaign_run_id', 'channel', 'address'])
      .expression(
        segmentMembersQuery(scope, definition)
          .where('customers.email', 'is not', null)
          .select((eb) => [
            eb.val(runId).as('campaign_run_id'),
            sql<string>`'email'`.as('channel'),
            sql<string>`customers.email`.as('address'),
          ]),
      )
      .executeTakeFirstOrThrow();
    expect(Number(inserted.numInsertedOrUpdatedRows)).toBe(3);
    const audience = await gt.db
      .selectFrom('campaign_audience')
      .select(['customer_id', 'included_reason', 'address'])
      .where('campaign_run_id', '=', runId)
      .execute();
    const reasons = Object.fromEntries(audience.map((a) => [names([a])[0], a.included_reason]));
    expect(reasons).toEqual({
      ada: "name CONTAINS 'ad'; similarity 1.000",
      bo: "type = 'lead'; similarity 0.900",
      cy: "type = 'lead'; similarity 0.700",
    });
  });

  it('embeds a text query with the configured embedder and keeps the text', async () => {
    const text = 'wholesale bakery portland';
    const segment = await staff.segments.create({
      name: 'Bakeries',
      vector: { text, threshold: 0.99 },
    });
    expect(segment.vector).toEqual({ text, threshold: 0.99 });
    const [expected] = await gt.embedder.embed([text]);
    const row = await gt.db
      .selectFrom('segments')
      .select(sql<string>`vector_query::text`.as('v'))
      .where('id', '=', segment.id)
      .executeTakeFirstOrThrow();
    const stored = row.v.slice(1, -1).split(',').map(Number);
    expect(stored).toHaveLength(dims);
    for (const [i, x] of stored.entries()) expect(x).toBeCloseTo(expected?.[i] ?? Number.NaN, 5);
  });

  it('updates: removing the rule of a hybrid leaves a vector segment; removing both is refused', async () => {
    const segment = await staff.segments.create({
      name: 'Hybrid',
      rule: { field: 'type', op: 'eq', value: 'lead' },
      vector: { embedding: e0(), threshold: 0.5 },
    });
    const vectorOnly = await staff.segments.update(segment.id, { rule: null, name: 'Vector' });
    expect(vectorOnly).toMatchObject({
      type: 'vector',
      rule: null,
      rule_sql: null,
      name: 'Vector',
    });
    const error = await failure(staff.segments.update(segment.id, { vector: null }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(issuePaths(error)).toEqual(['rule']);
    expect((await staff.segments.get(segment.id)).type).toBe('vector');
    const ruleOnly = await staff.segments.update(segment.id, {
      rule: { field: 'type', op: 'eq', value: 'customer' },
      vector: null,
    });
    expect(ruleOnly).toMatchObject({ type: 'rule', vector: null });
  });

  it('rejects bad input with the path, and unknown ids with SEGMENT_NOT_FOUND', async () => {
    const bad = await failure(
      staff.segments.create({
        name: 'x',
        rule: { all: [{ field: 'type', op: 'eq', value: 'lead' }, { field: 'shoe_size' }] },
      } as never),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(issuePaths(bad)).toEqual(['rule.all.1.field']);
    expect(issuePaths(await failure(staff.segments.create({ name: 'empty' })))).toEqual(['rule']);
    const wrongDims = await failure(
      staff.segments.create({ name: 'v', vector: { embedding: [1, 0, 0], threshold: 0.5 } }),
    );
    expect(issuePaths(wrongDims)).toEqual(['vector.embedding']);
    expect(
      issuePaths(
        await failure(staff.segments.create({ name: 'v', vector: { text: 'x', threshold: 2 } })),
      ),
    ).toEqual(['vector.threshold']);
    expect((await failure(staff.segments.get('00000000-0000-4000-8000-000000000000'))).code).toBe(
      'SEGMENT_NOT_FOUND',
    );
    expect((await failure(staff.segments.get('not-a-uuid'))).code).toBe('SEGMENT_NOT_FOUND');
  });

  it('lets staff create but only admins delete; a segment a campaign targets is in use', async () => {
    const segment = await staff.segments.create({
      name: 'To delete',
      rule: { field: 'never_paid' },
    });
    expect((await failure(staff.segments.remove(segment.id))).code).toBe('FORBIDDEN');
    await gt.db
      .insertInto('campaigns')
      .values({ organization_id: orgId, name: 'Uses it', channel: 'sms', segment_id: segment.id })
      .execute();
    expect((await failure(admin.segments.remove(segment.id))).code).toBe('SEGMENT_IN_USE');
    await gt.db.deleteFrom('campaigns').where('segment_id', '=', segment.id).execute();
    await admin.segments.remove(segment.id);
    expect((await failure(staff.segments.get(segment.id))).code).toBe('SEGMENT_NOT_FOUND');
  });

  it('serves CRUD and previews over HTTP with typed errors', async () => {
    const created = await call('/segments', {
      method: 'POST',
      token: staffToken,
      body: JSON.stringify({
        name: 'Via HTTP',
        rule: { field: 'type', op: 'eq', value: 'lead' },
        vector: { embedding: e0(), threshold: 0.8 },
      }),
    });
    expect(created.status).toBe(201);
    const segment = (await created.json()) as { id: string; type: string };
    expect(segment.type).toBe('hybrid');

    const preview = await call(`/segments/${segment.id}/preview?sampleSize=5`, {
      method: 'GET',
      token: staffToken,
    });
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as {
      count: number;
      sample: Array<{ customer: { id: string }; similarity: number }>;
    };
    expect(body.count).toBe(1);
    expect(body.sample.map((m) => m.customer.id)).toEqual([ids.bo]);

    const draft = await call('/segments/preview', {
      method: 'POST',
      token: staffToken,
      body: JSON.stringify({ rule: { field: 'type', op: 'eq', value: 'customer' }, sampleSize: 0 }),
    });
    expect(draft.status).toBe(200);
    expect(await draft.json()).toEqual({ count: 2, sample: [] });

    const bad = await call('/segments/preview', {
      method: 'POST',
      token: staffToken,
      body: JSON.stringify({ rule: { any: [{ field: 'type', op: 'like', value: 'lead' }] } }),
    });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as {
      error: { code: string; details: { issues: Array<{ path: string }> } };
    };
    expect(error.error.code).toBe('VALIDATION_FAILED');
    expect(error.error.details.issues.map((i) => i.path)).toEqual(['rule.any.0.op']);

    const forbidden = await call(`/segments/${segment.id}`, {
      method: 'DELETE',
      token: staffToken,
    });
    expect(forbidden.status).toBe(403);
    const deleted = await call(`/segments/${segment.id}`, { method: 'DELETE', token: adminToken });
    expect(deleted.status).toBe(204);
    const gone = await call(`/segments/${segment.id}`, { method: 'GET', token: staffToken });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe(
      'SEGMENT_NOT_FOUND',
    );
  });

  it('steers the nearest-members query to the HNSW index, and the exact variant away from it', async () => {
    const definition = {
      rule: { field: 'type', op: 'eq', value: 'lead' } as const,
      vector: { embedding: e0(), threshold: 0.5 },
    };
    const explain = async (s: Scope, plan: 'index' | 'exact') => {
      const query = nearestMembersSql(s, definition, 10, plan).compile(s.db);
      const explained = await s.db.executeQuery<{ 'QUERY PLAN': string }>({
        ...query,
        sql: `EXPLAIN ${query.sql}`,
      });
      return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const hnsw = /Index Scan using customers_embedding_hnsw on customers/;
    await withHnswSettings(scope, 40, async (s) => {
      expect(await explain(s, 'index')).toMatch(hnsw);
      expect(await explain(s, 'exact')).not.toMatch(hnsw);
    });
  });

  it("never leaves its planner settings in the caller's transaction", async () => {
    const settings = sql<{
      sort: string;
      jit: string;
    }>`SELECT current_setting('enable_sort') AS sort, current_setting('jit') AS jit`;
    await gt.db.transaction().execute(async (trx) => {
      const before = (await settings.execute(trx)).rows[0];
      const nearest = await nearestSegmentMembers(
        { ...scope, db: trx },
        { vector: { embedding: e0(), threshold: 0.8 } },
      );
      expect(nearest.map((m) => m.customerId)).toEqual([ids.ada, ids.bo]);
      expect((await settings.execute(trx)).rows[0]).toEqual(before);
      expect(before?.sort).toBe('on');
    });
  });
});
