/** `cart-recovery cost --carts N [--json]`: what a month of N carts would cost on AWS. */
import { estimateForCarts } from '../domain/cost-estimate.ts';
import { estimateToJson, formatCostEstimate } from '../domain/summary-format.ts';
import { requireFlag, UsageError } from './args.ts';
import type { CommandRunner } from './main.ts';

/** Needs no data dir and no configuration: it is arithmetic over stated assumptions. */
export const runCost: CommandRunner = async (args, { log }) => {
  const text = requireFlag(args, 'carts', '10000').replaceAll('_', '').replaceAll(',', '');
  const carts = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(carts) || carts <= 0) {
    throw new UsageError(`--carts "${args.flags.get('carts')}" must be a whole number above 0`);
  }
  const estimate = estimateForCarts(carts);
  log(
    args.flags.get('json') === true
      ? JSON.stringify(estimateToJson(estimate), null, 2)
      : formatCostEstimate(estimate).trimEnd(),
  );
  return 0;
};
