// Define module: importing it registers <gt-campaign-dashboard>. Define modules are the only
// files listed under `sideEffects` in package.json.
import { defineElement } from '../internal/define-element.js';
import {
  type CampaignSelectEvent,
  type DashboardChangeEvent,
  GtCampaignDashboard,
} from './campaign-dashboard.component.js';

export * from './campaign-dashboard.component.js';

defineElement('gt-campaign-dashboard', GtCampaignDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'gt-campaign-dashboard': GtCampaignDashboard;
  }
  interface HTMLElementEventMap {
    'gt-campaign-select': CampaignSelectEvent;
    'gt-dashboard-change': DashboardChangeEvent;
  }
}
