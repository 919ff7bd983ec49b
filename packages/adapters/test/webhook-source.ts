/** Helpers for tests of a `WebhookSource` on its own (before any route). */
import {
  type MessageEventEffect,
  type StoredWebhook,
  WebhookSignatureError,
  type WebhookSource,
} from '@greentrack/core';

/** The message events among a stored payload's effects (all of them, for an email source). */
export function messageEvents(source: WebhookSource, webhook: StoredWebhook): MessageEventEffect[] {
  return source
    .interpret(webhook)
    .filter((e): e is MessageEventEffect => e.kind === 'message.event');
}

/** `accepted`, or the `reason` of the `WebhookSignatureError` that `run` threw. */
export function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
  return 'accepted';
}
