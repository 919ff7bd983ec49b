/**
 * Stripe's API as a local server, for the `stripe` adapter's tests: the real SDK is pointed
 * at it (`host`/`port`/`protocol`). It speaks Stripe's wire format as documented
 * (https://docs.stripe.com/api): form-encoded bodies with bracketed nested keys
 * (`metadata[key]=…`, `line_items[0][price_data][currency]=usd`), Bearer secret keys,
 * `Stripe-Version` and `Idempotency-Key` headers, idempotent replays (same key, same
 * parameters → the first answer, `Idempotent-Replayed: true`; other parameters → 400
 * `idempotency_error`), and error objects `{ error: { type, code, message, param } }` with
 * their statuses. Only `POST /v1/payment_links` is implemented; anything else is a 404
 * `resource_missing`, as Stripe answers an unknown path.
 */
import { createHash, randomBytes } from 'node:crypto';
import qs from 'qs';
import { type LocalResponse, type LocalServer, startLocalServer } from './local-server.js';

export const STRIPE_TEST_KEY = `sk_test_${'4eC39HqLyjWDarjtT1zdp7dc'}`;

/** A Stripe error answer. */
export function stripeError(
  status: number,
  error: { type: string; code?: string; message: string; param?: string },
  headers: Record<string, string> = {},
): LocalResponse {
  return {
    status,
    headers: { 'request-id': `req_${randomBytes(7).toString('hex')}`, ...headers },
    body: {
      error: {
        ...error,
        doc_url: `https://docs.stripe.com/error-codes/${error.code ?? error.type}`,
      },
    },
  };
}

/** Failures the next requests answer with, in order. */
export type StripeFault =
  /** 500 `api_error`: the SDK retries it. */
  | 'api_error'
  /** 429 `lock_timeout` with `Stripe-Should-Retry: true`: the SDK retries it. */
  | 'lock_timeout'
  /** 429 `rate_limit` with `Retry-After`: not retried by the SDK. */
  | 'rate_limit';

const FAULTS: Record<StripeFault, () => LocalResponse> = {
  api_error: () => stripeError(500, { type: 'api_error', message: 'An unknown error occurred' }),
  lock_timeout: () =>
    stripeError(
      429,
      {
        type: 'invalid_request_error',
        code: 'lock_timeout',
        message:
          'This object cannot be accessed right now because another API request or Stripe process is currently accessing it.',
      },
      { 'stripe-should-retry': 'true' },
    ),
  rate_limit: () =>
    stripeError(
      429,
      {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: 'Too many requests hit the API too quickly.',
      },
      { 'retry-after': '3' },
    ),
};

type Params = Record<string, unknown>;

const isObject = (v: unknown): v is Params =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const missing = (param: string) =>
  stripeError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    message: `Missing required param: ${param}.`,
    param,
  });

const notInteger = (param: string) =>
  stripeError(400, {
    type: 'invalid_request_error',
    code: 'parameter_invalid_integer',
    message: 'Invalid integer',
    param,
  });

/** Checks the parameters `POST /v1/payment_links` needs; the error Stripe gives, or null. */
function invalidPaymentLink(params: Params): LocalResponse | null {
  const items = params.line_items;
  if (!Array.isArray(items) || items.length === 0) return missing('line_items');
  for (const [i, item] of items.entries()) {
    if (!isObject(item)) return missing(`line_items[${i}]`);
    if (item.quantity === undefined) return missing(`line_items[${i}][quantity]`);
    if (!/^\d+$/.test(String(item.quantity))) return notInteger(`line_items[${i}][quantity]`);
    if (item.price === undefined) {
      const data = item.price_data;
      if (!isObject(data)) return missing(`line_items[${i}][price]`);
      if (typeof data.currency !== 'string')
        return missing(`line_items[${i}][price_data][currency]`);
      if (!/^\d+$/.test(String(data.unit_amount)))
        return notInteger(`line_items[${i}][price_data][unit_amount]`);
      if (!isObject(data.product_data) || typeof data.product_data.name !== 'string')
        return missing(`line_items[${i}][price_data][product_data][name]`);
    }
  }
  return null;
}

/** A `payment_link` object as Stripe answers a create (the fields we read, and their neighbours). */
function paymentLinkObject(params: Params, id: string) {
  const item = (params.line_items as Params[])[0] ?? {};
  const data = isObject(item.price_data) ? item.price_data : {};
  const intentData = isObject(params.payment_intent_data) ? params.payment_intent_data : {};
  return {
    id,
    object: 'payment_link',
    active: true,
    after_completion: {
      hosted_confirmation: { custom_message: null },
      type: 'hosted_confirmation',
    },
    allow_promotion_codes: false,
    application: null,
    billing_address_collection: 'auto',
    currency: data.currency ?? 'usd',
    customer_creation: 'if_required',
    livemode: false,
    metadata: params.metadata ?? {},
    payment_intent_data: {
      capture_method: null,
      description: intentData.description ?? null,
      metadata: intentData.metadata ?? {},
      setup_future_usage: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      transfer_group: null,
    },
    payment_method_collection: 'always',
    payment_method_types: null,
    restrictions: isObject(params.restrictions) ? params.restrictions : null,
    submit_type: 'auto',
    url: `https://buy.stripe.com/test_${id.slice(6, 20)}`,
  };
}

/** The local Stripe, with what it saw and made. */
export interface StripeApi {
  server: LocalServer;
  /** Links made (not counting replays), by id. */
  links: Map<string, ReturnType<typeof paymentLinkObject>>;
  /** The next requests fail with these, in order. */
  failNext(...faults: StripeFault[]): void;
  close(): Promise<void>;
}

/** Starts the local Stripe. `secretKey` is the only key it accepts. */
export async function startStripeApi(secretKey = STRIPE_TEST_KEY): Promise<StripeApi> {
  const faults: StripeFault[] = [];
  const links = new Map<string, ReturnType<typeof paymentLinkObject>>();
  const replays = new Map<string, { fingerprint: string; answer: LocalResponse }>();
  const server = await startLocalServer((request) => {
    const fault = faults.shift();
    if (fault !== undefined) return FAULTS[fault]();
    if (request.headers.authorization !== `Bearer ${secretKey}`) {
      return stripeError(401, {
        type: 'invalid_request_error',
        message: 'Invalid API Key provided: sk_test_****',
      });
    }
    if (request.method !== 'POST' || request.url !== '/v1/payment_links') {
      return stripeError(404, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `Unrecognized request URL (${request.method}: ${request.url}).`,
      });
    }
    const raw = request.body.toString('utf8');
    const key = request.headers['idempotency-key'];
    const fingerprint = createHash('sha256').update(raw).digest('hex');
    if (typeof key === 'string') {
      const seen = replays.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        return stripeError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (seen)
        return {
          ...seen.answer,
          headers: { ...seen.answer.headers, 'idempotent-replayed': 'true' },
        };
    }
    const params = qs.parse(raw, { depth: 10, arrayLimit: 100 }) as Params;
    const invalid = invalidPaymentLink(params);
    const id = `plink_${randomBytes(12).toString('hex')}`;
    const answer: LocalResponse = invalid ?? {
      status: 200,
      headers: {
        'request-id': `req_${randomBytes(7).toString('hex')}`,
        'stripe-version': String(request.headers['stripe-version']),
      },
      body: paymentLinkObject(params, id),
    };
    if (invalid) return invalid;
    links.set(id, answer.body as ReturnType<typeof paymentLinkObject>);
    // Stripe saves no result for a request that failed validation: only what it executed.
    if (typeof key === 'string') replays.set(key, { fingerprint, answer });
    return answer;
  });
  return {
    server,
    links,
    failNext: (...next) => {
      faults.push(...next);
    },
    close: () => server.close(),
  };
}
