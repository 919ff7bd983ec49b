import { WebhookSignatureError } from '@greentrack/core';

/** Ends a `verify`: core answers 401, stores nothing and counts `reason` for the account. */
export function refuse(reason: string, message: string): never {
  throw new WebhookSignatureError(reason, message);
}
