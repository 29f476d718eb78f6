import type { OrderStatus } from '../api/schema.ts';

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status--${status}`}>{status}</span>;
}
