/**
 * Postmark's batch endpoint as the local server plays it, answering as its API reference
 * documents: `POST /email/batch` with `X-Postmark-Server-Token`, a JSON array of at most 500
 * messages; `200` with one entry per message, in order (`ErrorCode` 0 and a `MessageID`, or
 * the message's own error code); `401` `{ ErrorCode: 10 }` for a bad token, `422` for a
 * malformed batch. Addresses in `inactive` answer 406 as an inactive recipient does.
 */
import { randomUUID } from 'node:crypto';
import type { LocalResponse, RecordedRequest } from './local-server.js';

export const POSTMARK_TEST_TOKEN = 'pm-greentrack-test-token';

interface BatchEntry {
  To?: unknown;
  From?: unknown;
  Subject?: unknown;
  HtmlBody?: unknown;
  TextBody?: unknown;
  Metadata?: Record<string, unknown>;
}

/** The address in `"Name" <email>` or a bare email. */
function emailIn(value: string): string {
  return /<([^>]*)>\s*$/.exec(value)?.[1] ?? value;
}

function answerEntry(entry: BatchEntry, inactive: ReadonlySet<string>): Record<string, unknown> {
  if (typeof entry.To !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(emailIn(entry.To))) {
    return {
      ErrorCode: 300,
      Message: `Error parsing 'To': Illegal email address '${String(entry.To)}'. It must contain the '@' symbol.`,
    };
  }
  if (typeof entry.From !== 'string' || entry.From === '') {
    return { ErrorCode: 300, Message: "Invalid 'From' address: ''." };
  }
  if (typeof entry.HtmlBody !== 'string' && typeof entry.TextBody !== 'string') {
    return { ErrorCode: 300, Message: 'Provide either email TextBody or HtmlBody or both.' };
  }
  const to = emailIn(entry.To);
  if (inactive.has(to)) {
    return {
      ErrorCode: 406,
      Message: `You tried to send to a recipient that has been marked as inactive. Found inactive addresses: ${to}. Inactive recipients are ones that have generated a hard bounce or a spam complaint.`,
    };
  }
  return {
    ErrorCode: 0,
    Message: 'OK',
    MessageID: randomUUID(),
    SubmittedAt: new Date().toISOString(),
    To: entry.To,
  };
}

/** Answers a request as Postmark. */
export function postmarkAnswer(
  request: RecordedRequest,
  inactive: ReadonlySet<string> = new Set(),
): LocalResponse {
  if (request.headers['x-postmark-server-token'] !== POSTMARK_TEST_TOKEN) {
    return { status: 401, body: { ErrorCode: 10, Message: 'Bad or missing Server API token.' } };
  }
  if (request.method !== 'POST' || request.url !== '/email/batch') {
    return { status: 404, body: { ErrorCode: 0, Message: 'Not found' } };
  }
  if (!Array.isArray(request.json)) {
    return { status: 422, body: { ErrorCode: 402, Message: 'Received invalid JSON input.' } };
  }
  if (request.json.length > 500) {
    return {
      status: 422,
      body: {
        ErrorCode: 410,
        Message: 'Too many batch messages. You can send up to 500 messages per request.',
      },
    };
  }
  return {
    status: 200,
    body: (request.json as BatchEntry[]).map((entry) => answerEntry(entry, inactive)),
  };
}

/** Our message ids, read back from a recorded batch's `Metadata`, in order. */
export function postmarkMessageIdsOf(request: RecordedRequest): string[] {
  if (!Array.isArray(request.json)) return [];
  return (request.json as BatchEntry[]).flatMap((entry) => {
    const id = entry.Metadata?.gt_message_id;
    return typeof id === 'string' ? [id] : [];
  });
}
