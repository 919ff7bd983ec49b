/**
 * Which CSV column fills which customer field. Explicit `mapping` entries win; then a header
 * that spells a field name (`Postal Code` = `postal_code`); then a common alias (`Zip`).
 */
import { GreenTrackError } from '../errors.js';
import { ImportErrorCode } from './error-codes.js';
import { type CustomerField, customerFieldSchema } from './schema.js';

/** The resolved header: one field (or `null`, ignored) per column position. */
export interface ColumnPlan {
  /** Field per column index; `null` for ignored columns. */
  fields: Array<CustomerField | null>;
  /** Header → field, for the columns in use (reported in the result). */
  columns: Record<string, CustomerField>;
  /** Headers no field was found for (or ignored on purpose). */
  ignored: string[];
}

/** Common spellings, keyed by `headerKey` of the header. */
const aliases: Record<string, CustomerField> = {
  e_mail: 'email',
  email_address: 'email',
  e_mail_address: 'email',
  mail: 'email',
  phone_number: 'phone',
  phone_no: 'phone',
  telephone: 'phone',
  tel: 'phone',
  mobile: 'phone',
  mobile_phone: 'phone',
  mobile_number: 'phone',
  cell: 'phone',
  cell_phone: 'phone',
  full_name: 'name',
  customer_name: 'name',
  contact_name: 'name',
  address: 'address_line1',
  address1: 'address_line1',
  address_1: 'address_line1',
  address_line_1: 'address_line1',
  street: 'address_line1',
  street_address: 'address_line1',
  address2: 'address_line2',
  address_2: 'address_line2',
  address_line_2: 'address_line2',
  town: 'city',
  province: 'state',
  region: 'state',
  state_province: 'state',
  zip: 'postal_code',
  zip_code: 'postal_code',
  zipcode: 'postal_code',
  postcode: 'postal_code',
  post_code: 'postal_code',
  postal: 'postal_code',
  country_code: 'country',
  tag: 'tags',
  labels: 'tags',
  note: 'notes',
  comment: 'notes',
  comments: 'notes',
  customer_type: 'type',
  contact_type: 'type',
  zeroinvoice_id: 'external_zeroinvoice_customer_id',
  zeroinvoice_customer_id: 'external_zeroinvoice_customer_id',
};

const fieldNames = new Set<string>(customerFieldSchema.options);

/** `" Postal-Code "` → `postal_code`: lowercase, runs of non-alphanumerics become `_`. */
function headerKey(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function mappingError(message: string, details: Record<string, unknown>): GreenTrackError {
  return new GreenTrackError({ code: ImportErrorCode.IMPORT_MAPPING_INVALID, message, details });
}

/**
 * Resolves the header row. Several columns may feed `tags` (merged); any other field takes
 * one column: two explicit entries for one field are an error, while a recognized header
 * for a field already taken is ignored. @throws `IMPORT_MAPPING_INVALID`
 */
export function planColumns(
  header: readonly string[],
  mapping: Readonly<Record<string, CustomerField | null>>,
): ColumnPlan {
  const explicit = new Map<string, CustomerField | null>();
  for (const [name, field] of Object.entries(mapping))
    explicit.set(name.trim().toLowerCase(), field);
  const headers = header.map((h) => h.trim());
  const present = new Set(headers.map((h) => h.toLowerCase()));
  const missing = [...explicit.keys()].filter((name) => !present.has(name));
  if (missing.length) {
    throw mappingError(`Mapped columns not in the CSV header: ${missing.join(', ')}`, {
      missing,
      header: headers,
    });
  }

  const fields: Array<CustomerField | null> = headers.map(() => null);
  const taken = new Map<CustomerField, string>();
  // Explicit entries first, so a recognized header never takes a field the caller assigned.
  headers.forEach((h, i) => {
    const field = explicit.get(h.toLowerCase());
    if (!field) return;
    const holder = taken.get(field);
    if (holder !== undefined && field !== 'tags') {
      throw mappingError(`Columns '${holder}' and '${h}' are both mapped to '${field}'`, {
        field,
        columns: [holder, h],
      });
    }
    taken.set(field, h);
    fields[i] = field;
  });
  // Then headers spelling a field name, then aliases: `Postal Code` beats `Zip` wherever
  // each stands.
  for (const byName of [true, false]) {
    headers.forEach((h, i) => {
      if (explicit.has(h.toLowerCase()) || fields[i]) return;
      const key = headerKey(h);
      const field = byName
        ? fieldNames.has(key)
          ? (key as CustomerField)
          : undefined
        : aliases[key];
      if (!field || (taken.has(field) && field !== 'tags')) return;
      taken.set(field, h);
      fields[i] = field;
    });
  }

  if (!taken.has('email') && !taken.has('phone')) {
    throw mappingError(
      'No column maps to email or phone: customers are matched (upserted) on these, so one is required',
      { header: headers },
    );
  }
  const columns: Record<string, CustomerField> = {};
  const ignored: string[] = [];
  headers.forEach((h, i) => {
    const field = fields[i];
    if (field) columns[h] = field;
    else ignored.push(h);
  });
  return { fields, columns, ignored };
}
