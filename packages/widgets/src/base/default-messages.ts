import { campaignDashboardMessages } from '../campaign-dashboard/campaign-dashboard.messages.js';
import { consentBadgeMessages } from '../consent-badge/consent-badge.messages.js';
import { customerListMessages } from '../customer-list/customer-list.messages.js';
import { segmentBuilderMessages } from '../segment-builder/segment-builder.messages.js';
import { errorMessages, type GtMessages } from './messages.js';

/**
 * Every English string, for reference and as a base to translate from. Each widget bundles
 * only its own sections (see `base/messages.ts`); only the root entry carries this object.
 */
export const defaultMessages: GtMessages = {
  errors: errorMessages,
  consentBadge: consentBadgeMessages,
  customerList: customerListMessages,
  segmentBuilder: segmentBuilderMessages,
  campaignDashboard: campaignDashboardMessages,
};
