import { type CostAssumptions, DEFAULT_ASSUMPTIONS } from '../../src/domain/cost-estimate.ts';

/**
 * Round figures for the hand-worked arithmetic below (the estimator's guesses before the
 * aws-month bench measured them), so the cost arithmetic is checked whatever the bench measures.
 */
export const ROUND: CostAssumptions = {
  ...DEFAULT_ASSUMPTIONS,
  wakeUpsPerAbandonedCart: 5,
  wruPerEvent: 2,
  wruPerWakeUp: 2,
  rruPerEvent: 1,
  rruPerWakeUp: 2,
  lambdaMemoryMb: 256,
  logBytesPerInvocation: 2000,
  // 4,000 bytes a cart kept all 12 months, whole or as a tombstone; cold starts cost no INIT.
  cartBytesPerCart: 4000,
  tombstoneBytesPerCart: 4000,
  auditBytesPerCart: 0,
  eventMarkerBytesPerCart: 0,
  initMsPerColdStart: 0,
};
