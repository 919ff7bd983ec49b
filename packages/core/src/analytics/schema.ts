/**
 * zod inputs and outputs of the analytics events API. Field names are the `events` columns
 * (snake_case), so a stored row reads like the event that was sent.
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from '../http/schemas.js';

/** Most events one call may carry (`POST /events`, `org.events.track`). */
const MAX_EVENTS_PER_BATCH = 1000;

/**
 * Largest `properties` object, in characters of its JSON. A full batch of such events is
 * ~8 MiB, past the HTTP body cap (`http.maxBodyBytes`, 1 MiB by default): a browser sends
 * small batches, a server sending large properties sends fewer events per call.
 */
const MAX_PROPERTIES_CHARS = 8192;

/** The JSON size of `value`, or `Infinity` for what JSON cannot hold (or nests too deep). */
function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * An ISO 8601 instant with its zone, from 1900 on: zod accepts year 0000, which Postgres
 * refuses (a 500 after validation passed); anything that early is a typo anyway.
 */
const instant = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) >= Date.UTC(1900, 0, 1), { message: 'must be 1900 or later' });

const text = (max: number) => z.string().trim().min(1).max(max);
/** An optional text field: absent, `null` or a non-empty string up to `max`. */
const optionalText = (max: number) => text(max).nullable().optional();

/** One analytics event as a caller sends it. */
const trackEventSchema = z
  .object({
    name: text(200).openapi({ example: 'booking_request' }),
    occurred_at: instant.openapi({
      description:
        'When it happened (ISO 8601 with a zone); required: a late batch keeps its times',
      example: '2026-06-01T12:00:00Z',
    }),
    source: optionalText(64).openapi({
      description: "Where it came from: 'web', 'app', 'system', …",
    }),
    utm_source: optionalText(255),
    utm_medium: optionalText(255),
    utm_campaign: optionalText(255),
    referrer: optionalText(2048),
    ga_client_id: optionalText(100).openapi({
      description: "Google Analytics client id (the `_ga` cookie's last two parts)",
      example: '1234567890.1717236000',
    }),
    session_id: z.uuid().nullable().optional(),
    properties: z
      .record(z.string(), z.unknown())
      .refine((p) => jsonLength(p) <= MAX_PROPERTIES_CHARS, {
        message: `at most ${MAX_PROPERTIES_CHARS} characters of JSON`,
      })
      .optional()
      .openapi({ description: 'Free-form details of the event (a JSON object)' }),
    customer_id: z.uuid().nullable().optional().openapi({
      description: "The organization's customer the event is about; unknown → 404 for the batch",
    }),
    email: z.email().max(320).nullable().optional().openapi({
      description:
        "Links the event to the organization's customer with this email; an email no customer has leaves the event anonymous (the email is not stored)",
    }),
  })
  .strict()
  .refine((e) => !(e.customer_id && e.email), {
    message: 'give customer_id or email, not both',
    path: ['email'],
  })
  .openapi('TrackEvent');
export type TrackEvent = z.input<typeof trackEventSchema>;
export type ParsedEvent = z.output<typeof trackEventSchema>;

/** The body of `POST /events`. */
export const trackBatchSchema = z
  .object({ events: z.array(trackEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) })
  .strict()
  .openapi('TrackEvents');

/** What tracking a batch did. */
export const trackResultSchema = z
  .object({
    /** The new events' ids, in the order they were sent. */
    ids: z.array(z.uuid()),
    /** How many of them were linked to a customer (by id or email). */
    linked: z.number().int(),
  })
  .openapi('TrackedEvents');

const eventOutSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    user_id: z.uuid().nullable(),
    customer_id: z.uuid().nullable(),
    session_id: z.uuid().nullable(),
    name: z.string(),
    source: z.string().nullable(),
    ga_client_id: z.string().nullable(),
    utm_source: z.string().nullable(),
    utm_medium: z.string().nullable(),
    utm_campaign: z.string().nullable(),
    referrer: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    occurred_at: Timestamp,
    created_at: Timestamp,
  })
  .openapi('Event');

export const eventPageSchema = z
  .object({ items: z.array(eventOutSchema), nextCursor: z.string().nullable() })
  .openapi('EventPage');

/** Filters and page of `events.list`, newest `occurred_at` first. */
export const eventListQuerySchema = z.object({
  customerId: z.uuid().optional().openapi({ description: "One customer's events" }),
  name: z.string().trim().min(1).max(200).optional(),
  since: instant.optional().openapi({
    description: 'Only events that occurred at or after this time',
  }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});
export type EventListQuery = z.input<typeof eventListQuerySchema>;
