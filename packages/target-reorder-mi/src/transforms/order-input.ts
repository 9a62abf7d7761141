import { invalidOption } from '../errors.js';
import { checkPermutation, chooseOrder, type TargetOrder } from '../targets/choose-order.js';
import { orderJson } from './transform-json.js';

/** An order for a transform: one from {@link chooseOrder}, or bare positions (recorded as a custom order). */
export type OrderInput = TargetOrder | readonly number[];

/** The order as a validated {@link TargetOrder} of `length` positions (any length when omitted). */
export function toTargetOrder(order: OrderInput, field: string, length?: number): TargetOrder {
  if (Array.isArray(order)) {
    checkPermutation(order, field, length);
    return chooseOrder({ strategy: 'custom', positions: order });
  }
  if (typeof order !== 'object' || order === null) {
    throw invalidOption(field, 'must be an order from chooseOrder or an array of positions');
  }
  const target = order as TargetOrder;
  checkPermutation(target.positions, `${field}.positions`, length);
  return orderJson(target);
}
