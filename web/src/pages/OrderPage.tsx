// /orders/:orderId (chat minimized) and /orders/:orderId/chat (chat open).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { describeError, expectOk, problemType } from '../api/errors.ts';
import { useOrder } from '../api/orders.ts';
import { orderKeys } from '../api/queryKeys.ts';
import type { Order, OrderStatus } from '../api/schema.ts';
import { useNotifications } from '../app/notifications.tsx';
import { useApi, useSession } from '../app/session.tsx';
import { ChatWidget } from '../components/ChatWidget.tsx';
import { CustomerName } from '../components/CustomerName.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { formatCents, shortId } from '../lib/format.ts';
import { isFinalStatus, ORDER_STATUSES } from '../lib/orderStatus.ts';
import { NotFoundPage } from './NotFoundPage.tsx';

export function OrderPage() {
  const { orderId = '', view } = useParams();
  if (view !== undefined && view !== 'chat') return <NotFoundPage />;
  // Keyed: another order is a fresh page, never the previous order's state.
  return <OrderDetails key={orderId} orderId={orderId} chatOpen={view === 'chat'} />;
}

function OrderDetails({ orderId, chatOpen }: { orderId: string; chatOpen: boolean }) {
  const { viewer } = useSession();
  const navigate = useNavigate();
  useDocumentTitle(`Order ${shortId(orderId)}`);

  // Live status changes patch the cached order (api/liveCache.ts).
  const order = useOrder(orderId);
  const queryClient = useQueryClient();

  if (!order.data) {
    return order.error ? (
      <div className="card">
        <h1>Order not available</h1>
        <LoadError error={order.error} onRetry={() => void order.refetch()} />
        <Link to="/orders">Back to orders</Link>
      </div>
    ) : (
      <p className="muted" role="status">
        {order.failureReason ? 'Cannot reach the server. Trying again…' : 'Loading order…'}
      </p>
    );
  }

  const o = order.data;
  const orderPath = `/orders/${o.order_id}`;
  return (
    <article className={`order${chatOpen ? ' order--chat-open' : ''}`} aria-labelledby="order-title">
      <p className="breadcrumb">
        <Link to="/orders">← Orders</Link>
      </p>
      <div className="page-head">
        <h1 id="order-title">Order {shortId(o.order_id)}</h1>
        <StatusBadge status={o.status} />
      </div>
      <dl className="facts">
        <div>
          <dt>Placed</dt>
          <dd>{new Date(o.created_at).toLocaleString()}</dd>
        </div>
        <div>
          <dt>Order id</dt>
          <dd className="mono">{o.order_id}</dd>
        </div>
        {viewer.role === 'admin' && (
          <div>
            <dt>Customer</dt>
            <dd>
              <CustomerName customer={o.customer} />
            </dd>
          </div>
        )}
      </dl>
      <table className="items">
        <caption className="visually-hidden">Items</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col" className="num">
              Unit price
            </th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {o.items.map((item, i) => (
            <tr key={i}>
              <td>{item.name}</td>
              <td className="num">{item.quantity}</td>
              <td className="num">{formatCents(item.unit_price_cents)}</td>
              <td className="num">{formatCents(item.quantity * item.unit_price_cents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="num total">{formatCents(o.total_cents)}</td>
          </tr>
        </tfoot>
      </table>
      {viewer.role === 'admin' && (
        // Keyed by status: a change made elsewhere resets the picker.
        <StatusControl
          key={o.status}
          order={o}
          onChanged={(next) => {
            queryClient.setQueryData(orderKeys.detail(o.order_id), next);
            void queryClient.invalidateQueries({ queryKey: orderKeys.lists() });
          }}
        />
      )}
      <ChatWidget
        order={o}
        expanded={chatOpen}
        onExpandedChange={(open) => void navigate(open ? `${orderPath}/chat` : orderPath, { replace: true })}
      />
    </article>
  );
}

function StatusControl({ order, onChanged }: { order: Order; onChanged: (order: Order) => void }) {
  const api = useApi();
  const { ownActions } = useNotifications();
  const [status, setStatus] = useState<OrderStatus>(order.status);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const final = isFinalStatus(order.status);

  const save = async () => {
    setBusy(true);
    setError(null);
    const withdraw = ownActions.expectStatusChange(order.order_id, status);
    try {
      onChanged(
        await expectOk(api.PATCH('/orders/{order_id}', { params: { path: { order_id: order.order_id } }, body: { status } })),
      );
    } catch (err) {
      withdraw();
      setError(
        problemType(err) === 'urn:orderchat:problem:order-final' ? 'This order is final and cannot change.' : describeError(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="status-control"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label className="inline-field">
        Status
        <select value={status} onChange={(event) => setStatus(event.target.value as OrderStatus)} disabled={final || busy}>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" disabled={final || busy || status === order.status}>
        Update status
      </button>
      {final && <span className="muted">Final: {order.status} orders cannot change.</span>}
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
