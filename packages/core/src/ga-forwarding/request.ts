/**
 * From conversions to Measurement Protocol requests, without I/O: which GA event a
 * conversion becomes (or why it is skipped), and how events are packed into requests.
 *
 * - Revenue > 0 → `purchase` with `transaction_id` = the conversion's event id, so GA drops a
 *   purchase that a retry sends twice; revenue < 0 (a refund) → `refund` of the transaction
 *   it reverses. Money is in major units (`value` = cents / 100) with the ISO currency.
 * - The campaign's UTM values go in the event's `source` / `medium` / `campaign` params
 *   (the Measurement Protocol's campaign parameters).
 * - One request holds events of ONE client id, at most `maxEvents` of them, each with its
 *   own `timestamp_micros`.
 */
import type { MeasurementEvent, MeasurementRequest } from '../providers/analytics.js';

/** How far back GA accepts an event's timestamp. */
export const GA_MAX_AGE_MS = 72 * 60 * 60 * 1000;

/** Why a conversion is not sent (`ga_conversion_forwards.reason`). */
export const GaSkipReason = {
  /** No GA client id is known for the customer or on the event. */
  NO_CLIENT_ID: 'NO_CLIENT_ID',
  /** Zero revenue: nothing to report as a purchase. */
  NO_REVENUE: 'NO_REVENUE',
  /** The event has no `currency` property, and GA needs one with a value. */
  NO_CURRENCY: 'NO_CURRENCY',
  /** More than 72 hours old before it could be sent: GA would drop it. */
  TOO_OLD: 'TOO_OLD',
  /** No longer a conversion (its configured name was removed from the settings). */
  NOT_A_CONVERSION: 'NOT_A_CONVERSION',
} as const;

export type GaSkipReason = (typeof GaSkipReason)[keyof typeof GaSkipReason];

/** A conversion with what the pass found for it in the database. */
export interface ResolvedConversion {
  event_id: string;
  occurred_at: Date;
  revenue_cents: number;
  /** A refund: the payment's event, whose transaction it takes back. */
  reverses_event_id: string | null;
  /** `events.properties.currency`, as written. */
  currency: string | null;
  client_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}

/** One conversion as a GA event, or why it is skipped. */
export type GaEventPlan =
  | { event_id: string; client_id: string; event: MeasurementEvent }
  | { event_id: string; skip: GaSkipReason };

/** Major units from integer cents, exactly (no float drift: 1999 → 19.99). */
function majorUnits(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/** The GA event of one conversion at `now`, or why it is skipped. */
export function planEvent(conversion: ResolvedConversion, now: Date): GaEventPlan {
  const { event_id } = conversion;
  if (now.getTime() - conversion.occurred_at.getTime() > GA_MAX_AGE_MS)
    return { event_id, skip: GaSkipReason.TOO_OLD };
  if (conversion.revenue_cents === 0) return { event_id, skip: GaSkipReason.NO_REVENUE };
  const currency = conversion.currency?.trim().toUpperCase() ?? '';
  if (!/^[A-Z]{3}$/.test(currency)) return { event_id, skip: GaSkipReason.NO_CURRENCY };
  const client_id = conversion.client_id?.trim() ?? '';
  if (client_id === '') return { event_id, skip: GaSkipReason.NO_CLIENT_ID };
  const refund = conversion.revenue_cents < 0;
  const params: MeasurementEvent['params'] = {
    transaction_id: refund ? (conversion.reverses_event_id ?? event_id) : event_id,
    value: majorUnits(Math.abs(conversion.revenue_cents)),
    currency,
  };
  // GA caps parameter values at 100 characters.
  if (conversion.utm_source) params.source = conversion.utm_source.slice(0, 100);
  if (conversion.utm_medium) params.medium = conversion.utm_medium.slice(0, 100);
  if (conversion.utm_campaign) params.campaign = conversion.utm_campaign.slice(0, 100);
  return {
    event_id,
    client_id,
    event: {
      name: refund ? 'refund' : 'purchase',
      params,
      timestamp_micros: conversion.occurred_at.getTime() * 1000,
    },
  };
}

/** A request and the conversions (event ids) it carries, in order. */
export interface PlannedRequest {
  request: MeasurementRequest;
  eventIds: string[];
}

/** Packs the sendable events into requests: grouped by client id, `maxEvents` at most each. */
export function packRequests(
  plans: readonly Extract<GaEventPlan, { client_id: string }>[],
  maxEvents: number,
): PlannedRequest[] {
  const byClient = new Map<string, Extract<GaEventPlan, { client_id: string }>[]>();
  for (const plan of plans) {
    const list = byClient.get(plan.client_id) ?? [];
    list.push(plan);
    byClient.set(plan.client_id, list);
  }
  const requests: PlannedRequest[] = [];
  for (const [client_id, list] of byClient) {
    for (let start = 0; start < list.length; start += maxEvents) {
      const chunk = list.slice(start, start + maxEvents);
      requests.push({
        request: { client_id, events: chunk.map((p) => p.event) },
        eventIds: chunk.map((p) => p.event_id),
      });
    }
  }
  return requests;
}
