// Side-effect free: exports the element classes and their types but registers
// nothing. Import a component's subpath (`@greentrack/widgets/consent-badge`)
// to define its tag.
export {
  type ConsentChannel,
  type ConsentStatus,
  GtConsentBadge,
} from './consent-badge/consent-badge.component.js';
export {
  type ConditionField,
  GtSegmentBuilder,
  type MatchMode,
  type Segment,
  type SegmentPredicate,
  type SegmentPreview,
  type SegmentRule,
  type SegmentSavedEvent,
  type ValidationIssue,
} from './segment-builder/segment-builder.component.js';
