// Side-effect free: exports the element classes and their types but registers
// nothing. Import a component's subpath (`@greentrack/widgets/consent-badge`)
// to define its tag.
export {
  type ConsentChannel,
  type ConsentStatus,
  GtConsentBadge,
} from './consent-badge/consent-badge.component.js';
