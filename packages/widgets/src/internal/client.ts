/**
 * The one door from the widgets to `@greentrack/core`: its browser client. The build bundles
 * this file (the client has no imports of its own), so `dist/` never imports
 * `@greentrack/core` at run time and a front-end project installs the widgets without the
 * server's dependencies. Types still come from `@greentrack/core/client`, an optional peer
 * (install it as a dev dependency for typed `Segment` details). See docs/decisions.md.
 *
 * Widgets call through `createRequest` and the API groups they use (`segmentsApi`…), not
 * `createClient`: a widget's bundle then holds only the calls it makes.
 */
export {
  type Campaign,
  type CampaignKpis,
  type CampaignRun,
  type Customer,
  type CustomerPage,
  campaignsApi,
  createRequest,
  customersApi,
  GreenTrackApiError,
  type KpiFunnel,
  type KpiSeries,
  kpisApi,
  type Request,
  type Rule,
  type Segment,
  type SegmentPreview,
  segmentsApi,
  type TimelinePage,
  tagsApi,
} from '@greentrack/core/client';

import type { CustomerPage, campaignsApi } from '@greentrack/core/client';

/** A customer as `GET /customers` lists it: the record plus its stored consent per channel. */
export type CustomerListItem = CustomerPage['items'][number];

/** The holdout comparison of `GET /campaigns/{id}/holdout` (treated vs held out, with intervals). */
export type HoldoutComparison = Awaited<ReturnType<ReturnType<typeof campaignsApi>['holdout']>>;
