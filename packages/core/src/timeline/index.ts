export type { TimelineQuery, TimelineType } from './schema.js';
export {
  TIMELINE_TYPES,
  timelineItemSchema,
  timelinePageSchema,
  timelineQuerySchema,
} from './schema.js';
export type {
  AttributionItemData,
  EventItemData,
  InvoiceItemData,
  MessageEventItemData,
  MessageItemData,
  PaymentItemData,
  TimelineItem,
  TimelinePage,
} from './service.js';
export { getCustomerTimeline } from './service.js';
