// The floating chat of an order page (README.md: Web UI): a round launcher bottom-right
// and a panel that fades in. It opens by itself when the other side writes,
// unless the viewer minimized it on this page; then the launcher shows a badge.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';

import { describeError } from '../api/errors.ts';
import type { Order } from '../api/schema.ts';
import { useSession } from '../app/session.tsx';
import { useChatThread } from '../hooks/useChatThread.ts';
import { shortId } from '../lib/format.ts';
import { timelineOf, unreadCount } from '../state/chatTimeline.ts';
import { AssignMenu } from './AssignMenu.tsx';
import { ChatLog } from './ChatLog.tsx';
import { Composer } from './Composer.tsx';
import { ChatIcon, ChevronDownIcon, CloseIcon } from './icons.tsx';

interface ChatWidgetProps {
  order: Order;
  expanded: boolean;
  onExpandedChange: (expanded: boolean) => void;
}

export function ChatWidget({ order, expanded, onExpandedChange }: ChatWidgetProps) {
  const { viewer } = useSession();
  const minimizedByViewer = useRef(false);
  const focusComposer = useRef(false);
  const launcherRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const panelId = useId();
  const titleId = useId();

  const chat = useChatThread(order, () => {
    if (!minimizedByViewer.current) onExpandedChange(true);
  });
  const { state } = chat;
  const items = useMemo(() => timelineOf(state), [state]);
  const unread = unreadCount(state);

  const open = () => {
    focusComposer.current = true;
    onExpandedChange(true);
  };
  const minimize = () => {
    minimizedByViewer.current = true;
    onExpandedChange(false);
    launcherRef.current?.focus();
  };

  useEffect(() => {
    if (expanded && focusComposer.current) inputRef.current?.focus();
    focusComposer.current = false;
  }, [expanded]);

  // Reading happens while the panel is open and the tab is in front.
  const { markRead } = chat;
  useEffect(() => {
    if (!expanded) return;
    const readIfVisible = () => {
      if (document.visibilityState === 'visible') markRead();
    };
    readIfVisible();
    document.addEventListener('visibilitychange', readIfVisible);
    return () => document.removeEventListener('visibilitychange', readIfVisible);
  }, [expanded, unread, markRead]);

  const onPanelKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      minimize();
    }
  };

  const isAdmin = viewer.role === 'admin';
  const counterpart = isAdmin ? order.customer.display_name : 'support';
  return (
    <div className="chat-dock">
      <section
        id={panelId}
        className={`chat-panel${expanded ? ' is-open' : ''}`}
        aria-labelledby={titleId}
        onKeyDown={onPanelKeyDown}
      >
        <header className="chat-header">
          <div>
            <h2 id={titleId} className="chat-title">
              Chat · Order {shortId(order.order_id)}
            </h2>
            <p className="chat-subtitle">{state.isClosed ? `Closed · with ${counterpart}` : `With ${counterpart}`}</p>
          </div>
          {isAdmin && chat.thread && <AssignMenu thread={chat.thread} compact />}
          {isAdmin && !state.isClosed && <CloseThreadButton onClose={chat.closeThread} />}
          <button type="button" className="icon-button chat-minimize" aria-label="Minimize chat" onClick={minimize}>
            <ChevronDownIcon />
          </button>
        </header>
        {chat.loadError && (
          <p className="chat-error" role="alert">
            Could not load the chat: {chat.loadError}{' '}
            <button type="button" className="link-button" onClick={chat.reload}>
              Retry
            </button>
          </p>
        )}
        {!chat.loaded && !chat.loadError && (
          <p className="chat-note">{chat.retrying ? 'Cannot reach the server. Trying again…' : 'Loading messages…'}</p>
        )}
        <ChatLog
          items={items}
          viewer={viewer}
          droppedOlder={state.droppedOlder}
          visible={expanded}
          labelledBy={titleId}
          onRetry={chat.retry}
          onDiscard={chat.discard}
        />
        {state.isClosed && (
          <p className="chat-closed" role="status">
            This conversation is read-only.
          </p>
        )}
        <Composer
          disabled={state.isClosed}
          onSend={chat.send}
          inputRef={inputRef}
          draftKey={order.order_id}
          canWriteNotes={isAdmin}
        />
      </section>
      <button
        ref={launcherRef}
        type="button"
        className="chat-launcher"
        aria-expanded={expanded}
        aria-controls={panelId}
        aria-label={`${expanded ? 'Hide' : 'Open'} chat${unread > 0 ? `, ${unread} unread` : ''}`}
        onClick={expanded ? minimize : open}
      >
        {expanded ? <CloseIcon size={24} /> : <ChatIcon />}
        {!expanded && unread > 0 && (
          <span className="badge chat-launcher-badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
    </div>
  );
}

/** Two steps, so that one stray click cannot lock a conversation. */
function CloseThreadButton({ onClose }: { onClose: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setBusy(true);
    onClose().then(
      () => setConfirming(false),
      (err: unknown) => {
        setError(describeError(err));
        setBusy(false);
      },
    );
  };

  if (!confirming) {
    return (
      <button type="button" className="button button--quiet" onClick={() => setConfirming(true)}>
        Close thread
      </button>
    );
  }
  return (
    <div className="chat-confirm" role="group" aria-label="Close this thread?">
      <button type="button" className="button button--danger" onClick={close} disabled={busy}>
        Confirm close
      </button>
      <button type="button" className="button button--quiet" onClick={() => setConfirming(false)} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span className="floating-error chat-confirm-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
