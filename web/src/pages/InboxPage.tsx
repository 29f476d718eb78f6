// Admins' inbox: the threads assigned to them ("Mine"), the unassigned ones, or all of
// them (`?assignee=me|nobody`, the spec's listThreads filter), newest activity first, with
// the customer, the assignee and unread counts.
import { Link, useSearchParams } from 'react-router-dom';

import type { InboxFilter, Thread } from '../api/schema.ts';
import { useInbox } from '../api/threads.ts';
import { useSession } from '../app/session.tsx';
import { AssignMenu } from '../components/AssignMenu.tsx';
import { CustomerName } from '../components/CustomerName.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useNow } from '../hooks/useNow.ts';
import { pagedView } from '../hooks/pagedView.ts';
import { shortId } from '../lib/format.ts';
import { messageSummary } from '../lib/people.ts';
import { formatRelativeTime } from '../lib/relativeTime.ts';

const TABS: ReadonlyArray<{ filter: InboxFilter | undefined; label: string; empty: string }> = [
  { filter: 'me', label: 'Mine', empty: 'Nothing is assigned to you.' },
  { filter: 'nobody', label: 'Unassigned', empty: 'Every conversation has someone handling it.' },
  { filter: undefined, label: 'All', empty: 'No conversations yet.' },
];

function parseFilter(value: string | null): InboxFilter | undefined {
  return value === 'me' || value === 'nobody' ? value : undefined;
}

export function InboxPage() {
  const { viewer } = useSession();
  const [params] = useSearchParams();
  const filter = parseFilter(params.get('assignee'));
  const tab = TABS.find((t) => t.filter === filter)!;
  useDocumentTitle(filter ? `Inbox · ${tab.label}` : 'Inbox');
  // New messages, closures, read markers and assignments update it (api/liveCache.ts).
  const threads = pagedView(useInbox(filter, viewer.role === 'admin'));

  if (viewer.role !== 'admin') {
    return (
      <div className="card">
        <h1>Inbox</h1>
        <p>
          The inbox is for support staff. Your conversations are on your <Link to="/orders">orders</Link>.
        </p>
      </div>
    );
  }

  return (
    <section aria-labelledby="inbox-title">
      <div className="page-head">
        <h1 id="inbox-title">Inbox</h1>
        <nav className="tabs" aria-label="Which conversations">
          {TABS.map((t) => (
            <Link
              key={t.label}
              to={{ search: t.filter ? `?assignee=${t.filter}` : '' }}
              className="tab"
              aria-current={t.filter === filter ? 'page' : undefined}
            >
              {t.label}
            </Link>
          ))}
        </nav>
      </div>
      {threads.error !== null && <LoadError error={threads.error} onRetry={threads.retry} />}
      {!threads.items && !threads.error && (
        <p className="muted">{threads.retrying ? 'Cannot reach the server. Trying again…' : 'Loading conversations…'}</p>
      )}
      {threads.items?.length === 0 && <p className="empty">{tab.empty}</p>}
      <ul className="card-list">
        {threads.items?.map((thread) => <ThreadRow key={thread.thread_id} thread={thread} />)}
      </ul>
      {threads.hasMore && (
        <button type="button" className="button button--quiet" onClick={threads.loadMore} disabled={threads.loadingMore}>
          {threads.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}

function ThreadRow({ thread }: { thread: Thread }) {
  const { viewer } = useSession();
  const now = useNow();
  const unread = thread.unread_count;
  const last = thread.last_message;
  return (
    <li className={`list-card list-card--thread${unread > 0 ? ' is-unread' : ''}`}>
      <Link to={`/orders/${thread.order_id}/chat`} className="list-card-link">
        <span className="list-card-title">
          <CustomerName customer={thread.customer} />
        </span>
        <span className="list-card-ref">Order {shortId(thread.order_id)}</span>
        {!thread.is_active && <span className="status status--closed">closed</span>}
        {unread > 0 && (
          <span className="badge" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )}
      </Link>
      <time className="list-card-time" dateTime={thread.updated_at}>
        {formatRelativeTime(thread.updated_at, now)}
      </time>
      <span className="list-card-detail">{last ? messageSummary(last, viewer) : 'No messages yet'}</span>
      <AssignMenu thread={thread} />
    </li>
  );
}
