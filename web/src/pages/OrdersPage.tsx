// Orders: a user's own, or (admins) everyone's with a status filter.
import { Link, useSearchParams } from 'react-router-dom';

import { useOrdersList } from '../api/orders.ts';
import type { Order, OrderStatus } from '../api/schema.ts';
import { useSession } from '../app/session.tsx';
import { CustomerName } from '../components/CustomerName.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useNow } from '../hooks/useNow.ts';
import { pagedView } from '../hooks/pagedView.ts';
import { formatCents, shortId } from '../lib/format.ts';
import { ORDER_STATUSES } from '../lib/orderStatus.ts';
import { formatRelativeTime } from '../lib/relativeTime.ts';

function parseStatus(value: string | null): OrderStatus | undefined {
  return ORDER_STATUSES.find((s) => s === value);
}

export function OrdersPage() {
  const { viewer } = useSession();
  const isAdmin = viewer.role === 'admin';
  const [params, setParams] = useSearchParams();
  const status = isAdmin ? parseStatus(params.get('status')) : undefined;
  useDocumentTitle(isAdmin ? 'All orders' : 'Your orders');

  // New orders and status changes refetch it (api/liveCache.ts).
  const list = useOrdersList(status);
  const orders = pagedView(list);

  return (
    <section aria-labelledby="orders-title">
      <div className="page-head">
        <h1 id="orders-title">{isAdmin ? 'All orders' : 'Your orders'}</h1>
        {isAdmin ? (
          <label className="inline-field">
            Status
            <select
              value={status ?? ''}
              onChange={(event) => setParams(event.target.value ? { status: event.target.value } : {})}
            >
              <option value="">All</option>
              {ORDER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <Link to="/orders/new" className="button">
            New order
          </Link>
        )}
      </div>
      {orders.error !== null && <LoadError error={orders.error} onRetry={orders.retry} />}
      {!orders.items && !orders.error && (
        <p className="muted">{orders.retrying ? 'Cannot reach the server. Trying again…' : 'Loading orders…'}</p>
      )}
      {orders.items?.length === 0 && (
        <p className="empty">{isAdmin ? 'No orders here yet.' : 'You have no orders yet. Place one to start a chat with us.'}</p>
      )}
      <ul className="card-list">
        {orders.items?.map((order) => (
          <OrderCard key={order.order_id} order={order} showCustomer={isAdmin} />
        ))}
      </ul>
      {orders.hasMore && (
        <button type="button" className="button button--quiet" onClick={orders.loadMore} disabled={orders.loadingMore}>
          {orders.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

function OrderCard({ order, showCustomer }: { order: Order; showCustomer: boolean }) {
  const now = useNow();
  const count = order.items.reduce((sum, item) => sum + item.quantity, 0);
  return (
    <li className="list-card">
      <Link to={`/orders/${order.order_id}`} className="list-card-link">
        <span className="list-card-title">Order {shortId(order.order_id)}</span>
        <StatusBadge status={order.status} />
      </Link>
      <span className="list-card-detail">
        {count} {count === 1 ? 'item' : 'items'} · {formatCents(order.total_cents)}
        {showCustomer && (
          <>
            {' · '}
            <CustomerName customer={order.customer} />
          </>
        )}
      </span>
      <time className="list-card-time" dateTime={order.created_at}>
        {formatRelativeTime(order.created_at, now)}
      </time>
    </li>
  );
}
