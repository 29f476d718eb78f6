// A user places an order: item rows of name, quantity and unit price.
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { ApiError, describeError, expectOk } from '../api/errors.ts';
import type { OrderItem } from '../api/schema.ts';
import { useApi, useSession } from '../app/session.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { CloseIcon } from '../components/icons.tsx';
import { SHOP_CURRENCY, formatCents, parseAmount } from '../lib/format.ts';

interface ItemRow {
  key: number;
  name: string;
  quantity: string;
  unitPrice: string;
}

let nextKey = 1;
const emptyRow = (): ItemRow => ({ key: nextKey++, name: '', quantity: '1', unitPrice: '' });

/** The API's items, or null while some row is incomplete. */
function toItems(rows: ItemRow[]): OrderItem[] | null {
  const items = rows.map((row) => ({
    name: row.name.trim(),
    quantity: Number(row.quantity),
    unit_price_cents: parseAmount(row.unitPrice),
  }));
  const complete = items.every(
    (item) => item.name !== '' && Number.isInteger(item.quantity) && item.quantity >= 1 && item.unit_price_cents !== null,
  );
  return complete ? (items as OrderItem[]) : null;
}

export function NewOrderPage() {
  const api = useApi();
  const { viewer } = useSession();
  const navigate = useNavigate();
  const [rows, setRows] = useState<ItemRow[]>(() => [emptyRow()]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const formId = useId();
  useDocumentTitle('New order');

  if (viewer.role === 'admin') {
    return (
      <div className="card">
        <h1>New order</h1>
        <p>Orders are placed by customers; admins cannot place them.</p>
        <Link to="/orders">Back to orders</Link>
      </div>
    );
  }

  const items = toItems(rows);
  const total = items?.reduce((sum, item) => sum + item.quantity * item.unit_price_cents, 0);
  const update = (key: number, field: keyof Omit<ItemRow, 'key'>, value: string) =>
    setRows((all) => all.map((row) => (row.key === key ? { ...row, [field]: value } : row)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!items) return;
    setBusy(true);
    setErrors([]);
    try {
      const order = await expectOk(api.POST('/orders', { body: { items } }));
      void navigate(`/orders/${order.order_id}`);
    } catch (err) {
      const fieldErrors = err instanceof ApiError ? err.problem?.errors?.map((e) => `${e.field}: ${e.message}`) : undefined;
      setErrors(fieldErrors?.length ? fieldErrors : [describeError(err)]);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${formId}-title`}>
      <p className="breadcrumb">
        <Link to="/orders">← Orders</Link>
      </p>
      <h1 id={`${formId}-title`}>New order</h1>
      <form className="order-form" onSubmit={(event) => void submit(event)}>
        <fieldset>
          <legend>Items</legend>
          {rows.map((row, i) => (
            <div className="item-row" key={row.key} role="group" aria-label={`Item ${i + 1}`}>
              <label>
                Name
                <input value={row.name} onChange={(e) => update(row.key, 'name', e.target.value)} required maxLength={200} />
              </label>
              <label>
                Quantity
                <input
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={row.quantity}
                  onChange={(e) => update(row.key, 'quantity', e.target.value)}
                  required
                />
              </label>
              <label>
                Unit price ({SHOP_CURRENCY})
                <input
                  inputMode="decimal"
                  placeholder="0.00"
                  pattern="\d+(\.\d{1,2})?"
                  value={row.unitPrice}
                  onChange={(e) => update(row.key, 'unitPrice', e.target.value)}
                  required
                />
              </label>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove item ${i + 1}`}
                disabled={rows.length === 1}
                onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}
              >
                <CloseIcon size={18} />
              </button>
            </div>
          ))}
          <button type="button" className="button button--quiet" onClick={() => setRows((all) => [...all, emptyRow()])}>
            Add item
          </button>
        </fieldset>
        <p className="order-total">
          Total: <strong>{total === undefined ? '—' : formatCents(total)}</strong>
        </p>
        {errors.length > 0 && (
          <ul className="form-error" role="alert">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        <button type="submit" className="button" disabled={!items || busy}>
          {busy ? 'Placing order…' : 'Place order'}
        </button>
      </form>
    </section>
  );
}
