/**
 * Segments: the typed rule tree (`ruleSchema`, `parseRule`) compiled to one parameterized
 * Kysely expression (`compileRule`), stored segments (rule, vector or hybrid), previews with
 * reasons, and membership as SQL for the campaign engine (`segmentMembersQuery`).
 */
import { defineModule } from '../module.js';
import { parseInput } from '../validation.js';
import type { SegmentErrorCode as Code } from './error-codes.js';
import { segmentPermissions, segmentsFacade } from './facade.js';
import { registerSegmentRoutes } from './routes.js';
import { type Rule, segmentRuleInputSchema } from './rule-schema.js';

export { compileRule } from './compile.js';
export { SegmentErrorCode } from './error-codes.js';
export {
  countSegmentMembers,
  type NearestMember,
  nearestSegmentMembers,
  type SegmentDefinition,
  segmentMembersQuery,
  type VectorCriterion,
} from './members.js';
export { type OverdueCriteria, overdueInvoiceSql } from './overdue-invoice.js';
export {
  type PreviewMember,
  type PreviewOptions,
  previewRule,
  type RulePreview,
} from './preview.js';
export { renderRule } from './render.js';
export {
  MAX_RULE_DEPTH,
  MAX_RULE_PREDICATES,
  type Predicate,
  type Rule,
} from './rule-schema.js';
export type {
  SegmentCreate,
  SegmentDraft,
  SegmentPreviewOptions,
  SegmentUpdate,
  VectorInput,
} from './schema.js';
export {
  type Segment,
  segmentDefinition,
} from './service.js';

/**
 * Validates a rule tree. @throws `VALIDATION_FAILED` whose issue paths name the place in
 * the tree, e.g. `rule.all.2.field`.
 */
export function parseRule(input: unknown): Rule {
  return parseInput(segmentRuleInputSchema, { rule: input }, { what: 'segment rule' }).rule;
}

export const segmentsModule = defineModule({
  name: 'segments',
  tenantTables: ['segments'],
  permissions: segmentPermissions,
  errorStatus: {
    SEGMENT_NOT_FOUND: 404,
    SEGMENT_IN_USE: 409,
    // A stored rule that no longer parses: our data is wrong, not the caller's request.
    SEGMENT_RULE_CORRUPT: 500,
  } satisfies Record<Code, number>,
  routes: registerSegmentRoutes,
  facade: segmentsFacade,
});
