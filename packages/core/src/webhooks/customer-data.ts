/**
 * The webhooks module's customer data: raw provider payloads name customers (an email, a
 * phone, our ids in custom arguments). Not exported (the rows derived from them are);
 * erase redacts the payload and headers and keeps the row, so counts and the audit trail
 * still add up.
 */
import { sql } from 'kysely';
import {
  type CustomerDataTable,
  col,
  containing,
  inOrganization,
  REDACTED,
} from '../customer-data.js';
import { toJson } from '../db/values.js';

export const webhookCustomerData: CustomerDataTable[] = [
  {
    table: 'webhooks_inbound',
    via: "the raw payload naming the customer's id, email or phone",
    // A phone matches however the provider punctuates it; short numbers are skipped so as
    // not to match unrelated digits. A scan of the organization's webhooks: erase is rare.
    belongsTo: (alias, who) => {
      const needles = [containing(who.id)];
      if (who.email) needles.push(containing(who.email));
      const digits = who.phone?.replace(/\D/g, '') ?? '';
      if (digits.length >= 8) needles.push(containing(digits));
      const payload = sql`lower(${col(alias, 'payload')}::text)`;
      return inOrganization(
        alias,
        who,
        sql`(${sql.join(
          needles.map((n) => sql`${payload} LIKE ${n}`),
          sql` OR `,
        )})`,
      );
    },
    export: { omit: 'raw provider payloads; the rows derived from them are exported' },
    erase: {
      action: 'redact',
      set: () => ({ payload: toJson(REDACTED), headers: null, error: null }),
    },
    eraseStage: 10,
  },
];
