/**
 * The customer timeline: one customer's history across tables, newest first.
 */
import { defineModule } from '../module.js';
import { timelineFacade } from './facade.js';
import { registerTimelineRoutes } from './routes.js';

export type { TimelineQuery, TimelineType } from './schema.js';
export { TIMELINE_TYPES } from './schema.js';
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

export const timelineModule = defineModule({
  name: 'timeline',
  routes: registerTimelineRoutes,
  facade: timelineFacade,
});
