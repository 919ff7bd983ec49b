/**
 * `pnpm --filter @greentrack/adapters bench [name-prefix …]`: the adapters' benchmarks, one
 * after the other (each skips itself unless a prefix selects it). They live here because
 * core's benches may not import an adapter.
 */
import { invoiceSyncBench } from './invoice-sync.bench.js';
import { webhooksIngestBench } from './webhooks-ingest.bench.js';

for (const bench of [invoiceSyncBench, webhooksIngestBench]) {
  try {
    await bench();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
