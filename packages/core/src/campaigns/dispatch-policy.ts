/**
 * The dispatcher's tuning and policy as the host configures it (`createGreenTrack({ dispatch })`),
 * validated at startup so a lease that cannot outlive a provider call is refused before any
 * message is at stake.
 */
import { z } from 'zod';
import type { DispatchOptions } from './dispatch.js';

/** Defaults of the two timings the schema compares (the dispatcher's own defaults). */
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_SEND_TIMEOUT_MS = 30_000;

export const dispatchPolicySchema = z
  .object({
    batchSize: z.number().int().min(1).max(10_000).optional(),
    batchesPerRun: z.number().int().min(1).max(1_000).optional(),
    leaseMs: z.number().int().min(100).optional(),
    sendTimeoutMs: z.number().int().min(1).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    resendUnknown: z.boolean().optional(),
    from: z
      .object({ email: z.string().min(3), name: z.string().optional() })
      .strict()
      .optional(),
    circuitBreaker: z
      .object({
        consecutiveFailures: z.number().int().min(1).max(1_000).optional(),
        coolDownMs: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  // A lease shorter than the provider call would let another worker recover a delivery whose
  // call is still running, turning a live send into an "unknown" (or, with resendUnknown, a
  // duplicate).
  .refine((p) => (p.leaseMs ?? DEFAULT_LEASE_MS) > (p.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS), {
    message: 'leaseMs must be longer than sendTimeoutMs',
    path: ['leaseMs'],
  }) satisfies z.ZodType<DispatchOptions>;
