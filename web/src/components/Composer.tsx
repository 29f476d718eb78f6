// Writes a message: text (Enter sends, Shift+Enter is a new line) and one
// optional attachment, checked before upload.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';

import { ACCEPTED_ATTACHMENT_TYPES, attachmentProblem } from '../api/messages.ts';
import { useAttachmentUrl } from '../hooks/useAttachmentUrl.ts';
import { loadDraft, saveDraft } from '../state/chatDrafts.ts';
import { formatBytes } from '../lib/format.ts';
import { CloseIcon, FileIcon, PaperclipIcon } from './icons.tsx';

interface ComposerProps {
  disabled: boolean;
  onSend: (text: string, attachment?: File) => void;
  inputRef: Ref<HTMLTextAreaElement>;
  /** Where the draft is kept until sent (the order id): it survives leaving the page. */
  draftKey: string;
}

export function Composer({ disabled, onSend, inputRef, draftKey }: ComposerProps) {
  const [text, setText] = useState(() => loadDraft(draftKey));
  const [file, setFile] = useState<File | null>(null);
  const [previewBroken, setPreviewBroken] = useState(false);
  useEffect(() => saveDraft(draftKey, text), [draftKey, text]);
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const textId = useId();
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
    onSend(text.trim(), file ?? undefined);
    setText('');
    setFile(null);
    setProblem(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  return (
    <form className="composer" onSubmit={submit}>
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
          placeholder={disabled ? 'Message' : 'Type a message'}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="button send-button" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}
