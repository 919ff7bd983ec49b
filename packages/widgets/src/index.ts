// The root entry defines every element: `import '@greentrack/widgets'` registers all the
// `gt-*` tags (it is listed under `sideEffects`). For a smaller bundle import only the
// subpaths you use (`@greentrack/widgets/segment-builder`); each defines its own element.
// The provider comes first so widgets find it as soon as they connect.

export { defaultMessages } from './base/default-messages.js';
export type {
  GtErrorCode,
  GtErrorDetail,
  GtErrorEvent,
  GtTokenExpiredDetail,
  GtTokenExpiredEvent,
} from './base/events.js';
export type {
  CampaignDashboardMessages,
  ConsentBadgeMessages,
  CustomerListMessages,
  ErrorMessages,
  GtMessages,
  GtMessagesOverride,
  SegmentBuilderMessages,
} from './base/messages.js';
export * from './campaign-dashboard/campaign-dashboard.js';
export * from './consent-badge/consent-badge.js';
export * from './customer-list/customer-list.js';
export type { GtTheme } from './internal/greentrack-element.js';
export * from './provider/provider.js';
export * from './segment-builder/segment-builder.js';
