/**
 * The timeline module's part of `gt.as(actor)`: `customers.timeline`.
 */
import type { CustomerAction } from '../customers/index.js';
import type { FacadeContext } from '../module.js';
import type { TimelineQuery } from './schema.js';
import { getCustomerTimeline, type TimelinePage } from './service.js';

export interface TimelineFacade {
  customers: {
    /**
     * One customer's history — messages, message events, events, invoices, payments and
     * attributions — newest first, keyset-paginated (staff+). @throws `CUSTOMER_NOT_FOUND`
     */
    timeline(customerId: string, query?: TimelineQuery): Promise<TimelinePage>;
  };
}

export function timelineFacade({ on, deps }: FacadeContext<CustomerAction>): TimelineFacade {
  return {
    customers: {
      timeline: on('customer.read', (scope, id: string, query?: TimelineQuery) =>
        getCustomerTimeline(scope, deps.customerData, id, query),
      ),
    },
  };
}
