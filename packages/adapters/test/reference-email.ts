/**
 * A tiny reference HTTP email adapter and its conformance rig. It exists to prove the
 * conformance suite: the well-behaved adapter passes it, and each `Flaw` (a mistake real
 * adapters make) must make one named check fail.
 *
 * Wire format (ours, minimal): `POST /v1/send` with `{ messages: [{ id, to, from, subject,
 * html, text, headers }] }`; `200 { results: [{ id, status: 'queued', provider_id } |
 * { id, status: 'rejected', code, error }] }` in request order; `429` with `Retry-After`;
 * `503` when down. An idempotent server answers a repeated id with its first `provider_id`.
 */
import {
  type EmailMessage,
  type EmailProvider,
  ProviderError,
  retryAfterMs,
  type SendResult,
} from '@greentrack/core';
import { type LocalResponse, type RecordedRequest, startLocalServer } from './local-server.js';
import type { ConformanceRig, ConformanceTarget, Fault } from './provider-conformance.js';

/** Mistakes the suite must catch, one per check. */
export interface Flaws {
  /** Retries a 5xx inside `send` (fails `transient`: the dispatcher owns retries). */
  retriesOn5xx?: boolean;
  /** Leaves our message id out of the request (fails `order`: ids must round-trip). */
  dropsMessageId?: boolean;
  /** Answers results in reverse order (fails `order`). */
  reversesResults?: boolean;
  /** Sends the first `maxBatch` of a larger batch and drops the rest (fails `over-batch`). */
  truncatesOverBatch?: boolean;
  /** Calls a 429 `unknown` (fails `rate_limited`: it would hold the batch for review). */
  rateLimitUnknown?: boolean;
  /** Calls a rejected recipient transient (fails `permanent`). */
  rejectionTransient?: boolean;
  /** Calls its own timeout `not_sent` (fails `accept_then_timeout`: a resend would duplicate). */
  timeoutNotSent?: boolean;
  /** Claims `idempotent` though its server records every call (fails `accept_then_timeout`). */
  claimsIdempotent?: boolean;
}

interface WireResult {
  id: string | null;
  status: 'queued' | 'rejected';
  provider_id?: string;
  code?: string;
  error?: string;
}

/** The reference adapter. `idempotent` says whether its server deduplicates by id. */
function referenceEmailProvider(options: {
  url: string;
  timeoutMs: number;
  maxBatch: number;
  idempotent: boolean;
  flaws: Flaws;
}): EmailProvider {
  const { flaws } = options;
  const post = async (messages: readonly EmailMessage[], signal?: AbortSignal) => {
    try {
      return await fetch(`${options.url}/v1/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: messages.map((m) => ({
            id: flaws.dropsMessageId ? null : m.messageId,
            to: m.to.email,
            from: m.from.email,
            subject: m.subject,
            html: m.html,
            text: m.text,
            headers: m.headers,
          })),
        }),
        signal: AbortSignal.any([
          AbortSignal.timeout(options.timeoutMs),
          ...(signal ? [signal] : []),
        ]),
      });
    } catch (cause) {
      // The body may have reached the server: nobody knows whether it was sent.
      throw new ProviderError({
        message: 'reference: no answer in time',
        kind: 'transient',
        outcome: flaws.timeoutNotSent ? 'not_sent' : 'unknown',
        code: 'TIMEOUT',
        cause,
      });
    }
  };
  return {
    id: 'reference',
    channel: 'email',
    capabilities: {
      maxBatch: options.maxBatch,
      idempotent: options.idempotent || flaws.claimsIdempotent === true,
      ratePerSecond: 100,
    },
    send: async (all, context) => {
      if (all.length > options.maxBatch && !flaws.truncatesOverBatch)
        throw new ProviderError({
          message: `reference: ${all.length} messages, at most ${options.maxBatch} per call`,
          kind: 'permanent',
          outcome: 'not_sent',
          code: 'BATCH_TOO_LARGE',
        });
      const messages = all.slice(0, options.maxBatch);
      let response = await post(messages, context.signal);
      if (response.status >= 500 && flaws.retriesOn5xx)
        response = await post(messages, context.signal);
      if (response.status === 429)
        throw new ProviderError({
          message: 'reference: rate limited',
          kind: 'transient',
          outcome: flaws.rateLimitUnknown ? 'unknown' : 'not_sent',
          code: '429',
          retryAfterMs: retryAfterMs(response.headers.get('retry-after'), new Date()),
        });
      if (!response.ok)
        throw new ProviderError({
          message: `reference: HTTP ${response.status}`,
          kind: 'transient',
          outcome: 'not_sent',
          code: String(response.status),
        });
      const { results } = (await response.json()) as { results: WireResult[] };
      const mapped = results.map((r, i): SendResult => {
        const messageId = messages[i]?.messageId ?? '';
        if (r.status === 'queued')
          return { messageId, status: 'sent', providerMessageId: r.provider_id ?? null };
        return {
          messageId,
          status: 'failed',
          failure: {
            kind: flaws.rejectionTransient ? 'transient' : 'permanent',
            code: r.code ?? 'rejected',
            message: r.error ?? 'rejected',
          },
        };
      });
      return flaws.reversesResults ? mapped.reverse() : mapped;
    },
  };
}

/** The reference provider's server: records what it accepts, fails on demand. */
async function startReferenceRig(
  idempotent: boolean,
  flaws: Flaws,
): Promise<ConformanceRig<EmailProvider>> {
  const faults: Fault[] = [];
  const accepted: string[] = [];
  const firstId = new Map<string, string>();
  let counter = 0;
  const accept = (request: RecordedRequest): WireResult[] =>
    (request.json as { messages: { id: string | null }[] }).messages.map(({ id }) => {
      const earlier = id !== null && idempotent ? firstId.get(id) : undefined;
      if (earlier) return { id, status: 'queued', provider_id: earlier };
      const providerId = `ref-${++counter}`;
      if (id !== null) firstId.set(id, providerId);
      accepted.push(id ?? providerId);
      return { id, status: 'queued', provider_id: providerId };
    });
  const server = await startLocalServer(async (request): Promise<LocalResponse> => {
    const fault = faults.shift();
    if (fault === 'transient') return { status: 503, body: { error: 'service unavailable' } };
    if (fault === 'rate_limited')
      return { status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } };
    const ids = (request.json as { messages: { id: string | null }[] }).messages.map((m) => m.id);
    if (fault === 'permanent')
      return {
        status: 200,
        body: {
          results: ids.map((id) => ({
            id,
            status: 'rejected',
            code: 'invalid_recipient',
            error: 'Recipient address rejected',
          })),
        },
      };
    const results = accept(request);
    // Accepted and recorded, but the answer comes after the adapter stopped waiting.
    if (fault === 'accept_then_timeout') await new Promise((done) => setTimeout(done, 1500));
    return { status: 200, body: { results } };
  });
  return {
    provider: referenceEmailProvider({
      url: server.url,
      timeoutMs: 300,
      maxBatch: 50,
      idempotent,
      flaws,
    }),
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    accepted: () => [...accepted],
    close: () => server.close(),
  };
}

/** The reference adapter as a conformance target; `flaws` break it on purpose. */
export function referenceTarget(options: {
  idempotent: boolean;
  flaws?: Flaws;
}): ConformanceTarget<EmailProvider> {
  return {
    name: `reference email (${options.idempotent ? 'idempotent' : 'not idempotent'})`,
    channel: 'email',
    start: () => startReferenceRig(options.idempotent, options.flaws ?? {}),
  };
}
