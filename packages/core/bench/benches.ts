/** Every benchmark `pnpm bench` knows, in run order. Add new ones here. */
import { attributionBench } from './attribution.bench.js';
import { campaignsBench } from './campaigns.bench.js';
import { crmImportBench } from './crm-import.bench.js';
import { crmSearchBench } from './crm-search.bench.js';
import { eventsIngestBench } from './events-ingest.bench.js';
import type { Bench } from './lib.js';
import { segmentsHybridBench } from './segments-hybrid.bench.js';
import { segmentsRulesBench } from './segments-rules.bench.js';

export const benches: Bench[] = [
  crmSearchBench,
  crmImportBench,
  segmentsRulesBench,
  segmentsHybridBench,
  campaignsBench,
  eventsIngestBench,
  attributionBench,
];
