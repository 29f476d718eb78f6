// An object URL for an attachment: the local file of a message being sent,
// or the stored bytes (fetched with the bearer token, which <img src> cannot send).
import { useEffect, useState } from 'react';

import { fetchAttachment } from '../api/messages.ts';
import { useApi } from '../app/session.tsx';

export function useAttachmentUrl(source: { file: File } | { messageId: string } | null): string | null {
  const api = useApi();
  const [url, setUrl] = useState<string | null>(null);
  const file = source && 'file' in source ? source.file : null;
  const messageId = source && 'messageId' in source ? source.messageId : null;

  useEffect(() => {
    if (!file && !messageId) return;
    let objectUrl: string | null = null;
    let current = true;
    const show = (blob: Blob) => {
      if (!current) return;
      objectUrl = URL.createObjectURL(blob);
      setUrl(objectUrl);
    };
    if (file) show(file);
    else if (messageId) fetchAttachment(api, messageId).then(show, (err: unknown) => console.warn('orderchat: attachment', err));
    return () => {
      current = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [api, file, messageId]);

  return url;
}
