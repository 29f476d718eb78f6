// Messages: a thread's history in the query cache, and the calls that need a
// non-JSON body (sending with an attachment, downloading one).
import type { InfiniteData } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';

import { useLiveReady } from '../app/liveEvents.tsx';
import { useQueryApi } from '../app/queries.tsx';
import { formatBytes } from '../lib/format.ts';
import type { ApiClient } from './client.ts';
import { inits, MESSAGE_PAGE_SIZE } from './queryKeys.ts';
import { expectOk } from './errors.ts';
import type { CreateMessageRequest, CreateMessageUpload, Message, Page } from './schema.ts';

/** The server's attachment limit: 5 MiB. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** Types the server accepts (it sniffs the bytes; this is the file picker's hint). */
export const ACCEPTED_ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'video/mp4',
  'video/webm',
] as const;

/**
 * Why `file` cannot be attached, or null. The server sniffs the bytes and has
 * the last word; this catches the common mistakes before a 5 MiB upload.
 */
export function attachmentProblem(file: File): string | null {
  if (file.size > MAX_ATTACHMENT_BYTES) {
    return `“${file.name}” is ${formatBytes(file.size)}; attachments can be at most 5 MiB.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  const accepted: readonly string[] = ACCEPTED_ATTACHMENT_TYPES;
  if (file.type && !accepted.includes(file.type)) {
    return `“${file.name}” cannot be sent: attach an image (PNG, JPEG, GIF, WebP), a PDF, or an MP4/WebM video.`;
  }
  return null;
}

/** How many of a thread's newest messages the chat keeps in memory. */
export const MAX_KEPT_MESSAGES = 2000;

type MessagesPage = Page<Message>;
export type MessagesData = InfiniteData<MessagesPage, unknown>;

export interface MessageHistory {
  /** Oldest first, at most MAX_KEPT_MESSAGES, ending with the newest (once `complete`). */
  messages: Message[] | undefined;
  /** True when older messages were left out to respect MAX_KEPT_MESSAGES. */
  droppedOlder: boolean;
  /** Every page up to the newest is loaded. */
  complete: boolean;
  error: unknown;
  /** Automatic retries have not given up yet (a transient failure). */
  failureReason: unknown;
  refetch: () => void;
}

/** The messages of all loaded pages, oldest first. */
export function messagesOf(data: MessagesData | undefined): Message[] | undefined {
  return data?.pages.flatMap((page) => page.items);
}

/**
 * A thread's messages: an infinite query over GET /messages.
 *
 * The API pages oldest first and only forward, while a chat opens at the
 * newest message. So the history walks every page (fetchNextPage until there
 * is no next_cursor), keeping the newest MAX_KEPT_MESSAGES (`maxPages`: older
 * pages are dropped, and a refetch starts from the oldest page kept); the
 * chat reveals older ones on scroll-up from memory, without more requests.
 */
export function useMessageHistory(threadId: string): MessageHistory {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  const query = queryApi.useInfiniteQuery('get', '/messages', inits.messages(threadId), {
    enabled: ready,
    initialPageParam: null,
    getNextPageParam: (page: MessagesPage) => page.next_cursor,
    maxPages: MAX_KEPT_MESSAGES / MESSAGE_PAGE_SIZE,
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const { data, refetch } = query;
  // One array per answer: the chat seeds its timeline when this changes.
  const messages = useMemo(() => messagesOf(data), [data]);
  return {
    messages,
    droppedOlder: (data?.pageParams[0] ?? null) !== null,
    complete: data !== undefined && !hasNextPage,
    error: query.error,
    failureReason: query.failureReason,
    refetch: useCallback(() => void refetch(), [refetch]),
  };
}

/**
 * The body the chat always sends: with a client-chosen message_id, posting again returns the
 * stored message; `visibility: 'internal'` makes it a note (admins only).
 */
export type NewMessage = Required<Pick<CreateMessageRequest, 'thread_id' | 'message_content' | 'message_id'>> &
  Pick<CreateMessageRequest, 'visibility'>;

/** How long a send may take before the bubble offers "Retry". */
const SEND_TIMEOUT_MS = 30_000;

/**
 * Posts a message: `POST /messages` (JSON) for text, `POST /messages/upload`
 * (multipart/form-data, the file as the part `media_data`) when it carries an
 * attachment. Both take the same client message_id, so a retry of either
 * answers with the stored message instead of posting it twice.
 */
export async function postMessage(api: ApiClient, message: NewMessage, attachment?: File): Promise<Message> {
  const signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
  if (!attachment) {
    return expectOk(api.POST('/messages', { body: message, signal }));
  }
  return expectOk(
    api.POST('/messages/upload', {
      body: { ...message, media_data: binaryPart(attachment) },
      signal,
      bodySerializer: ({ media_data: _file, ...fields }) => {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) {
          if (value !== undefined) form.append(name, value);
        }
        // The file part last, with its name: the server reads the fields first.
        form.append('media_data', attachment, attachment.name);
        return form;
      },
    }),
  );
}

/**
 * The generated `CreateMessageUpload` types the file part (`format: binary`)
 * as `string`, as openapi-typescript does without a `transform`; the body
 * serializer above sends the File itself. This is the one place that bridges
 * the two.
 */
function binaryPart(file: File): CreateMessageUpload['media_data'] {
  return file as unknown as CreateMessageUpload['media_data'];
}

/** Downloads an attachment (it needs the bearer header, so no plain <img src>). */
export async function fetchAttachment(api: ApiClient, messageId: string): Promise<Blob> {
  return expectOk(
    api.GET('/messages/{message_id}/media', {
      params: { path: { message_id: messageId } },
      parseAs: 'blob',
    }),
  );
}

/** A v4 UUID for a new message (randomUUID needs a secure context; fall back elsewhere). */
export function newMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
