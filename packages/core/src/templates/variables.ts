/**
 * The variables a template may use, declared once: the TypeScript types of the render
 * context, and the tree the save-time check walks. A template referring to anything outside
 * this set is refused when it is saved (`TEMPLATE_INVALID` with the line and column), not
 * when the campaign sends it.
 *
 * | variable | value |
 * |---|---|
 * | `customer.id`, `customer.name`, `customer.first_name`, `customer.type` | the recipient (`first_name`: the name's first word) |
 * | `customer.email`, `customer.phone` | contact fields (may be empty) |
 * | `customer.address_line1`, `customer.address_line2`, `customer.city`, `customer.state`, `customer.postal_code`, `customer.country` | postal address (may be empty) |
 * | `customer.tags` | list of tag names (`{% for tag in customer.tags %}`, `customer.tags.size`) |
 * | `organization.id`, `organization.name` | the sending organization |
 * | `urls.unsubscribe`, `urls.preferences` | the recipient's links, signed per message by the dispatcher |
 * | `invoice.id`, `invoice.number`, `invoice.status`, `invoice.currency`, `invoice.due_date`, `invoice.payment_url` | the invoice a message is about, when there is one |
 * | `invoice.subtotal`, `invoice.tax`, `invoice.total`, `invoice.amount_due` | amounts in major units with the currency's decimals, e.g. `"1234.50"` |
 * | `invoice.items` | list of `{ name, description, quantity, unit_price, total }` |
 *
 * Lists also answer Liquid's `size`, `first` and `last`; text answers `size`.
 * `invoice` is only present for messages about an invoice: guard with
 * `{% if invoice %}…{% endif %}` in templates that may be sent without one.
 */
import type { Variable } from 'liquidjs';
import type { MessageInvoice, MessageInvoiceItem } from '../providers/message-render.js';

/** The recipient, as a template sees it. Empty contact and address fields are `null`. */
export interface TemplateCustomer {
  id: string;
  name: string;
  /** The first word of `name`. */
  first_name: string;
  type: 'customer' | 'lead';
  email: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  tags: string[];
}

export interface TemplateOrganization {
  id: string;
  name: string;
}

/** Per-recipient links; the dispatcher signs them, a preview shows placeholders. */
export interface TemplateUrls {
  unsubscribe: string;
  preferences: string;
}

/** One line of an invoice (the renderer contract's type: senders build it). */
export type TemplateInvoiceItem = MessageInvoiceItem;

/** The invoice a message is about; amounts in major units as decimal text (`"1234.50"`). */
export type TemplateInvoice = MessageInvoice;

/** Everything a template renders from: the documented variable set. */
export interface TemplateContext {
  customer: TemplateCustomer;
  organization: TemplateOrganization;
  urls: TemplateUrls;
  /** Only for messages about an invoice. */
  invoice?: TemplateInvoice | null;
}

/** A scalar (`true`), a list of the shape inside (`[shape]`), or an object of fields. */
type Shape = true | readonly [Shape] | { readonly [field: string]: Shape };

const fields = <K extends string>(names: readonly K[]): Record<K, true> =>
  Object.fromEntries(names.map((n) => [n, true])) as Record<K, true>;

/**
 * The customer's columns a template reads as stored: not the internal `notes` nor provider
 * ids, which are not for the recipient's eyes. An allowlist on purpose (not derived from
 * the customers module's fields): a column added there is not shown to recipients until
 * it is added here.
 */
export const CUSTOMER_COLUMNS = [
  'id',
  'name',
  'type',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postal_code',
  'country',
] as const satisfies readonly (keyof TemplateCustomer)[];

/**
 * The variable set as a tree, kept in step with {@link TemplateContext} by the `satisfies`
 * clauses: a field added to a context type without a place here is a compile error.
 */
const VARIABLES = {
  customer: {
    ...fields(CUSTOMER_COLUMNS),
    first_name: true,
    tags: [true],
  } satisfies Record<keyof TemplateCustomer, Shape>,
  organization: fields(['id', 'name'] as const) satisfies Record<keyof TemplateOrganization, Shape>,
  urls: fields(['unsubscribe', 'preferences'] as const) satisfies Record<keyof TemplateUrls, Shape>,
  invoice: {
    ...fields([
      'id',
      'number',
      'status',
      'currency',
      'subtotal',
      'tax',
      'total',
      'amount_due',
      'due_date',
      'payment_url',
    ] as const),
    items: [
      fields(['name', 'description', 'quantity', 'unit_price', 'total'] as const) satisfies Record<
        keyof TemplateInvoiceItem,
        Shape
      >,
    ],
  } satisfies Record<keyof TemplateInvoice, Shape>,
} satisfies Record<keyof TemplateContext, Shape>;

/** Liquid's built-in properties: `size` of text and lists, `first`/`last` of lists. */
const LIST_PROPERTIES = new Set(['first', 'last']);

/**
 * True when `segments` (a variable's path as liquidjs analyses it) names something in the
 * variable set. A computed index (`customer.tags[i]`) is accepted on a list, never on an
 * object, where it could reach any field.
 */
function known(segments: readonly (string | number | Variable)[]): boolean {
  let shape: Shape = VARIABLES;
  for (const segment of segments) {
    if (segment === 'size' && (shape === true || Array.isArray(shape))) {
      shape = true;
    } else if (Array.isArray(shape)) {
      const listShape = shape as readonly [Shape];
      if (typeof segment === 'string' && !LIST_PROPERTIES.has(segment)) return false;
      shape = listShape[0];
    } else if (shape !== true && typeof segment === 'string' && Object.hasOwn(shape, segment)) {
      shape = (shape as Record<string, Shape>)[segment] as Shape;
    } else {
      return false;
    }
  }
  return true;
}

/** A variable reference outside the documented set. */
export interface UnknownVariable {
  /** The reference as written, e.g. `customer.nmae`. */
  variable: string;
  line: number;
  column: number;
}

/**
 * The references among `globals` (liquidjs's static analysis: variables not assigned in
 * the template) that are outside the variable set, in source order.
 */
export function unknownVariables(globals: Record<string, Variable[]>): UnknownVariable[] {
  return Object.values(globals)
    .flat()
    .filter((v) => !known(v.segments))
    .map((v) => ({ variable: v.toString(), line: v.location.row, column: v.location.col }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
