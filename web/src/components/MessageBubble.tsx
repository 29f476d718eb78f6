// One chat bubble: customers' on the left, support's on the right, each with its
// author's name; an internal note (admins only) unmistakably marked as one.
import type { Viewer } from '../auth/token.ts';
import type { ChatMessage } from '../state/chatTimeline.ts';
import { formatClock } from '../lib/format.ts';
import { authorLabel } from '../lib/people.ts';
import { AttachmentView } from './AttachmentView.tsx';
import { ClockIcon, LockIcon } from './icons.tsx';

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
  viewer: Viewer;
  onRetry: (messageId: string) => void;
  onDiscard: (messageId: string) => void;
}

export function MessageBubble({ entry, viewer, onRetry, onDiscard }: MessageBubbleProps) {
  const { message } = entry;
  const mine = message.owner === viewer.role;
  const note = message.visibility === 'internal';
  const hasAttachment = Boolean(entry.attachment ?? message.media);
  return (
    <li className={`bubble-row bubble-row--${message.owner}`}>
      <div
        className={`bubble bubble--${message.owner}${note ? ' bubble--note' : ''}`}
        data-message-id={message.message_id}
        data-delivery={entry.delivery}
      >
        {note ? (
          <span className="bubble-author bubble-note-label">
            <LockIcon size={12} />
            Internal note · {message.author.display_name}
          </span>
        ) : (
          <span className="bubble-author">{authorLabel(message.author, viewer)}</span>
        )}
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
