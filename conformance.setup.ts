/**
 * Vitest global setup of the conformance runs: stops the run, naming the missing path,
 * before any suite starts when the shared spec is absent. (A check at config load would
 * also break tools that merely read the config, such as knip on a clone without the spec.)
 */
import { requireSpecDir } from './conformance.shared.js';

export function setup(): void {
  requireSpecDir();
}
