/**
 * The interval arithmetic at its edges, where the comparison has too little to say: a group
 * of one has no variance (no interval), groups without spread have an exact difference,
 * and an empty holdout gives no rate interval.
 */
import { describe, expect, it } from 'vitest';
import { type GroupAggregate, rateDifference, revenuePerRecipientDifference } from './intervals.js';

const group = (g: Partial<GroupAggregate>): GroupAggregate => ({
  recipients: 10,
  converters: 0,
  revenueCents: 0,
  revenueVariance: 0,
  ...g,
});

describe('holdout intervals', () => {
  it('has no interval for a group of one, or an empty group', () => {
    const one = group({ recipients: 1, converters: 1, revenueCents: 500, revenueVariance: null });
    expect(revenuePerRecipientDifference(group({ revenueVariance: 4 }), one)).toEqual({
      estimate: -500,
      low: null,
      high: null,
    });
    expect(rateDifference(group({ converters: 5 }), group({ recipients: 0 }))).toEqual({
      estimate: 0.5,
      low: null,
      high: null,
    });
  });

  it('is exact when neither group varies', () => {
    const all = group({ converters: 10, revenueCents: 1_000 });
    expect(revenuePerRecipientDifference(all, group({}))).toEqual({
      estimate: 100,
      low: 100,
      high: 100,
    });
    expect(rateDifference(all, group({}))).toEqual({ estimate: 1, low: 1, high: 1 });
  });
});
