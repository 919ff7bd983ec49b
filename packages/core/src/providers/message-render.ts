/**
 * The contract between whoever sends campaign messages (the dispatcher, a person's resend)
 * and the renderer the instance was built with (templates + tracking links in production).
 * A kit: the senders and the renderer live in different modules, and `ModuleDeps` carries
 * the instance's renderer to them.
 */

/** A template as a sender hands it to the renderer. */
export interface MessageTemplate {
  id: string;
  channel: 'email' | 'sms';
  subject: string | null;
  content: string;
  metadata: unknown;
}

/**
 * A recipient's customer row as senders read it (JSON: timestamps are ISO strings; no
 * embedding).
 */
export interface MessageCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  [column: string]: unknown;
}

/** One line of an invoice; amounts in major units as decimal text, quantity without trailing zeros. */
export interface MessageInvoiceItem {
  name: string;
  description: string | null;
  quantity: string;
  unit_price: string;
  total: string;
}

/**
 * The invoice a message is about, as a template reads it (`invoice.*`); amounts in major
 * units as decimal text (`"1234.50"`).
 */
export interface MessageInvoice {
  id: string;
  /** The invoice number as ZeroInvoice shows it (`external_invoice_id`). */
  number: string;
  status: string | null;
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  amount_due: string | null;
  /** `YYYY-MM-DD`. */
  due_date: string | null;
  /** The Stripe payment link, when the invoice has one. */
  payment_url: string | null;
  items: MessageInvoiceItem[];
}

/** One recipient's rendered message, as it will be sent. */
export type RenderedMessage = (
  | { channel: 'email'; subject: string; html: string; text: string }
  | { channel: 'sms'; text: string }
) & {
  /** Headers for the provider (`List-Unsubscribe`…). @default {} */
  headers?: Record<string, string>;
};

/**
 * Renders a template for one customer (the templates module's renderer, decorated by the
 * tracking module, in production). `messageId` is the id the message will be stored and
 * sent under, so its links can be signed for it.
 */
export type RenderMessage = (input: {
  template: MessageTemplate;
  customer: MessageCustomer;
  organization: { id: string; name: string };
  messageId: string;
  utm: { source: string | null; medium: string | null; campaign: string | null };
  /** The invoice the message is about (an invoice, an overdue reminder). @default null */
  invoice?: MessageInvoice | null;
}) => Promise<RenderedMessage>;
