/**
 * The analytics module's part of `gt.as(actor)`: recording and reading analytics events.
 */
import type { FacadeContext } from '../module.js';
import { type EventPage, listEvents } from './list.js';
import type { EventListQuery, TrackEvent } from './schema.js';
import { type TrackResult, trackEvents } from './track.js';

export const analyticsPermissions = {
  /** Reading events (the timeline reads them under `customer.read`). */
  'event.read': 'staff',
  /**
   * Recording events. The browser helper posts with a widget token, which must name this
   * scope: mint one with `scopes: ['event.track']` so the page can record and do nothing else.
   */
  'event.track': 'staff',
} as const;
type AnalyticsAction = keyof typeof analyticsPermissions;

export interface AnalyticsFacade {
  events: {
    /**
     * Records one event or a batch of up to 1,000, all or nothing (staff+, `event.track`).
     * `customer_id` must be the organization's; `email` links the customer with that
     * email, or leaves the event anonymous. Events with a `ga_client_id` update
     * `ga_sessions` (first/last seen, customer) in the same transaction.
     * @throws `VALIDATION_FAILED` (naming each bad event by index), `CUSTOMER_NOT_FOUND`
     * @example
     * await org.events.track({ name: 'booking_request', occurred_at: new Date().toISOString(),
     *   email: 'ana@example.com', properties: { service: 'haircut' } });
     */
    track(events: TrackEvent | readonly TrackEvent[]): Promise<TrackResult>;
    /**
     * One page of events, newest first (staff+); by customer, name, and `since`.
     * @example await org.events.list({ customerId, name: 'booking_request' })
     */
    list(query?: EventListQuery): Promise<EventPage>;
  };
}

export function analyticsFacade({ on }: FacadeContext<AnalyticsAction>): AnalyticsFacade {
  return {
    events: {
      track: on('event.track', (scope, events: TrackEvent | readonly TrackEvent[]) =>
        trackEvents(scope, events),
      ),
      list: on('event.read', (scope, query?: EventListQuery) => listEvents(scope, query)),
    },
  };
}
