/**
 * SendGrid's v3 Mail Send API as the local server plays it, answering as its API reference
 * documents: `202 Accepted` with an empty body and `X-Message-Id`; errors as
 * `{ "errors": [{ "message", "field", "help" }] }` — 401 without a Bearer key, 400 for a
 * body that breaks the documented shape (checked here, so every test asserts the wire format
 * the SDK produced). The API key the server accepts is {@link SENDGRID_TEST_KEY}.
 */
import { randomBytes } from 'node:crypto';
import type { LocalResponse, RecordedRequest } from './local-server.js';

export const SENDGRID_TEST_KEY = 'SG.greentrack-test.key';

/**
 * A body of SendGrid's error shape. `field` is left out when there is none: the live API
 * sends `null`, but the official OpenAPI types it as a string (OpenAPI 3.0's `nullable` in a
 * 3.1 document); the adapter reads both.
 */
export function sendgridErrors(...errors: Array<{ message: string; field?: string }>) {
  return {
    errors: errors.map((e) =>
      e.field === undefined ? { message: e.message } : { field: e.field, message: e.message },
    ),
  };
}

/** What SendGrid would say about the request's form, or undefined when it is well formed. */
function problem(request: RecordedRequest): LocalResponse | undefined {
  if (request.method !== 'POST' || request.url !== '/v3/mail/send') {
    return { status: 404, body: sendgridErrors({ message: 'not found' }) };
  }
  if (request.headers.authorization !== `Bearer ${SENDGRID_TEST_KEY}`) {
    return { status: 401, body: sendgridErrors({ message: 'authorization required' }) };
  }
  const body = request.json as Record<string, unknown> | undefined;
  const personalizations = body?.personalizations;
  if (
    !Array.isArray(personalizations) ||
    personalizations.length < 1 ||
    personalizations.length > 1000
  ) {
    return {
      status: 400,
      body: sendgridErrors({
        message:
          'The personalizations field is required and must have at least one personalization.',
        field: 'personalizations',
      }),
    };
  }
  const from = body?.from as { email?: unknown } | undefined;
  if (typeof from?.email !== 'string' || !from.email.includes('@')) {
    return {
      status: 400,
      body: sendgridErrors({
        message: 'The from object must be provided for every email send.',
        field: 'from',
      }),
    };
  }
  for (const [p, personalization] of personalizations.entries()) {
    const to = (personalization as { to?: Array<{ email?: unknown }> }).to;
    for (const [t, recipient] of (to ?? []).entries()) {
      if (
        typeof recipient.email !== 'string' ||
        !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(recipient.email)
      ) {
        return {
          status: 400,
          body: sendgridErrors({
            message: 'Does not contain a valid address.',
            field: `personalizations.${p}.to.${t}.email`,
          }),
        };
      }
    }
  }
  const content = body?.content;
  if (
    !Array.isArray(content) ||
    content.some((c: { value?: unknown }) => typeof c.value !== 'string' || c.value === '')
  ) {
    return {
      status: 400,
      body: sendgridErrors({
        message: 'The content value must be a string at least one character in length.',
        field: 'content.0.value',
      }),
    };
  }
  return undefined;
}

/** A new id in the shape SendGrid uses for `X-Message-Id`. */
export function sendgridMessageId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/** Answers a request as SendGrid: an error for a malformed one, else 202 with an id (200 without one in sandbox mode). */
export function sendgridAnswer(request: RecordedRequest): LocalResponse {
  const refused = problem(request);
  if (refused) return refused;
  const sandbox = (request.json as { mail_settings?: { sandbox_mode?: { enable?: boolean } } })
    .mail_settings?.sandbox_mode?.enable;
  if (sandbox === true) return { status: 200 };
  return { status: 202, headers: { 'x-message-id': sendgridMessageId() } };
}

/** Our message id, read back from a recorded request's `custom_args`. */
export function sendgridMessageIdOf(request: RecordedRequest): string | undefined {
  const body = request.json as
    | { personalizations?: Array<{ custom_args?: Record<string, unknown> }> }
    | undefined;
  const id = body?.personalizations?.[0]?.custom_args?.gt_message_id;
  return typeof id === 'string' ? id : undefined;
}
