/**
 * The rows of a fixed-row-height list that a virtualized body renders: those overlapping the
 * viewport plus `overscan` on each side, as `[first, end)` indices. Pure arithmetic, so the
 * DOM holds about `height / rowHeight + 2 × overscan` rows however many are loaded.
 *
 * @example
 * visibleRange({ top: 5600, height: 400, rowHeight: 56, count: 100_000 }, 8); // [92, 116]
 */
export function visibleRange(
  viewport: { top: number; height: number; rowHeight: number; count: number },
  overscan: number,
): [first: number, end: number] {
  const { top, height, rowHeight, count } = viewport;
  if (count === 0 || rowHeight <= 0) return [0, 0];
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  // Before the first layout the height is 0: render one screenful's worth of rows anyway.
  const visible = Math.ceil((height || 10 * rowHeight) / rowHeight);
  const end = Math.min(count, Math.floor(top / rowHeight) + visible + 1 + overscan);
  return [first, Math.max(first, end)];
}
