/**
 * A local Google Analytics Measurement Protocol server for tests, on `test/local-server.ts`:
 *
 * - `POST /mp/collect?measurement_id=…&api_secret=…` answers 204 with an empty body, as GA
 *   does for any request it received (it never reports a bad payload there), unless the test
 *   queued a fault (`failNext`), e.g. a 500 or a 400.
 * - `POST /debug/mp/collect` answers 200 with `{ validationMessages: [...] }`, found by the
 *   rules GA documents for web streams (`validatePayload`): a client id, 1–25 events, event
 *   and parameter names (≤ 40 characters, a letter then letters, digits and underscores, no
 *   reserved names or prefixes), ≤ 25 parameters, string values ≤ 100 characters, a currency
 *   with a value, timestamps at most 72 hours back. Like GA's, it does not check the secret.
 */
import { type LocalServer, type RecordedRequest, startLocalServer } from './local-server.js';

export interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode:
    | 'VALUE_INVALID'
    | 'VALUE_REQUIRED'
    | 'NAME_INVALID'
    | 'NAME_RESERVED'
    | 'VALUE_OUT_OF_BOUNDS'
    | 'EXCEEDED_MAX_ENTITIES';
}

/** Web stream event names GA reserves. */
const RESERVED_EVENT_NAMES = new Set([
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_renew',
  'click',
  'error',
  'file_download',
  'first_open',
  'first_visit',
  'form_start',
  'form_submit',
  'in_app_purchase',
  'page_view',
  'scroll',
  'session_start',
  'user_engagement',
  'view_complete',
  'video_progress',
  'video_start',
  'view_search_results',
]);
const RESERVED_PARAM_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_EVENTS = 25;
const MAX_PARAMS = 25;
const MAX_NAME = 40;
const MAX_VALUE = 100;
const MAX_AGE_MICROS = 72 * 60 * 60 * 1_000_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name's problem, as the validation server words it. */
function nameProblem(
  name: string,
  what: string,
  index: string,
  reserved: (n: string) => boolean,
): ValidationMessage | undefined {
  const fieldPath = 'events';
  if (name.length > MAX_NAME)
    return {
      fieldPath,
      description: `${what} at index: [${index}] has name [${name}] longer than ${MAX_NAME} characters.`,
      validationCode: 'VALUE_OUT_OF_BOUNDS',
    };
  if (reserved(name))
    return {
      fieldPath,
      description: `${what} at index: [${index}] has name [${name}] which is reserved.`,
      validationCode: 'NAME_RESERVED',
    };
  if (!NAME.test(name))
    return {
      fieldPath,
      description: `${what} at index: [${index}] has invalid name [${name}]. Names must start with an alphabetic character.`,
      validationCode: 'NAME_INVALID',
    };
  return undefined;
}

/** The validation server's messages for a request body (none: valid). */
export function validatePayload(body: unknown, now: Date = new Date()): ValidationMessage[] {
  const messages: ValidationMessage[] = [];
  if (!isObject(body))
    return [
      {
        fieldPath: '',
        description: 'Unable to parse Measurement Protocol JSON payload.',
        validationCode: 'VALUE_INVALID',
      },
    ];
  if (typeof body.client_id !== 'string' || body.client_id.trim() === '')
    messages.push({
      fieldPath: 'client_id',
      description: 'Measurement requires a client_id.',
      validationCode: 'VALUE_REQUIRED',
    });
  const nowMicros = now.getTime() * 1000;
  const checkTimestamp = (value: unknown, fieldPath: string) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value > nowMicros + 60e6)
      messages.push({
        fieldPath,
        description: `Invalid timestamp_micros [${String(value)}].`,
        validationCode: 'VALUE_INVALID',
      });
    else if (nowMicros - value > MAX_AGE_MICROS)
      messages.push({
        fieldPath,
        description: `timestamp_micros [${value}] is more than 72 hours in the past.`,
        validationCode: 'VALUE_OUT_OF_BOUNDS',
      });
  };
  checkTimestamp(body.timestamp_micros, 'timestamp_micros');
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) {
    messages.push({
      fieldPath: 'events',
      description: 'Measurement requires at least one event.',
      validationCode: 'VALUE_REQUIRED',
    });
    return messages;
  }
  if (events.length > MAX_EVENTS)
    messages.push({
      fieldPath: 'events',
      description: `Measurement has ${events.length} events; at most ${MAX_EVENTS} are allowed.`,
      validationCode: 'EXCEEDED_MAX_ENTITIES',
    });
  events.forEach((event, i) => {
    if (!isObject(event) || typeof event.name !== 'string') {
      messages.push({
        fieldPath: `events[${i}].name`,
        description: `Event at index: [${i}] requires a name.`,
        validationCode: 'VALUE_REQUIRED',
      });
      return;
    }
    const eventProblem = nameProblem(event.name, 'Event', String(i), (n) =>
      RESERVED_EVENT_NAMES.has(n),
    );
    if (eventProblem) messages.push(eventProblem);
    checkTimestamp(event.timestamp_micros, `events[${i}].timestamp_micros`);
    const params = event.params ?? {};
    if (!isObject(params)) {
      messages.push({
        fieldPath: `events[${i}].params`,
        description: `Event at index: [${i}] has params that are not an object.`,
        validationCode: 'VALUE_INVALID',
      });
      return;
    }
    const entries = Object.entries(params);
    if (entries.length > MAX_PARAMS)
      messages.push({
        fieldPath: `events[${i}].params`,
        description: `Event at index: [${i}] has ${entries.length} params; at most ${MAX_PARAMS} are allowed.`,
        validationCode: 'EXCEEDED_MAX_ENTITIES',
      });
    for (const [name, value] of entries) {
      const problem = nameProblem(name, `Param of event [${i}]`, name, (n) =>
        RESERVED_PARAM_PREFIXES.some((prefix) => n.startsWith(prefix)),
      );
      if (problem) messages.push({ ...problem, fieldPath: `events[${i}].params` });
      if (typeof value === 'string' && value.length > MAX_VALUE)
        messages.push({
          fieldPath: `events[${i}].params.${name}`,
          description: `Value of param [${name}] is longer than ${MAX_VALUE} characters.`,
          validationCode: 'VALUE_OUT_OF_BOUNDS',
        });
    }
    if (params.value !== undefined && typeof params.value !== 'number')
      messages.push({
        fieldPath: `events[${i}].params.value`,
        description: `Event at index: [${i}] has a value that is not a number.`,
        validationCode: 'VALUE_INVALID',
      });
    if (params.value !== undefined && typeof params.currency !== 'string')
      messages.push({
        fieldPath: `events[${i}].params.currency`,
        description: `Event at index: [${i}] has a value but no currency.`,
        validationCode: 'VALUE_REQUIRED',
      });
  });
  return messages;
}

/** A fault the collect endpoint answers instead of 204. */
export interface Fault {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface MeasurementProtocolServer {
  server: LocalServer;
  /** The requests to `/mp/collect` (not the debug ones), in order. */
  collected(): RecordedRequest[];
  /** Answers of the next collect requests, in order; 204 once they run out. */
  failNext(...faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startMeasurementProtocolServer(
  now: () => Date = () => new Date(),
): Promise<MeasurementProtocolServer> {
  const faults: Fault[] = [];
  const server = await startLocalServer((request) => {
    const url = new URL(request.url, 'http://ga.test');
    if (request.method !== 'POST') return { status: 405 };
    const hasKeys = url.searchParams.get('measurement_id') && url.searchParams.get('api_secret');
    if (url.pathname === '/debug/mp/collect') {
      const messages = hasKeys
        ? validatePayload(request.json, now())
        : [
            {
              fieldPath: 'measurement_id',
              description: 'Measurement requires a measurement_id and an api_secret.',
              validationCode: 'VALUE_REQUIRED',
            },
          ];
      return { status: 200, body: { validationMessages: messages } };
    }
    if (url.pathname === '/mp/collect') {
      const fault = faults.shift();
      if (fault) return { status: fault.status, body: fault.body ?? '', headers: fault.headers };
      return { status: 204 };
    }
    return { status: 404 };
  });
  return {
    server,
    collected: () =>
      server.requests.filter((r) => new URL(r.url, 'http://ga.test').pathname === '/mp/collect'),
    failNext: (...next) => faults.push(...next),
    close: () => server.close(),
  };
}
