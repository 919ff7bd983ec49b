import { isGreenTrackError } from '@greentrack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CENTS, toCents } from './cents.js';

const expectInvalid = (value: number | string) => {
  let thrown: unknown;
  try {
    toCents(value);
  } catch (error) {
    thrown = error;
  }
  expect(isGreenTrackError(thrown, 'ZEROINVOICE_AMOUNT_INVALID'), String(value)).toBe(true);
};

/** Integer half-away-from-zero of `n / d`, the reference the property tests compare with. */
const roundDiv = (n: number, d: number) => {
  const magnitude = Math.floor((Math.abs(n) + d / 2) / d);
  return n < 0 && magnitude !== 0 ? -magnitude : magnitude;
};

describe('toCents', () => {
  it('converts the float amounts of the data model exactly', () => {
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(1.005)).toBe(101); // Math.round(1.005 * 100) is 100
    expect(toCents(-1.005)).toBe(-101);
    expect(toCents(-19.99)).toBe(-1999);
    expect(toCents(1234.5)).toBe(123450);
    expect(toCents(0)).toBe(0);
    expect(toCents(-0)).toBe(0);
    expect(toCents(1e-7)).toBe(0);
    expect(toCents(5e-3)).toBe(1);
    expect(toCents(1.2e3)).toBe(120000);
  });

  it('reads decimal strings', () => {
    expect(toCents('19.99')).toBe(1999);
    expect(toCents(' 7 ')).toBe(700);
    expect(toCents('7.')).toBe(700);
    expect(toCents('0.30000000000000004')).toBe(30);
    expect(toCents('+2.345')).toBe(235);
    expect(toCents('-0.004')).toBe(0);
    expect(toCents('1.5E2')).toBe(15000);
  });

  it('rejects what is not a usable amount, with a typed error', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e21,
      1e300,
      '1e999999999',
      'abc',
      '',
      '1,5',
      '0x10',
      '21474837',
    ])
      expectInvalid(bad);
    expect(toCents(MAX_CENTS / 100)).toBe(MAX_CENTS);
    expectInvalid((MAX_CENTS + 1) / 100);
  });

  it('property: any whole number of cents survives the trip through a float', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_CENTS, max: MAX_CENTS }), (cents) => {
        expect(toCents(cents / 100)).toBe(cents);
        expect(toCents(String(cents / 100))).toBe(cents);
      }),
      { numRuns: 5000 },
    );
  });

  it('property: three-decimal amounts round half away from zero on their decimal digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), (millis) => {
        // millis / 1000 as a float is often just below its decimal value (1.005 → 1.00499…):
        // the decimal text is what rounds.
        expect(toCents(millis / 1000)).toBe(roundDiv(millis, 10));
      }),
      { numRuns: 5000 },
    );
  });

  it('property: sums of cent amounts done in floats (0.1 + 0.2 style) come back exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        (parts) => {
          const floatSum = parts.reduce((sum, c) => sum + c / 100, 0);
          expect(toCents(floatSum)).toBe(parts.reduce((a, b) => a + b, 0));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: Math.round(x * 100) is not the same function (the test can tell them apart)', () => {
    const naive = (x: number) => Math.round(x * 100);
    const found = fc
      .sample(fc.integer({ min: 0, max: 100_000_000 }), 20_000)
      .some((millis) => naive(millis / 1000) !== roundDiv(millis, 10));
    expect(found).toBe(true);
  });
});
