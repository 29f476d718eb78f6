// Admins' inbox: every thread, newest activity first, with unread counts.
import { Link } from 'react-router-dom';

import { expectOk } from '../api/errors.ts';
import { isKnownEvent } from '../api/events.ts';
import type { Thread } from '../api/schema.ts';
import { useLiveEvent } from '../app/liveEvents.tsx';
import { useApi, useSession } from '../app/session.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useNow } from '../hooks/useNow.ts';
import { usePagedList } from '../hooks/usePagedList.ts';
import { shortId } from '../lib/format.ts';
import { formatRelativeTime } from '../lib/relativeTime.ts';

export function InboxPage() {
  const api = useApi();
  const { viewer } = useSession();
  useDocumentTitle('Inbox');
  const threads = usePagedList(
    (cursor, signal) => expectOk(api.GET('/threads', { params: { query: cursor ? { cursor } : {} }, signal })),
    [],
  );
  useLiveEvent((event) => {
    // New threads, messages, closures and read markers change the list; a status
    // change or a type this client does not know does not.
    if (isKnownEvent(event) && event.resource_type !== 'orders.updated') threads.reload();
  });

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
      {threads.error && (
        <p className="form-error" role="alert">
          {threads.error}
        </p>
      )}
      {!threads.items && !threads.error && <p className="muted">Loading conversations…</p>}
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
