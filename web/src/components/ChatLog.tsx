// The message list: a live region (role="log") that keeps the newest message
// in view, and reveals older ones on scroll-up (or "Load older messages").
import { useLayoutEffect, useRef, useState } from 'react';

import type { Viewer } from '../auth/token.ts';
import type { TimelineItem } from '../state/chatTimeline.ts';
import { formatClock } from '../lib/format.ts';
import { MessageBubble } from './MessageBubble.tsx';

/** How many items are rendered at first, and revealed per step. */
const WINDOW = 50;
/** Within this many pixels of the bottom, new messages scroll into view. */
const STICKY_PX = 48;

interface ChatLogProps {
  items: TimelineItem[];
  viewer: Viewer;
  /** Some older messages were not loaded at all (see walkMessages). */
  droppedOlder: boolean;
  visible: boolean;
  labelledBy: string;
  onRetry: (messageId: string) => void;
  onDiscard: (messageId: string) => void;
}

export function ChatLog({ items, viewer, droppedOlder, visible, labelledBy, onRetry, onDiscard }: ChatLogProps) {
  const [shown, setShown] = useState(WINDOW);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const keepOffsetFromBottom = useRef<number | null>(null);
  const rendered = items.slice(-shown);
  const hiddenOlder = items.length - rendered.length;
  const last = items.at(-1);
  const viewerSide = viewer.role;

  const revealOlder = () => {
    const log = logRef.current;
    if (log) keepOffsetFromBottom.current = log.scrollHeight - log.scrollTop;
    setShown((n) => n + WINDOW);
  };

  useLayoutEffect(() => {
    const log = logRef.current;
    if (!log) return;
    if (keepOffsetFromBottom.current !== null) {
      // Older items were added above: keep what the reader was looking at in place.
      log.scrollTop = log.scrollHeight - keepOffsetFromBottom.current;
      keepOffsetFromBottom.current = null;
      return;
    }
    const ownSend = last?.kind === 'message' && last.entry.message.owner === viewerSide && last.entry.delivery === 'sending';
    if (atBottom.current || ownSend) log.scrollTop = log.scrollHeight;
  }, [rendered.length, last, viewerSide]);

  useLayoutEffect(() => {
    const log = logRef.current;
    if (visible && log) {
      atBottom.current = true;
      log.scrollTop = log.scrollHeight;
    }
  }, [visible]);

  const onScroll = () => {
    const log = logRef.current;
    if (!log) return;
    atBottom.current = log.scrollHeight - log.scrollTop - log.clientHeight < STICKY_PX;
    if (log.scrollTop < 24 && hiddenOlder > 0) revealOlder();
  };

  return (
    <div className="chat-log" role="log" aria-labelledby={labelledBy} ref={logRef} onScroll={onScroll} tabIndex={0}>
      {hiddenOlder > 0 ? (
        <button type="button" className="load-older" onClick={revealOlder}>
          Load older messages
        </button>
      ) : (
        droppedOlder && <p className="chat-note">Older messages are not shown here.</p>
      )}
      {items.length === 0 && <p className="chat-note">No messages yet. Say hello!</p>}
      <ol className="chat-items">
        {rendered.map((item) =>
          item.kind === 'message' ? (
            <MessageBubble
              key={item.entry.message.message_id}
              entry={item.entry}
              viewer={viewer}
              onRetry={onRetry}
              onDiscard={onDiscard}
            />
          ) : (
            <li key={item.line.id} className="system-line">
              <span>
                {item.line.text}
                {item.line.at && <time dateTime={item.line.at}> · {formatClock(item.line.at)}</time>}
              </span>
            </li>
          ),
        )}
      </ol>
    </div>
  );
}
