/**
 * Provider failover for the dispatcher: which providers a run may send through, in which
 * order, and one chunk's call along that order through each provider's circuit breaker.
 *
 * The rule that keeps a message to ONE provider: a chunk moves to the next provider only
 * when nothing of it can have been sent — the call was refused by an open breaker, or it
 * failed with a `ProviderError` whose outcome is `not_sent`. Before the next provider is
 * called, the move is written to `messages.provider` (fenced by the hand-off's lease), so a
 * worker killed during that call leaves a ledger that names the provider the message may
 * have reached. A timeout or an `unknown` outcome never moves: the message stays with the
 * provider that may have accepted it (resent there if idempotent, else held).
 */
import { TimeoutStrategy, timeout } from 'cockatiel';
import type { Clock } from '../clock.js';
import type { Emit } from '../events.js';
import type { RenderedMessage } from '../providers/message-render.js';
import type {
  EmailMessage,
  EmailProvider,
  SendResult,
  SmsMessage,
  SmsProvider,
} from '../providers/messaging.js';
import { ProviderError } from '../providers/messaging.js';
import { type BreakerOptions, providerBreaker } from './provider-breakers.js';

/** A provider of either channel. */
export type ChannelProvider = EmailProvider | SmsProvider;

/**
 * The providers a run tries, in order: the organization's chosen ids (those still
 * configured), else the host's order. An organization whose choice names none of the
 * configured providers gets the host's order rather than a campaign that can never send.
 */
export function providerChain(
  configured: readonly ChannelProvider[],
  organizationOrder: readonly string[] | null | undefined,
): readonly ChannelProvider[] {
  if (!organizationOrder || organizationOrder.length === 0) return configured;
  const chosen = organizationOrder.flatMap((id) => configured.filter((p) => p.id === id));
  return chosen.length > 0 ? chosen : configured;
}

/** One recipient of a chunk: who, and what was rendered for them. */
export interface ChunkItem {
  messageId: string;
  address: string;
  name: string;
  rendered: RenderedMessage;
}

/** What a chunk's call along its chain came to. */
export type ChunkOutcome =
  /** The provider answered: one entry per item, `'unknown'` where it named none. */
  | { provider: ChannelProvider; results: Array<SendResult | 'unknown'> }
  /** The call may have reached `provider`: the outcome of every item is unknown. */
  | { provider: ChannelProvider; unknown: true }
  /** Nothing was sent: every provider refused or was unavailable; `error` is the last refusal. */
  | { provider: ChannelProvider; notSent: ProviderError | null };

/** What sending a chunk needs from the dispatcher. */
export interface ChunkSend {
  /** Whose send this is; a message of no campaign (an invoice) has no campaign or run. */
  run: { organizationId: string; campaignId?: string; runId?: string; channel: 'email' | 'sms' };
  clock: Clock;
  emit: Emit;
  breaker: BreakerOptions;
  sendTimeoutMs: number;
  from: { email: string; name?: string };
  /**
   * Records that the chunk moves to `provider` before it is called; false when the
   * dispatcher no longer holds the chunk's deliveries (then nothing more is sent).
   */
  moveTo(provider: ChannelProvider): Promise<boolean>;
  /** Waits for `provider`'s rate allowance of `messages`. */
  pace(provider: ChannelProvider, messages: number): Promise<void>;
}

/**
 * Sends `items` through the first provider of `chain` that takes them. `chain[0]` is the
 * provider the hand-off recorded; a pinned message's chain is its provider alone.
 */
export async function sendChunk(
  chain: readonly ChannelProvider[],
  items: readonly ChunkItem[],
  options: ChunkSend,
): Promise<ChunkOutcome> {
  const [first] = chain;
  if (!first) throw new Error('sendChunk: empty provider chain');
  let refusal: ProviderError | null = null;
  let last: ChannelProvider = first;
  for (const [index, provider] of chain.entries()) {
    const breaker = providerBreaker(provider, options.clock, options.breaker);
    if (index > 0) {
      if (!breaker.admits()) continue;
      if (!(await options.moveTo(provider))) return { provider: last, notSent: refusal };
      await options.pace(provider, items.length);
    }
    last = provider;
    const { result, transition } = await breaker.call(() => callProvider(provider, items, options));
    if (transition !== null) report(transition, provider, chain.slice(index + 1), options);
    if (result.status === 'done') {
      const byId = new Map(result.value.map((r) => [r.messageId, r]));
      return { provider, results: items.map((i) => byId.get(i.messageId) ?? 'unknown') };
    }
    if (result.status === 'failed') {
      const { error } = result;
      // Only a refusal that sent nothing may move on; anything else may have been accepted.
      if (!(error instanceof ProviderError && error.outcome === 'not_sent'))
        return { provider, unknown: true };
      refusal = error;
    }
  }
  return { provider: last, notSent: refusal };
}

/** `provider.failover` when a breaker opens, `provider.recovered` when a probe closes it. */
function report(
  transition: 'opened' | 'recovered',
  provider: ChannelProvider,
  rest: readonly ChannelProvider[],
  options: ChunkSend,
): void {
  const common = {
    channel: options.run.channel,
    providerId: provider.id,
    organizationId: options.run.organizationId,
  };
  if (transition === 'recovered') {
    options.emit('provider.recovered', common);
    return;
  }
  const breaker = providerBreaker(provider, options.clock, options.breaker);
  const next = rest.find((p) => providerBreaker(p, options.clock, options.breaker).admits());
  options.emit('provider.failover', {
    ...common,
    nextProviderId: next?.id ?? null,
    probeAt: breaker.probeAt() ?? options.clock.now(),
  });
}

/** One provider call under the send timeout; throws what the provider threw. */
function callProvider(
  provider: ChannelProvider,
  items: readonly ChunkItem[],
  options: ChunkSend,
): Promise<SendResult[]> {
  const { run } = options;
  return timeout(options.sendTimeoutMs, TimeoutStrategy.Cooperative).execute(({ signal }) => {
    const context = {
      organizationId: run.organizationId,
      ...(run.campaignId === undefined ? {} : { campaignId: run.campaignId }),
      ...(run.runId === undefined ? {} : { campaignRunId: run.runId }),
      signal,
    };
    if (provider.channel === 'email') {
      const messages: EmailMessage[] = items.map(({ messageId, address, name, rendered }) => ({
        messageId,
        to: { email: address, name },
        from: options.from,
        subject: rendered.channel === 'email' ? rendered.subject : '',
        html: rendered.channel === 'email' ? rendered.html : '',
        text: rendered.text,
        headers: rendered.headers ?? {},
      }));
      return provider.send(messages, context);
    }
    const messages: SmsMessage[] = items.map(({ messageId, address, rendered }) => ({
      messageId,
      to: address,
      body: rendered.text,
      headers: rendered.headers ?? {},
    }));
    return provider.send(messages, context);
  });
}
