// The header bell: a menu button (hooks/useMenuButton.ts) listing the latest
// notifications, a thread's new messages collapsed into one entry with a count, under a
// header holding "Mark all read". Opening it focuses the first notification (ArrowUp: the
// last); Mark all read is the first item.
import { useNavigate } from 'react-router-dom';

import { useNotifications } from '../app/notifications.tsx';
import { useSession } from '../app/session.tsx';
import { useMenuButton } from '../hooks/useMenuButton.ts';
import { useNow } from '../hooks/useNow.ts';
import { formatRelativeTime } from '../lib/relativeTime.ts';
import {
  bellEntries,
  bellEntryLabel,
  notificationDetail,
  notificationReference,
  notificationTarget,
  type BellEntry,
} from '../state/notifications.ts';
import { BellIcon } from './icons.tsx';

/** The first notification, not the header's Mark all read above it. */
const firstNotification = (items: HTMLElement[]) => items.find((item) => !item.classList.contains('bell-mark-all'));

export function NotificationBell() {
  const { items, unreadCount, markRead, markAllRead } = useNotifications();
  const { viewer } = useSession();
  const navigate = useNavigate();
  const now = useNow();
  const { open, close, rootRef, buttonProps, menuProps } = useMenuButton(firstNotification);

  const activate = (entry: BellEntry) => {
    entry.notifications.forEach(markRead);
    close(false);
    const target = notificationTarget(entry.newest);
    if (target) void navigate(target);
  };
  const entries = bellEntries(items);

  const label = unreadCount > 0 ? `Notifications, ${unreadCount} unread` : 'Notifications';
  return (
    <div className="bell" ref={rootRef}>
      <button {...buttonProps} className="icon-button bell-button" aria-label={label}>
        <BellIcon />
        {unreadCount > 0 && (
          <span className="badge bell-badge" aria-hidden="true">
            {unreadCount > 99 ? '99+' : unreadCount}
          </span>
        )}
      </button>
      <span className="visually-hidden" role="status">
        {unreadCount > 0 ? `${unreadCount} unread notifications` : ''}
      </span>
      {open && (
        <div className="bell-popover">
          <div {...menuProps}>
            <div className="bell-header" role="none">
              <span className="bell-heading" aria-hidden="true">
                Notifications
              </span>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="bell-mark-all"
                aria-disabled={unreadCount === 0}
                onClick={() => unreadCount > 0 && markAllRead()}
              >
                Mark all read
              </button>
            </div>
            {entries.length === 0 && (
              <div role="menuitem" tabIndex={-1} aria-disabled="true" className="bell-empty">
                No notifications yet
              </div>
            )}
            {entries.map((entry) => {
              const n = entry.newest;
              return (
                <button
                  key={entry.key}
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className={`bell-item${entry.unread > 0 ? ' is-unread' : ''}`}
                  data-count={entry.notifications.length}
                  onClick={() => activate(entry)}
                >
                  <span className="bell-item-top">
                    <span className="bell-item-label">
                      {entry.unread > 0 && <span className="visually-hidden">Unread: </span>}
                      {bellEntryLabel(entry)}
                    </span>
                    <time className="bell-item-time" dateTime={n.created_at}>
                      {formatRelativeTime(n.created_at, now)}
                    </time>
                  </span>
                  <span className="bell-item-detail">{notificationDetail(n, viewer)}</span>
                  <span className="bell-item-ref">{notificationReference(n)}</span>
                </button>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
