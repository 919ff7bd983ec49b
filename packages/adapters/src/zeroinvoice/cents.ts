/**
 * Decimal amounts → integer cents, exactly.
 *
 * ZeroInvoice sends amounts as JSON numbers (`"amount": 19.99`), which arrive as binary
 * floats: `19.99 * 100` is `1998.9999999999998`, and `Math.round(1.005 * 100)` is `100`,
 * not `101`. Instead the number is turned back into its shortest decimal text
 * (`String(19.99) === '19.99'`, ECMAScript's round-trip guarantee), and the cents are read
 * from the digits with integer arithmetic. Values past two decimals (`0.1 + 0.2` →
 * `0.30000000000000004`) round half away from zero on their decimal digits.
 */
import { GreenTrackError } from '@greentrack/core';
import { ZeroInvoiceErrorCode } from './error-codes.js';

/** The cache's cents columns are `int`: ±(2^31 − 1). */
export const MAX_CENTS = 2_147_483_647;

/** Plain decimal or exponent form, as `String(number)` or a JSON decimal string writes it. */
const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Longer integer parts cannot be cents of an `int` anyway; the bound keeps parsing cheap. */
const MAX_INTEGER_DIGITS = 15;

function invalid(value: unknown, why: string): GreenTrackError {
  return new GreenTrackError({
    code: ZeroInvoiceErrorCode.ZEROINVOICE_AMOUNT_INVALID,
    message: `Amount ${JSON.stringify(value)} is not usable: ${why}`,
    details: { value: typeof value === 'number' ? String(value) : value },
  });
}

/**
 * Integer cents of a decimal amount given as a number or a decimal string.
 * @example toCents(19.99) // 1999
 * @example toCents('0.30000000000000004') // 30
 * @example toCents(-1.005) // -101 (half away from zero, on the decimal digits)
 * @throws `ZEROINVOICE_AMOUNT_INVALID` for NaN, ±Infinity, `1e21`, non-decimal text, or cents
 * outside ±{@link MAX_CENTS}.
 */
export function toCents(value: number | string): number {
  if (typeof value === 'number' && !Number.isFinite(value)) throw invalid(value, 'not finite');
  const text = (typeof value === 'number' ? String(value) : value).trim();
  const match = DECIMAL.exec(text);
  if (!match) throw invalid(value, 'not a decimal number');
  const [, sign, whole = '', fraction = '', exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  // Shift the decimal point by the exponent on the digit string itself: no float involved.
  // `point` counts the digits left of the decimal point.
  let digits = `${whole}${fraction}`;
  let point = whole.length + exponent;
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  // Checked before any padding, so `1e999999999` costs nothing.
  if (point - leadingZeros > MAX_INTEGER_DIGITS) throw invalid(value, 'too large');
  if (point < 0) {
    // Only the first three decimals matter; further zeros change nothing.
    digits = `${'0'.repeat(Math.min(-point, 3))}${digits}`;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const integer = digits.slice(0, point) || '0';
  const decimals = digits.slice(point, point + 3).padEnd(3, '0');
  let cents = BigInt(integer) * 100n + BigInt(decimals.slice(0, 2));
  // Half away from zero: the magnitude rounds up at a third decimal of 5 or more.
  if (decimals.charCodeAt(2) >= 53 /* '5' */) cents += 1n;
  if (cents > BigInt(MAX_CENTS)) throw invalid(value, `more than ${MAX_CENTS} cents`);
  const result = Number(cents);
  return sign === '-' && result !== 0 ? -result : result;
}

/**
 * `quantity × unitCents`, rounded half away from zero, with `quantity` a decimal string
 * (`'2.5'`): what a line's total is when the source does not send one.
 */
export function multiplyCents(quantity: string, unitCents: number): number {
  // Quantity in hundredths (numeric(12,2)); toCents reads exactly that.
  const hundredths = BigInt(toCents(quantity));
  const product = hundredths * BigInt(unitCents);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude + 50n) / 100n;
  const result = Number(negative ? -rounded : rounded);
  if (Math.abs(result) > MAX_CENTS) throw invalid(`${quantity} × ${unitCents}`, 'too large');
  return result;
}
