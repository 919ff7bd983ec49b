/**
 * The customers module's part of `gt.as(actor)`: CRUD and search. Other modules add more
 * methods under `customers` (import, timeline, export, erase).
 */
import type { FacadeContext } from '../module.js';
import type { CustomerCreate, CustomerListQuery, CustomerUpdate } from './schema.js';
import {
  type Customer,
  type CustomerPage,
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  listTags,
  updateCustomer,
} from './service.js';

/** The customers module's actions; `customer.read` is also bound by the timeline. */
export const customerPermissions = {
  'customer.read': 'staff',
  'customer.write': 'staff',
  'customer.delete': 'admin',
  'tag.read': 'staff',
} as const;
export type CustomerAction = keyof typeof customerPermissions;

export interface CustomersFacade {
  customers: {
    /**
     * One page of customers (staff+): full-text `q`, tags, type, city, country and stored
     * consent (`email:subscribed`, `sms:none`, …) filters; sorted by `created_at`,
     * `updated_at`, `name` or `country`; keyset cursor in `nextCursor`. Each item carries its
     * stored consent per channel (`consent.email`, `consent.sms`; `null` when none).
     * @example await org.customers.list({ q: 'ana', tags: ['vip'], consent: 'email:subscribed', sort: 'country', limit: 50 })
     */
    list(query?: CustomerListQuery): Promise<CustomerPage>;
    /** One customer (staff+). @throws `CUSTOMER_NOT_FOUND` */
    get(customerId: string): Promise<Customer>;
    /**
     * Creates a customer (staff+): email validated and lower-cased, phone normalized to
     * E.164, tags mirrored. Audited; emits `customer.created`.
     */
    create(input: CustomerCreate): Promise<Customer>;
    /** Updates some fields (staff+): `null` clears, `tags` replaces the set. */
    update(customerId: string, input: CustomerUpdate): Promise<Customer>;
    /**
     * Deletes a customer without history (admin+). @throws `CUSTOMER_HAS_HISTORY` — use
     * `erase` for one with messages, events or attributions.
     */
    remove(customerId: string): Promise<void>;
  };
  tags: {
    /**
     * The tags customers carry, most used first, with their counts (staff+; at most 500).
     * @example await org.tags.list() // [{ name: 'vip', customers: 42 }]
     */
    list(): Promise<Array<{ name: string; customers: number }>>;
  };
}

export function customersFacade({ on }: FacadeContext<CustomerAction>): CustomersFacade {
  return {
    customers: {
      list: on('customer.read', (scope, query?: CustomerListQuery) => listCustomers(scope, query)),
      get: on('customer.read', getCustomer),
      create: on('customer.write', (scope, input: CustomerCreate) => createCustomer(scope, input)),
      update: on('customer.write', (scope, id: string, input: CustomerUpdate) =>
        updateCustomer(scope, id, input),
      ),
      remove: on('customer.delete', deleteCustomer),
    },
    tags: { list: on('tag.read', listTags) },
  };
}
