/**
 * Assertions on GreenTrack's typed errors, shared by the test files.
 */
import { GreenTrackError } from '../src/errors.js';

/** The `GreenTrackError` that `promise` rejects with; fails the test if it resolves or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<GreenTrackError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GreenTrackError) return error;
    throw error;
  }
  throw new Error('expected a GreenTrackError');
}

/** The sorted field paths of a validation error's `details.issues`. */
export function issuePaths(error: GreenTrackError): string[] {
  const issues = (error.details?.issues ?? []) as Array<{ path: string }>;
  return issues.map((i) => i.path).sort();
}
