/**
 * Shared Vitest settings: when GREENTRACK_TEST_RESULTS is set (scripts/test-all.sh), each
 * package also writes a JSON report there so the run can end with one summary line.
 */
export function reportersFor(packageName: string) {
  const dir = process.env.GREENTRACK_TEST_RESULTS;
  if (!dir) return {};
  return {
    reporters: ['default', 'json'],
    outputFile: { json: `${dir}/${packageName}.json` },
  };
}

// vitest 5.1.1's reporter calls `Map.groupBy` (Node >= 21) when it prints a failure. On Node 20
// that throws inside the reporter, so a failing test shows "Map.groupBy is not a function"
// instead of its own message (e.g. "Standard Webhooks spec is missing: ..."). Every package's
// vitest config imports this file and runs in the main process, where the reporter lives, so a small polyfill here restores the output.
// Remove once the repo requires Node >= 22.
const MapStatics = Map as unknown as {
  groupBy?: <T, K>(items: Iterable<T>, keyOf: (item: T, index: number) => K) => Map<K, T[]>;
};
if (typeof MapStatics.groupBy !== 'function') {
  MapStatics.groupBy = <T, K>(items: Iterable<T>, keyOf: (item: T, index: number) => K) => {
    const groups = new Map<K, T[]>();
    let index = 0;
    for (const item of items) {
      const key = keyOf(item, index++);
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    return groups;
  };
}
