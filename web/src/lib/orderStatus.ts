import type { OrderStatus } from '../api/schema.ts';

// A Record, so that the compiler flags this list when the spec's statuses change.
const FINAL: Record<OrderStatus, boolean> = {
  pending: false,
  paid: false,
  processing: false,
  shipped: false,
  delivered: true,
  cancelled: true,
};

/** Every status, in the order an order moves through them. */
export const ORDER_STATUSES = Object.keys(FINAL) as OrderStatus[];

/** Delivered and cancelled orders cannot change any more (the API answers 409). */
export function isFinalStatus(status: OrderStatus): boolean {
  return FINAL[status];
}
