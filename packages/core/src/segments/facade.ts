/**
 * The segments module's part of `gt.as(actor)`: a rule tree, a vector criterion (text
 * embedded by the configured embedder, or an explicit vector, with a minimum cosine
 * similarity), or both (hybrid).
 */
import type { FacadeContext } from '../module.js';
import type { RulePreview } from './preview.js';
import type {
  SegmentCreate,
  SegmentDraft,
  SegmentPreviewOptions,
  SegmentUpdate,
} from './schema.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  previewSegmentDraft,
  type Segment,
  updateSegment,
} from './service.js';

export const segmentPermissions = {
  /** Listing segments, previewing them and drafts (counts and samples of customers). */
  'segment.read': 'staff',
  /** Creating and editing segments (who a campaign may reach is decided by campaigns). */
  'segment.write': 'staff',
  'segment.delete': 'admin',
} as const;
type SegmentAction = keyof typeof segmentPermissions;

export interface SegmentsFacade {
  segments: {
    /** Every segment of the organization (staff+). */
    list(): Promise<Segment[]>;
    /** One segment (staff+). @throws `SEGMENT_NOT_FOUND` */
    get(segmentId: string): Promise<Segment>;
    /**
     * Creates a segment (staff+); its type follows from what it has (rule, vector, both).
     * @throws `VALIDATION_FAILED` naming the place in the rule, e.g. `rule.all.2.field`
     */
    create(input: SegmentCreate): Promise<Segment>;
    /** Changes a segment (staff+); `rule: null` / `vector: null` remove a criterion. */
    update(segmentId: string, input: SegmentUpdate): Promise<Segment>;
    /** Deletes a segment (admin+). @throws `SEGMENT_IN_USE` when a campaign uses it */
    remove(segmentId: string): Promise<void>;
    /** Exact member count and a sample with reasons (matched predicates, similarity). */
    preview(segmentId: string, options?: SegmentPreviewOptions): Promise<RulePreview>;
    /** The same for an unsaved draft (the segment builder's live count). */
    previewDraft(draft: SegmentDraft): Promise<RulePreview>;
  };
}

export function segmentsFacade({ on, deps }: FacadeContext<SegmentAction>): SegmentsFacade {
  return {
    segments: {
      list: on('segment.read', listSegments),
      get: on('segment.read', getSegment),
      create: on('segment.write', (scope, input: SegmentCreate) =>
        createSegment(scope, deps, input),
      ),
      update: on('segment.write', (scope, id: string, input: SegmentUpdate) =>
        updateSegment(scope, deps, id, input),
      ),
      remove: on('segment.delete', deleteSegment),
      preview: on('segment.read', (scope, id: string, options?: SegmentPreviewOptions) =>
        previewSegment(scope, id, options),
      ),
      previewDraft: on('segment.read', (scope, draft: SegmentDraft) =>
        previewSegmentDraft(scope, deps, draft),
      ),
    },
  };
}
