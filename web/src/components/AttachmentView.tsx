// An attachment inside a bubble: images inline, PDFs and videos as a link.
import { useState } from 'react';

import type { ChatMessage } from '../state/chatTimeline.ts';
import { useAttachmentUrl } from '../hooks/useAttachmentUrl.ts';
import { formatBytes } from '../lib/format.ts';
import { FileIcon, VideoIcon } from './icons.tsx';

export function AttachmentView({ entry }: { entry: ChatMessage }) {
  const { attachment, message } = entry;
  // Our own upload is shown from the local file; nothing to download.
  const url = useAttachmentUrl(
    attachment ? { file: attachment } : message.media ? { messageId: message.message_id } : null,
  );
  const type = attachment?.type ?? message.media?.content_type ?? '';
  const name = attachment?.name ?? message.media?.filename ?? 'attachment';
  const size = attachment?.size ?? message.media?.size_bytes;
  // A file the browser cannot show (say, text named .png that the server
  // refused) is offered as a file instead of a broken image.
  const [broken, setBroken] = useState(false);

  if (type.startsWith('image/') && !broken && !entry.permanent) {
    return url ? (
      <img className="bubble-image" src={url} alt={name} onError={() => setBroken(true)} />
    ) : (
      <span className="bubble-image bubble-image--loading">Loading {name}…</span>
    );
  }
  return (
    <a className="bubble-file" href={url ?? undefined} download={name} aria-disabled={url ? undefined : true}>
      {type.startsWith('video/') ? <VideoIcon /> : <FileIcon />} {name}
      {size !== undefined && <span className="bubble-file-size"> · {formatBytes(size)}</span>}
    </a>
  );
}
