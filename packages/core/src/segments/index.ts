/**
 * Segments, first slice: the typed rule tree (`ruleSchema`, `parseRule`), its compiler to
 * one parameterized Kysely expression (`compileRule`), a display rendering for
 * `segments.rule_sql` (`renderRule`) and a draft preview with reasons (`previewRule`).
 *
 * Not yet here (later slices of issue 5): HTTP routes, the tenant facade, RBAC, storing
 * segments (`segments.metadata.rule`), membership `INSERT … SELECT` for campaigns,
 * messaging-engagement and event predicates, invoice count/total windows, "last payment
 * older than N days", vector and hybrid segments, and the benchmarks.
 */
import { parseInput } from '../validation.js';
import { type Rule, segmentRuleInputSchema } from './rule-schema.js';

export { type CompileOptions, compileRule } from './compile.js';
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
  predicateSchema,
  type Rule,
  ruleSchema,
  segmentRuleInputSchema,
} from './rule-schema.js';

/**
 * Validates a rule tree. @throws `VALIDATION_FAILED` whose issue paths name the place in
 * the tree, e.g. `rule.all.2.field`.
 */
export function parseRule(input: unknown): Rule {
  return parseInput(segmentRuleInputSchema, { rule: input }, { what: 'segment rule' }).rule;
}
