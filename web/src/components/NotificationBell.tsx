// The header bell: a menu button (WAI-ARIA APG "Menu Button") listing the
// latest notifications, a thread's new messages collapsed into one entry with
// a count, under a header holding "Mark all read". Enter/Space/ArrowDown open
// it on the first notification, ArrowUp on the last; arrows, Home and End move
// (Mark all read is the first item); Escape closes it and returns focus to the
// bell; Tab closes it and moves on.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router-dom';

import { useNotifications } from '../app/notifications.tsx';
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

export function NotificationBell() {
  const { items, unreadCount, markRead, markAllRead } = useNotifications();
  const navigate = useNavigate();
  const now = useNow();
  const [open, setOpen] = useState(false);
  const bellRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<'first' | 'last' | null>(null);
  const menuId = useId();
  const bellId = useId();

  const menuItems = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  const openMenu = (focus: 'first' | 'last') => {
    pendingFocus.current = focus;
    setOpen(true);
  };
  const closeMenu = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) bellRef.current?.focus();
  };

  useEffect(() => {
    if (!open || !pendingFocus.current) return;
    const all = menuItems();
    // The first notification, not the header's Mark all read above it.
    const first = all.find((item) => !item.classList.contains('bell-mark-all')) ?? all[0];
    (pendingFocus.current === 'first' ? first : all.at(-1))?.focus();
    pendingFocus.current = null;
  }, [open]);

  // A click anywhere else closes the menu.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onBellKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openMenu(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const all = menuItems();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const moveTo = (i: number) => {
      event.preventDefault();
      all[(i + all.length) % all.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return moveTo(index + 1);
      case 'ArrowUp':
        return moveTo(index - 1);
      case 'Home':
        return moveTo(0);
      case 'End':
        return moveTo(all.length - 1);
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        return closeMenu(true);
      case 'Tab':
        return closeMenu(false);
    }
  };

  const activate = (entry: BellEntry) => {
    entry.notifications.forEach(markRead);
    closeMenu(false);
    const target = notificationTarget(entry.newest);
    if (target) void navigate(target);
  };
  const entries = bellEntries(items);

  const label = unreadCount > 0 ? `Notifications, ${unreadCount} unread` : 'Notifications';
  return (
    <div className="bell" ref={rootRef}>
      <button
        ref={bellRef}
        id={bellId}
        type="button"
        className="icon-button bell-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        onClick={() => (open ? closeMenu(false) : openMenu('first'))}
        onKeyDown={onBellKeyDown}
      >
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
          <div id={menuId} role="menu" aria-labelledby={bellId} ref={menuRef} onKeyDown={onMenuKeyDown}>
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
                  <span className="bell-item-detail">{notificationDetail(n)}</span>
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
