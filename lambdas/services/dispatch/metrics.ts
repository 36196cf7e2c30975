import { emfLine } from '../../adapters/metrics/emf.js';
import type { SkipReason } from '../../core/catchup.js';
import type { EngineDeps } from './deps.js';

/**
 * Counts a slot that did not run (`SlotsSkipped`, by reason), so a dashboard or alarm sees skips that run
 * history alone would hide among thousands of runs.
 */
export function countSkippedSlot(deps: EngineDeps, reason: SkipReason | string): void {
  const dimensions = { Stage: deps.stage ?? 'local', Reason: reason };
  (deps.metrics ?? console.log)(emfLine('SlotsSkipped', 1, dimensions, deps.clock.now()));
}
