/** Error codes of the segments module. */
export const SegmentErrorCode = {
  /** No such segment in the caller's organization. */
  SEGMENT_NOT_FOUND: 'SEGMENT_NOT_FOUND',
  /** A campaign still targets the segment, so it cannot be deleted. */
  SEGMENT_IN_USE: 'SEGMENT_IN_USE',
  /**
   * A stored segment's `metadata.rule` fails validation (written around the API): a server
   * problem, reported rather than compiled.
   */
  SEGMENT_RULE_CORRUPT: 'SEGMENT_RULE_CORRUPT',
} as const;

export type SegmentErrorCode = (typeof SegmentErrorCode)[keyof typeof SegmentErrorCode];
