// One chat bubble: customers' on the left, support's on the right.
import type { Owner } from '../api/schema.ts';
import type { ChatMessage } from '../state/chatTimeline.ts';
import { formatClock } from '../lib/format.ts';
import { AttachmentView } from './AttachmentView.tsx';
import { ClockIcon } from './icons.tsx';

function authorName(owner: Owner, viewerSide: Owner): string {
  if (owner === viewerSide) return 'You';
  return owner === 'admin' ? 'Support' : 'Customer';
}

function DeliveryMark({ entry }: { entry: ChatMessage }) {
  const [glyph, label] =
    entry.delivery === 'sending'
      ? [<ClockIcon key="clock" />, 'Sending']
      : entry.delivery === 'failed'
        ? ['!', 'Not sent']
        : entry.message.seen
          ? ['✓✓', 'Seen']
          : ['✓', 'Sent'];
  return (
    <span className={`delivery delivery--${entry.message.seen ? 'seen' : entry.delivery}`} title={label}>
      <span aria-hidden="true">{glyph}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

interface MessageBubbleProps {
  entry: ChatMessage;
  viewerSide: Owner;
  onRetry: (messageId: string) => void;
  onDiscard: (messageId: string) => void;
}

export function MessageBubble({ entry, viewerSide, onRetry, onDiscard }: MessageBubbleProps) {
  const { message } = entry;
  const mine = message.owner === viewerSide;
  const hasAttachment = Boolean(entry.attachment ?? message.media);
  return (
    <li className={`bubble-row bubble-row--${message.owner}`}>
      <div
        className={`bubble bubble--${message.owner}`}
        data-message-id={message.message_id}
        data-delivery={entry.delivery}
      >
        <span className="bubble-author">{authorName(message.owner, viewerSide)}</span>
        {hasAttachment && <AttachmentView entry={entry} />}
        {message.message_content && <p className="bubble-text">{message.message_content}</p>}
        <span className="bubble-meta">
          <time dateTime={message.created_at} title={new Date(message.created_at).toLocaleString()}>
            {formatClock(message.created_at)}
          </time>
          {mine && <DeliveryMark entry={entry} />}
        </span>
        {entry.delivery === 'failed' && (
          <span className="bubble-failed">
            Not sent{entry.error ? `: ${entry.error}` : ''}{' '}
            {/* A permanent refusal (say, 415) would be refused again: only Discard. */}
            {!entry.permanent && (
              <button type="button" className="link-button" onClick={() => onRetry(message.message_id)}>
                Retry
              </button>
            )}{' '}
            <button type="button" className="link-button" onClick={() => onDiscard(message.message_id)}>
              Discard
            </button>
          </span>
        )}
      </div>
    </li>
  );
}
