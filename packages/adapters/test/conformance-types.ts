/**
 * The shared provider conformance interface (issue 11, item 7), as fixed for the adapter
 * engineers. The suite itself lands as `test/provider-conformance.ts`, which exports these
 * same types: on merge, import them from there and delete this file.
 */
import type { EmailProvider, SmsProvider } from '@greentrack/core';

export type Fault =
  | 'transient' // provider answers its 5xx / 503 for the whole call
  | 'rate_limited' // provider answers 429 with Retry-After: 2
  | 'permanent' // provider rejects the recipient (its per-recipient 4xx / error code)
  | 'accept_then_timeout'; // provider accepts (records the send) but the answer never comes in time

export interface ConformanceRig<P extends EmailProvider | SmsProvider> {
  /** Pointed at the local server; per-call timeout short (≤ 500 ms) for accept_then_timeout. */
  provider: P;
  /** The next `count` (default 1) provider calls fail so. */
  failNext(fault: Fault, count?: number): void;
  /** Our messageIds the local server accepted for delivery, with repeats, in order. */
  accepted(): string[];
  close(): Promise<void>;
}

export interface ConformanceTarget<P extends EmailProvider | SmsProvider> {
  name: string;
  channel: P['channel'];
  start(): Promise<ConformanceRig<P>>;
}
