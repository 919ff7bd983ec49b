/**
 * Schema-driven fuzzing of every route that takes input (issue 9, item 4). Requests are
 * drawn from the schemas of `openapi.json` itself (`test/json-schema-arbitrary.ts`): valid
 * values, boundaries, and values broken in one place — wrong types, oversized strings, NUL
 * and lone surrogates, deep nesting, huge arrays, unknown keys, missing keys, bodies that are
 * not JSON — in the body, the path and the query. Whatever the input:
 *
 * - never a 5xx, never a rejected `handler` promise or an unhandled rejection;
 * - every error body is `{ error: { code, message } }`, with no stack frame, file path or
 *   SQL text in it;
 * - a 4xx writes nothing: a fingerprint (row count + content hash) of every table and
 *   materialized view is the same before and after.
 *
 * Deterministic (fixed seed; fast-check prints seed and counterexample on failure) and
 * bounded: `GREENTRACK_FUZZ_RUNS` runs per route (default 40); raise it locally to dig.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestGreenTrack,
  databaseKind,
  makeOrganization,
  makeUser,
  startDueCampaignsOnly,
} from '../../test/harness.js';
import { makeHeldMessage } from '../../test/held-message.js';
import {
  type Components,
  hostileStrings,
  hostileValue,
  type Samples,
  validValue,
} from '../../test/json-schema-arbitrary.js';
import { makeLinkedInvoice } from '../../test/linked-invoice.js';
import {
  type OpenApiDocument,
  type Operation,
  openApiDocument,
  operationsOf,
} from '../../test/openapi.js';
import { databaseFingerprint } from '../../test/rows.js';
import { fixedClock } from '../clock.js';
import type { GreenTrack } from '../greentrack.js';
import { insertTestInvoice } from '../invoices/test-invoices.js';
import { purposeKey } from '../secrets/index.js';
import { createTrackingTokens } from '../tracking/index.js';
import {
  insertTestWebhook,
  signTestWebhook,
  TEST_SIGNATURE_HEADER,
  testWebhookSource,
} from '../webhooks/test-source.js';

const BASE_PATH = '/api/greentrack';
const BASE = `http://host.test${BASE_PATH}`;
const SECRET = 'schema-fuzz-secret-0123456789abcdefghij';
const SEED = 20_260_609;
const RUNS = Number(process.env.GREENTRACK_FUZZ_RUNS ?? 40);

/** What must never reach a client: stack frames, source paths, SQL or Postgres messages. */
const INTERNALS =
  /\n\s*at |\bat [\w$.<>]+ \(|node_modules|\.[cm]?[jt]s:\d+|\bSELECT\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE \w+ SET\b|syntax error|violates .*constraint|duplicate key|relation "|invalid input syntax|\bERROR:/;

/**
 * Values the document cannot describe (see `Samples`): without them nearly every "valid"
 * request would still be refused (a random country or phone), and the services behind
 * validation would go unfuzzed.
 */
const baseSamples: Samples = {
  rule: [
    { field: 'type', op: 'eq', value: 'lead' },
    {
      all: [
        { field: 'tags', op: 'has_any', values: ['vip'] },
        { not: { field: 'city', op: 'eq', value: 'X' } },
      ],
    },
    { any: [{ field: 'consent', op: 'unsubscribed', channel: 'email' }, { field: 'never_paid' }] },
    { field: 'name', op: 'contains', value: '%_\\' },
    { field: 'engagement', op: 'not_messaged', days: 60 },
    { field: 'event', name: 'booking_request', op: 'at_least', value: 2, days: 30 },
  ],
  country: ['US', 'de', 'AQ'],
  default_country: ['US', 'GB'],
  timeZone: ['America/New_York', 'europe/london', 'Mars/Olympus', '+02:00'],
  email: ['ana@example.com', 'Bo@Example.COM', null],
  phone: ['+14155552671', '(415) 555-2671', null],
  types: ['message,message_event', 'event', ['invoice', 'payment']],
  cursor: [undefined],
  // A segment is a rule OR a vector: mostly leave the vector out so rules get through.
  vector: [undefined, undefined, { text: 'regulars who book often', threshold: 0.2 }],
  mapping: ['{"E-mail":"email"}', '{"x":null}'],
  // Liquid over the documented variables (random text is mostly valid Liquid too).
  content: [
    'Hi {{ customer.first_name }}',
    '<p>{{ customer.name | escape }}</p>{% if invoice %}{{ invoice.total }}{% endif %}',
    '<mjml><mj-body><mj-section><mj-column><mj-text>{{ organization.name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
    '{{ customer.nmae }}',
  ],
  subject: ['Hello {{ customer.first_name }}', '{% if %}'],
  // A manual payment: an amount the fixture invoice can take, in its currency (a random
  // three-letter code would be refused as a mismatch every time).
  amount_cents: [100, 2_500],
  currency: [undefined, 'usd', 'USD'],
  // An invoice id names a row: mostly leave it out (the customer's latest is used).
  invoiceId: [undefined],
  // `to` of a test send (an address for the fuzzed email campaign) and of the audit log's
  // time range, which shares the name: each is the other's invalid value.
  to: ['qa@example.com', '2026-06-01T00:00:00.000Z'],
  // An analytics event's customer: mostly none (a random uuid names no customer: 404).
  customer_id: [undefined, null],
};
/** Raw bodies no schema generates. */
const rawBodies = [
  '',
  'not json',
  '{',
  '[',
  'null',
  '"text"',
  '[]',
  '{"a":1}{"b":2}',
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  `{"x":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
  '{"name":"a","name":"\\u0000"}',
  '\u0000',
];

/** Path and query text as sent on the wire, some of it not valid percent-encoding or UTF-8. */
const rawUrlValues = ['%00', '%ED%A0%80', '%FF', '%', '%zz', 'not-a-uuid', 'x'.repeat(5_000), '..'];

/** Percent-encodes `value`; a string that is not well-formed UTF-16 goes as invalid UTF-8. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Query values as text: arrays repeat the parameter, `null` leaves it out. */
function asQueryValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(asQueryValues);
  if (typeof value === 'object') return [JSON.stringify(value)];
  return [String(value)];
}

interface FuzzRequest {
  /** Path values, already encoded. */
  params: Record<string, string>;
  query: string;
  body?: string;
  contentType?: string;
}

interface Ids {
  /** A user of no organization yet, for `userId` in bodies. */
  user: string;
  customer: string;
  integration: string;
  segment: string;
  template: string;
  membership: string;
  /** A campaign in the status the route acts on (running for `pause`, …). */
  campaign: string;
  campaignRun: string;
  /** A genuine tracking token per route prefix (`/t/c/`, `/t/o/`, `/t/u/`) for a message. */
  trackingTokens: Record<string, string>;
  /** A campaign message held as `unknown`, for the routes that resolve one. */
  heldMessage: string;
  /** A sent invoice with plenty due (a draft of `customer` for `/send`; its payment link stored for `/payment-link`), and a payment of it. */
  invoice: string;
  payment: string;
  /** A twilio account whose `webhookSecret` signs the fuzzed webhooks, and a stored webhook. */
  webhookAccount: string;
  webhook: string;
}

const WEBHOOK_SECRET = 'fuzz-webhook-secret';
/** The public webhook route: a refused request counts itself on its account, by design. */
const isWebhookReceipt = (operation: Operation) =>
  operation.path.startsWith('/webhooks/{provider}/');

/** A request to `operation` drawn from its documented parameters and body. */
function requestArbitrary(
  operation: Operation,
  components: Components,
  samples: Samples,
  ids: Ids,
): fc.Arbitrary<FuzzRequest> {
  // A valid path id names a row of this route's own fixtures (chosen by the path's stem).
  const stems: Array<[string, string]> = [
    ['/webhooks/inbound', ids.webhook],
    ['/memberships', ids.membership],
    ['/integrations', ids.integration],
    ['/segments', ids.segment],
    ['/campaigns', ids.campaign],
    ['/campaign-runs', ids.campaignRun],
    ['/unknown-outcomes', ids.heldMessage],
    ['/templates', ids.template],
    ['/invoices', ids.invoice],
    ['/payments', ids.payment],
  ];
  const idFor = stems.find(([stem]) => operation.path.startsWith(stem))?.[1] ?? ids.customer;
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');

  // Mostly valid, sometimes broken: a hostile value in a path, or an extra or hostile query
  // parameter, one place per request.
  const hostileUrlValue = fc.oneof(
    fc.constantFrom(...hostileStrings).map(encode),
    fc.constantFrom(...rawUrlValues),
  );
  const params = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        fc.oneof(
          {
            weight: 8,
            arbitrary:
              p.schema.format === 'uuid'
                ? fc.constant(idFor)
                : p.name === 'integrationAccountId'
                  ? fc.constant(ids.webhookAccount)
                  : p.name === 'token'
                    ? fc.constant(ids.trackingTokens[operation.path.slice(0, 5)] ?? '')
                    : validValue(p.schema, components).map((v) => String(v)),
          },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: hostileUrlValue },
        ),
      ]),
    ),
  ) as fc.Arbitrary<Record<string, string>>;

  const validQuery = fc.tuple(
    ...queryParams.map((p) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as string[]) },
        {
          weight: 2,
          arbitrary: validValue(p.schema, components, samples, p.name).map((v) =>
            asQueryValues(v).map((text) => `${p.name}=${encode(text)}`),
          ),
        },
      ),
    ),
  );
  const brokenQuery = fc.oneof(
    { weight: 1, arbitrary: fc.constant([] as string[]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...queryParams.map((p) => p.name), 'bogus', '__proto__'),
          hostileUrlValue,
        )
        .map(([name, value]) => [`${name}=${value}`]),
    },
  );
  const query = fc
    .tuple(validQuery, queryParams.length > 0 ? brokenQuery : fc.constant([] as string[]))
    .map(([valid, broken]) => [...valid.flat(), ...broken].join('&'));

  const json = operation.body?.['application/json'];
  const csv = operation.body?.['text/csv'];
  const form = operation.body?.['application/x-www-form-urlencoded'];
  let body: fc.Arbitrary<{ body?: string; contentType?: string }> = fc.constant({});
  if (json) {
    const text = fc.oneof(
      { weight: 3, arbitrary: validValue(json, components, samples).map((v) => JSON.stringify(v)) },
      {
        weight: 4,
        arbitrary: hostileValue(json, components, samples).map((v) => JSON.stringify(v)),
      },
      { weight: 1, arbitrary: fc.constantFrom(...rawBodies) },
    );
    const contentType = fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-16', ''),
      },
    );
    body = fc.record({ body: text, contentType });
  } else if (csv) {
    const text = fc.oneof(
      fc.constantFrom(
        'name,email\nAna,ana@example.com\n',
        'name,email\n"Bo,b@example.com\n',
        'name\n\u0000\n',
        `${Array.from({ length: 5_000 }, (_, i) => `c${i}`).join(',')}\nx\n`,
        '\ufeffName,E-mail,Tags\nCy,cy@example.com,"vip, x"\n',
        '',
      ),
      fc.string({ maxLength: 200, unit: 'grapheme' }),
      fc.constantFrom(...rawBodies),
    );
    const contentType = fc.constantFrom(
      'text/csv',
      'text/csv',
      'multipart/form-data; boundary=xyz',
      'application/json',
    );
    body = fc.record({ body: text, contentType });
  } else if (form) {
    const text = fc.oneof(
      { weight: 3, arbitrary: fc.constant('List-Unsubscribe=One-Click') },
      { weight: 1, arbitrary: fc.constantFrom('List-Unsubscribe=no', 'a=b', '', '%zz=%') },
      { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'grapheme' }) },
      { weight: 1, arbitrary: fc.constantFrom(...rawBodies) },
    );
    const contentType = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/json',
    );
    body = fc.record({ body: text, contentType });
  }
  return fc.tuple(params, query, body).map(([p, q, b]) => ({ params: p, query: q, ...b }));
}

describe(`schema-driven fuzzing of openapi.json [${databaseKind}]`, () => {
  let gt: GreenTrack;
  let cleanup: () => Promise<void>;
  let document: OpenApiDocument;
  let operations: Operation[];
  let token: string;
  let owner: ReturnType<GreenTrack['as']>;
  const logged: unknown[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    ({ gt, cleanup } = await createTestGreenTrack({
      clock: fixedClock('2026-06-09T09:00:00.000Z'),
      secret: SECRET,
      providers: { webhooks: [testWebhookSource('twilio')] },
      http: { logger: { error: (_message, context) => logged.push(context.error) } },
    }));
    const org = await makeOrganization(gt, 'Fuzzed');
    owner = gt.as({ userId: org.owner.id, organizationId: org.organization.id });
    token = gt.tokens.issue({
      userId: org.owner.id,
      organizationId: org.organization.id,
      ttlSeconds: 7 * 24 * 3600,
    });
    document = await openApiDocument(gt, BASE);
    operations = operationsOf(document, BASE_PATH);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await cleanup();
  });

  /** Rows of each kind a path may name, fresh for each route (a DELETE consumes its own). */
  /** A campaign in the status `operation` needs to succeed, and a run of a started one. */
  async function campaignFor(operation: Operation, segmentId: string) {
    const organizationId = owner.actor.organizationId;
    const { id: templateId } = await gt.database
      .tenant(organizationId)
      .insertInto('templates')
      .values({
        organization_id: organizationId,
        name: 'Fuzz template',
        channel: 'email',
        content: 'Hello {{ customer.name }}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const create = () =>
      owner.campaigns.create({
        name: 'Fuzz campaign',
        channel: 'email',
        template_id: templateId,
        segment_id: segmentId,
      });
    const started = await create();
    await owner.campaigns.schedule(started.id);
    await startDueCampaignsOnly(gt);
    const [run] = await owner.campaigns.runs(started.id);
    const needs = /\/(unschedule|pause|resume)$/.exec(operation.path)?.[1];
    let campaign = needs === 'pause' ? started.id : (await create()).id;
    if (needs === 'unschedule') await owner.campaigns.schedule(campaign);
    if (needs === 'resume') {
      await owner.campaigns.pause(started.id);
      campaign = started.id;
    }
    return { campaign, campaignRun: run?.id ?? '' };
  }

  /** A sent message of the customer and a genuine token of each kind for it. */
  async function trackingTokens(customerId: string): Promise<Record<string, string>> {
    const organizationId = owner.actor.organizationId;
    const tokens = createTrackingTokens(
      (label) => purposeKey(SECRET, label),
      () => gt.clock.now(),
    );
    const messageId = randomUUID();
    const sign = (kind: 'click' | 'open' | 'unsubscribe') =>
      tokens.sign({
        kind,
        organizationId,
        messageId,
        url: kind === 'click' ? 'https://shop.example/' : null,
        ttlSeconds: 3600,
      });
    const click = sign('click');
    await gt.database
      .tenant(organizationId)
      .insertInto('messages')
      .values({
        id: messageId,
        organization_id: organizationId,
        customer_id: customerId,
        channel: 'email',
        to_address: 'f@example.com',
        body: `<a href="https://host.test/t/c/${click}">Shop</a>`,
        status: 'sent',
      })
      .execute();
    return { '/t/c/': click, '/t/o/': sign('open'), '/t/u/': sign('unsubscribe') };
  }

  /** An invoice that can take many payments (the fuzzer's random amounts), and one payment. */
  async function invoiceIds(): Promise<{ invoice: string; payment: string }> {
    const { id } = await insertTestInvoice(gt.database, owner.actor.organizationId, {
      totalCents: 2_000_000_000,
      amountDueCents: 1_000_000_000,
    });
    const paid = await owner.payments.recordManual(id, { amount_cents: 100 });
    return { invoice: id, payment: paid.payment.id };
  }

  /** A draft invoice of the customer, for `POST /invoices/{id}/send`. */
  async function invoiceOf(organizationId: string, customerId: string): Promise<string> {
    const draft = { customerId, status: 'draft', totalCents: 1999 } as const;
    return (await insertTestInvoice(gt.database, organizationId, draft)).id;
  }

  async function freshIds(operation: Operation): Promise<Ids> {
    const customer = await owner.customers.create({
      name: 'Fuzz target',
      type: 'customer',
      email: 'f@example.com',
    });
    const integration = await owner.integrations.create({
      provider: 'sendgrid',
      name: `fuzz-${customer.id}`,
      credentials: { apiKey: 'SG.x' },
    });
    const segment = await owner.segments.create({
      name: `Fuzz ${customer.id}`,
      rule: { field: 'type', op: 'eq', value: 'lead' },
    });
    const template = await owner.templates.create({
      channel: 'email',
      name: `Fuzz ${customer.id}`,
      subject: 'Hi {{ customer.first_name }}',
      content: '<p>{{ customer.name }}</p>',
    });
    const membership = await owner.memberships.add({
      userId: (await makeUser(gt, 'fuzz')).id,
      role: 'staff',
    });
    const webhookAccount = operation.path.startsWith('/webhooks')
      ? (
          await owner.integrations.create({
            provider: 'twilio',
            name: `fuzz-webhooks-${customer.id}`,
            credentials: { webhookSecret: WEBHOOK_SECRET },
          })
        ).id
      : '';
    return {
      webhookAccount,
      webhook: operation.path.startsWith('/webhooks/inbound')
        ? await insertTestWebhook(gt.database, owner.actor.organizationId, webhookAccount)
        : '',
      // Only for tracking routes: a message would keep the customer from being deleted.
      trackingTokens: operation.path.startsWith('/t/') ? await trackingTokens(customer.id) : {},
      user: (await makeUser(gt, 'joiner')).id,
      customer: customer.id,
      integration: integration.id,
      segment: segment.id,
      template: template.id,
      membership: membership.id,
      ...(operation.path.startsWith('/campaign')
        ? await campaignFor(operation, segment.id)
        : { campaign: '', campaignRun: '' }),
      heldMessage: operation.path.startsWith('/unknown-outcomes')
        ? (await makeHeldMessage(gt, owner.actor.organizationId, owner)).messageId
        : '',
      ...(await invoiceIds()),
      ...(operation.path.endsWith('/payment-link')
        ? { invoice: await makeLinkedInvoice(gt, owner.actor.organizationId) }
        : {}),
      ...(operation.path.endsWith('/send')
        ? { invoice: await invoiceOf(owner.actor.organizationId, customer.id) }
        : {}),
    };
  }

  it('never answers 5xx, leaks internals, or writes on a 4xx, whatever the input', async () => {
    const fuzzed = operations.filter((o) => o.body !== undefined || o.parameters.length > 0);
    /** Route → status → how many answers. */
    const seen: Record<string, Record<number, number>> = {};
    for (const operation of fuzzed) {
      const ids = await freshIds(operation);
      let before = await databaseFingerprint(gt.db);
      const property = fc.asyncProperty(
        requestArbitrary(
          operation,
          document.components.schemas,
          { ...baseSamples, userId: [ids.user], customerId: [ids.customer] },
          ids,
        ),
        async (request) => {
          const path = operation.path.replace(
            /\{([^}]+)\}/g,
            (_, name: string) => request.params[name] ?? '',
          );
          const headers = new Headers({ authorization: `Bearer ${token}` });
          if (request.contentType) headers.set('content-type', request.contentType);
          // Signed as the provider would: the fuzzed bytes reach the source's reading of them.
          if (isWebhookReceipt(operation))
            headers.set(TEST_SIGNATURE_HEADER, signTestWebhook(WEBHOOK_SECRET, request.body ?? ''));
          const init: RequestInit = { method: operation.method, headers };
          if (request.body !== undefined) init.body = request.body;
          const res = await gt.handler(
            new Request(`${BASE}${path}${request.query ? `?${request.query}` : ''}`, init),
          );
          const statuses = seen[operation.key] ?? {};
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          seen[operation.key] = statuses;
          const text = await res.text();
          expect(res.status, text.slice(0, 500)).toBeLessThan(500);
          const after = await databaseFingerprint(gt.db);
          if (res.status >= 400) {
            const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof body.error?.code, text.slice(0, 500)).toBe('string');
            expect(typeof body.error?.message, text.slice(0, 500)).toBe('string');
            expect(text).not.toMatch(INTERNALS);
            const { webhook_verification_failures: counted, ...rest } = after;
            const { webhook_verification_failures: countedBefore, ...restBefore } = before;
            expect(rest, `${res.status} ${text.slice(0, 300)}`).toEqual(restBefore);
            if (!isWebhookReceipt(operation)) expect(counted).toEqual(countedBefore);
          } else if (res.status >= 300) {
            expect(res.headers.get('location')).toBeTruthy();
            expect(text).toBe('');
          } else if (operation.successTypes.some((type) => type !== 'application/json')) {
            // Pages and pixels: the documented type.
            const type = res.headers.get('content-type') ?? '';
            expect(operation.successTypes.some((t) => type.startsWith(t))).toBe(true);
          } else if (res.status !== 204) {
            expect(res.headers.get('content-type')).toMatch(/application\/json/);
            JSON.parse(text);
          }
          before = after;
        },
      );
      try {
        await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
      } catch (error) {
        throw new Error(`${operation.key} (seed ${SEED}): ${(error as Error).message}`);
      }
    }
    expect(logged).toEqual([]);
    expect(unhandled).toEqual([]);
    // Every route that takes a body or a parameter was fuzzed, RUNS times ...
    const sent = Object.fromEntries(
      Object.entries(seen).map(([key, statuses]) => [
        key,
        Object.values(statuses).reduce((a, b) => a + b, 0),
      ]),
    );
    expect(sent).toEqual(Object.fromEntries(fuzzed.map((o) => [o.key, RUNS])));
    expect(fuzzed.length).toBeGreaterThan(20);
    // ... and reached both its service (a 2xx) and a refusal: a generator that only ever
    // produced invalid input would pass the properties above while testing little.
    if (RUNS >= 20) {
      const lopsided = Object.entries(seen)
        .filter(([, statuses]) => {
          const codes = Object.keys(statuses).map(Number);
          return !codes.some((c) => c < 400) || !codes.some((c) => c >= 400);
        })
        .map(([key, statuses]) => `${key} ${JSON.stringify(statuses)}`);
      expect(lopsided).toEqual([]);
    }
  }, 300_000);
});
