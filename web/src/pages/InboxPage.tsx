// Admins' inbox: every thread, newest activity first, with unread counts.
import { Link } from 'react-router-dom';

import type { Thread } from '../api/schema.ts';
import { useInbox } from '../api/threads.ts';
import { useSession } from '../app/session.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useNow } from '../hooks/useNow.ts';
import { pagedView } from '../hooks/pagedView.ts';
import { shortId } from '../lib/format.ts';
import { formatRelativeTime } from '../lib/relativeTime.ts';

export function InboxPage() {
  const { viewer } = useSession();
  useDocumentTitle('Inbox');
  // New messages, closures and read markers refetch it (api/liveCache.ts).
  const threads = pagedView(useInbox(viewer.role === 'admin'));

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
      </div>
      {threads.error !== null && <LoadError error={threads.error} onRetry={threads.retry} />}
      {!threads.items && !threads.error && (
        <p className="muted">{threads.retrying ? 'Cannot reach the server. Trying again…' : 'Loading conversations…'}</p>
      )}
      {threads.items?.length === 0 && <p className="empty">No conversations yet.</p>}
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

function preview(thread: Thread): string {
  const last = thread.last_message;
  if (!last) return 'No messages yet';
  const who = last.owner === 'admin' ? 'Support' : 'Customer';
  return `${who}: ${last.message_content || (last.has_media ? 'sent an attachment' : '')}`;
}

function ThreadRow({ thread }: { thread: Thread }) {
  const now = useNow();
  const unread = thread.unread_count;
  return (
    <li className={`list-card${unread > 0 ? ' is-unread' : ''}`}>
      <Link to={`/orders/${thread.order_id}/chat`} className="list-card-link">
        <span className="list-card-title">Order {shortId(thread.order_id)}</span>
        {!thread.is_active && <span className="status status--closed">closed</span>}
        {unread > 0 && (
          <span className="badge" aria-label={`${unread} unread`}>
            {unread}
          </span>
        )}
      </Link>
      <span className="list-card-detail">{preview(thread)}</span>
      <time className="list-card-time" dateTime={thread.updated_at}>
        {formatRelativeTime(thread.updated_at, now)}
      </time>
    </li>
  );
}
