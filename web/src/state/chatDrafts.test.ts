import { describe, expect, it } from 'vitest';

import { ADA, CUSTOMER, message, ORDER, THREAD, uuid } from '../testing/fixtures.ts';
import { chatReducer, initialChatState } from './chatTimeline.ts';
import {
  forgetUnsent,
  keepUnsent,
  loadDraft,
  loadNoteMode,
  loadUnsent,
  saveDraft,
  saveNoteMode,
  unsentAsMessage,
  type KeyValueStore,
} from './chatDrafts.ts';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const unsent = (n: number) => ({
  message_id: uuid(n),
  thread_id: THREAD,
  message_content: `unsent ${n}`,
  created_at: '2026-11-25T12:00:00Z',
  error: 'Cannot reach the server.',
});

describe('drafts, per order', () => {
  it('keeps a draft until it is emptied', () => {
    const store = memoryStore();
    saveDraft(ORDER, 'half a sentence', store);
    expect(loadDraft(ORDER, store)).toBe('half a sentence');
    expect(loadDraft('another-order', store)).toBe('');
    saveDraft(ORDER, '', store);
    expect(store.data.size).toBe(0);
  });

  it('remembers that an admin was writing a note, so that the restored draft stays one', () => {
    const store = memoryStore();
    saveNoteMode(ORDER, true, store);
    expect(loadNoteMode(ORDER, store)).toBe(true);
    expect(loadNoteMode('another-order', store)).toBe(false);
    saveNoteMode(ORDER, false, store);
    expect(store.data.size).toBe(0);
  });
});

describe('unsent messages, per order', () => {
  it('are kept by message_id until sent or discarded', () => {
    const store = memoryStore();
    keepUnsent(ORDER, unsent(1), store);
    keepUnsent(ORDER, unsent(2), store);
    keepUnsent(ORDER, { ...unsent(1), error: 'again' }, store);
    expect(loadUnsent(ORDER, store).map((m) => [m.message_id, m.error])).toEqual([
      [uuid(1), 'again'],
      [uuid(2), 'Cannot reach the server.'],
    ]);
    forgetUnsent(ORDER, uuid(1), store);
    forgetUnsent(ORDER, uuid(2), store);
    expect(loadUnsent(ORDER, store)).toEqual([]);
    expect(store.data.size).toBe(0);
  });

  it('an unsent note comes back as a note, so that Retry posts it as one', () => {
    const store = memoryStore();
    keepUnsent(ORDER, { ...unsent(4), visibility: 'internal' }, store);
    keepUnsent(ORDER, unsent(5), store);
    const [note, reply] = loadUnsent(ORDER, store).map((m) => unsentAsMessage(m, ADA));
    expect(note).toMatchObject({ visibility: 'internal', owner: 'admin', author: ADA });
    expect(reply?.visibility).toBe('public');
    store.setItem(`orderchat.unsent.${ORDER}`, JSON.stringify([{ ...unsent(6), visibility: 'secret' }]));
    expect(loadUnsent(ORDER, store)).toEqual([]);
  });

  it('ignores what it cannot read', () => {
    const store = memoryStore();
    store.setItem(`orderchat.unsent.${ORDER}`, '{not json');
    expect(loadUnsent(ORDER, store)).toEqual([]);
    store.setItem(`orderchat.unsent.${ORDER}`, JSON.stringify([{ message_id: 1 }, unsent(3)]));
    expect(loadUnsent(ORDER, store).map((m) => m.message_id)).toEqual([uuid(3)]);
  });
});

describe('the timeline: permanent failures and discarding', () => {
  const started = (n: number) =>
    chatReducer(initialChatState(THREAD, 'user', CUSTOMER.id), {
      type: 'send_started',
      message: message(n, { message_content: 'x', created_at: '2026-11-25T12:00:00Z', updated_at: '2026-11-25T12:00:00Z' }),
    });

  it('marks a refused message permanent, and Discard removes it', () => {
    const failed = chatReducer(started(1), { type: 'send_failed', messageId: uuid(1), error: 'refused', permanent: true });
    expect(failed.messages[0]).toMatchObject({ delivery: 'failed', error: 'refused', permanent: true });
    const gone = chatReducer(failed, { type: 'send_discarded', messageId: uuid(1) });
    expect(gone.messages).toEqual([]);
  });

  it('a transient failure is not permanent', () => {
    const failed = chatReducer(started(2), { type: 'send_failed', messageId: uuid(2), error: 'offline' });
    expect(failed.messages[0]?.permanent).toBeUndefined();
  });
});
