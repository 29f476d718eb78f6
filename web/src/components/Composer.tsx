// Writes a message: text (Enter sends, Shift+Enter is a new line) and one
// optional attachment, checked before upload. An admin can switch it to an
// internal note (openapi.yaml: MessageVisibility), which only the team sees: the
// composer then changes colour and says so, until switched back.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';

import { ACCEPTED_ATTACHMENT_TYPES, attachmentProblem } from '../api/messages.ts';
import type { MessageVisibility } from '../api/schema.ts';
import { useAttachmentUrl } from '../hooks/useAttachmentUrl.ts';
import { loadDraft, loadNoteMode, saveDraft, saveNoteMode } from '../state/chatDrafts.ts';
import { formatBytes } from '../lib/format.ts';
import { CloseIcon, FileIcon, LockIcon, PaperclipIcon } from './icons.tsx';

interface ComposerProps {
  disabled: boolean;
  onSend: (text: string, attachment: File | undefined, visibility: MessageVisibility) => void;
  inputRef: Ref<HTMLTextAreaElement>;
  /** Where the draft is kept until sent (the order id): it survives leaving the page. */
  draftKey: string;
  /** Offers the Note switch (admins). */
  canWriteNotes: boolean;
}

export function Composer({ disabled, onSend, inputRef, draftKey, canWriteNotes }: ComposerProps) {
  const [text, setText] = useState(() => loadDraft(draftKey));
  // Kept with the draft: a note restored after a reload must not go out as a reply.
  const [note, setNote] = useState(() => canWriteNotes && loadNoteMode(draftKey));
  const [file, setFile] = useState<File | null>(null);
  const [previewBroken, setPreviewBroken] = useState(false);
  useEffect(() => saveDraft(draftKey, text), [draftKey, text]);
  useEffect(() => saveNoteMode(draftKey, note), [draftKey, note]);
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const textId = useId();
  const hintId = useId();
  const preview = useAttachmentUrl(file?.type.startsWith('image/') ? { file } : null);
  const canSend = !disabled && (text.trim() !== '' || file !== null);

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    const reason = attachmentProblem(chosen);
    setProblem(reason);
    setPreviewBroken(false);
    setFile(reason ? null : chosen);
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    onSend(text.trim(), file ?? undefined, note ? 'internal' : 'public');
    setText('');
    setFile(null);
    setProblem(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form className={`composer${note ? ' composer--note' : ''}`} onSubmit={submit}>
      {canWriteNotes && (
        <div className="composer-mode">
          <button
            type="button"
            className="note-toggle"
            aria-pressed={note}
            disabled={disabled}
            onClick={() => setNote((on) => !on)}
          >
            <LockIcon size={14} />
            Note
          </button>
          {note && (
            <span id={hintId} className="composer-hint">
              Only your team sees this
            </span>
          )}
        </div>
      )}
      {problem && (
        <p className="composer-problem" role="alert">
          {problem}
        </p>
      )}
      {file && (
        <div className="composer-attachment">
          {preview && !previewBroken ? <img src={preview} alt="" onError={() => setPreviewBroken(true)} /> : <FileIcon />}
          <span className="composer-attachment-name">
            {file.name} · {formatBytes(file.size)}
          </span>
          <button type="button" className="icon-button" aria-label={`Remove ${file.name}`} onClick={() => setFile(null)}>
            <CloseIcon size={16} />
          </button>
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label="Attach a file"
          title="Attach an image, PDF or video (at most 5 MiB)"
          disabled={disabled}
          onClick={() => fileInput.current?.click()}
        >
          <PaperclipIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          accept={ACCEPTED_ATTACHMENT_TYPES.join(',')}
          onChange={(event) => {
            choose(event.target.files?.[0]);
            event.target.value = ''; // choosing the same file again still fires
          }}
        />
        <label className="visually-hidden" htmlFor={textId}>
          Message
        </label>
        <textarea
          id={textId}
          ref={inputRef}
          rows={1}
          maxLength={4000}
          value={text}
          disabled={disabled}
          aria-describedby={note ? hintId : undefined}
          placeholder={disabled ? 'Message' : note ? 'Write a note for your team' : 'Type a message'}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button send-button" disabled={!canSend}>
          {note ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}
