// What the viewer wrote in an order's chat and has not got sent yet: the
// composer's draft (and, for an admin, whether it is a note), and the messages
// that failed to send. Kept per order in
// sessionStorage (this tab, until it closes), so that leaving the page and
// coming back loses nothing; removed once sent or discarded. A message with an
// attachment is not kept (a file cannot be stored there); its text is.
import type { Message, MessageVisibility, Person } from '../api/schema.ts';

/** What sessionStorage offers; a stand-in in tests. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A message the server has not confirmed: what Retry needs (the same message_id). */
export interface UnsentMessage {
  message_id: string;
  thread_id: string;
  message_content: string;
  created_at: string;
  error: string;
  permanent?: boolean;
  /** Set for a note, so that Retry posts it as one again (absent: public). */
  visibility?: MessageVisibility;
}

const draftKey = (orderId: string) => `orderchat.draft.${orderId}`;
const noteModeKey = (orderId: string) => `orderchat.note.${orderId}`;
const unsentKey = (orderId: string) => `orderchat.unsent.${orderId}`;

function defaultStore(): KeyValueStore | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled
  }
}

function write(store: KeyValueStore | null, key: string, value: string | null): void {
  try {
    if (value === null) store?.removeItem(key);
    else store?.setItem(key, value);
  } catch {
    // Full or disabled: the draft lives on screen only.
  }
}

export function loadDraft(orderId: string, store = defaultStore()): string {
  try {
    return store?.getItem(draftKey(orderId)) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the draft; an empty one is removed. */
export function saveDraft(orderId: string, text: string, store = defaultStore()): void {
  write(store, draftKey(orderId), text === '' ? null : text);
}

/** Whether the admin's composer was writing a note: a restored draft keeps its audience. */
export function loadNoteMode(orderId: string, store = defaultStore()): boolean {
  try {
    return store?.getItem(noteModeKey(orderId)) === 'internal';
  } catch {
    return false;
  }
}

export function saveNoteMode(orderId: string, on: boolean, store = defaultStore()): void {
  write(store, noteModeKey(orderId), on ? 'internal' : null);
}

function isUnsent(value: unknown): value is UnsentMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['message_id'] === 'string' &&
    typeof v['thread_id'] === 'string' &&
    typeof v['message_content'] === 'string' &&
    typeof v['created_at'] === 'string' &&
    typeof v['error'] === 'string' &&
    (v['visibility'] === undefined || v['visibility'] === 'public' || v['visibility'] === 'internal')
  );
}

export function loadUnsent(orderId: string, store = defaultStore()): UnsentMessage[] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(unsentKey(orderId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isUnsent) : [];
  } catch {
    return [];
  }
}

function saveAll(orderId: string, all: UnsentMessage[], store: KeyValueStore | null): void {
  write(store, unsentKey(orderId), all.length === 0 ? null : JSON.stringify(all));
}

/** Adds or updates (by message_id) an unsent message. */
export function keepUnsent(orderId: string, message: UnsentMessage, store = defaultStore()): void {
  const all = loadUnsent(orderId, store);
  const index = all.findIndex((m) => m.message_id === message.message_id);
  if (index >= 0) all[index] = message;
  else all.push(message);
  saveAll(orderId, all, store);
}

/** Forgets an unsent message: it was sent, or discarded. */
export function forgetUnsent(orderId: string, messageId: string, store = defaultStore()): void {
  const all = loadUnsent(orderId, store);
  const rest = all.filter((m) => m.message_id !== messageId);
  if (rest.length !== all.length) saveAll(orderId, rest, store);
}

/** The chat's draft of an unsent message by `author`, as the timeline shows it (a local bubble, "failed"). */
export function unsentAsMessage(unsent: UnsentMessage, author: Person): Message {
  return {
    message_id: unsent.message_id,
    thread_id: unsent.thread_id,
    message_content: unsent.message_content,
    owner: author.role,
    author,
    visibility: unsent.visibility ?? 'public',
    created_at: unsent.created_at,
    updated_at: unsent.created_at,
    media: null,
    seen: false,
  };
}
