/** The message box: Enter sends, Shift+Enter breaks the line; typing tells the room (at most every few seconds). */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Chat, ChatMessage } from '../../sdk/index.js';
import { shortUserId } from './session.js';

/** sendTyping at most this often while the text changes; readers show it a little longer. */
const TYPING_REPEAT_MS = 3_000;
const MAX_BODY = 4_000;

interface ComposerProps {
  /** The text box's name. */
  readonly label: string;
  /** The form's name. */
  readonly formLabel: string;
  readonly placeholder: string;
  readonly chat: Chat;
  readonly roomId: string;
  readonly me: string;
  readonly replyTo?: ChatMessage | null;
  readonly onCancelReply?: () => void;
  readonly onSend: (body: string) => Promise<void>;
  readonly onError: (failure: unknown) => void;
}

export function Composer({ label, formLabel, placeholder, chat, roomId, me, replyTo, onCancelReply, onSend, onError }: ComposerProps) {
  const [body, setBody] = useState('');
  const lastTypingSent = useRef(0);
  const input = useRef<HTMLTextAreaElement>(null);

  const stopTyping = () => {
    if (lastTypingSent.current === 0) return;
    lastTypingSent.current = 0;
    chat.typing.send(roomId, false).catch(() => undefined);
  };

  // Leaving the room while typing clears the indicator for the others.
  useEffect(
    () => () => {
      if (lastTypingSent.current !== 0) chat.typing.send(roomId, false).catch(() => undefined);
    },
    [chat, roomId],
  );

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  const change = (text: string) => {
    setBody(text);
    if (text.trim() === '') {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - lastTypingSent.current < TYPING_REPEAT_MS) return;
    lastTypingSent.current = now;
    chat.typing.send(roomId, true).catch(() => undefined);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = body.trim();
    if (text === '') return;
    setBody('');
    stopTyping();
    try {
      await onSend(text);
    } catch (failure) {
      setBody(text);
      onError(failure);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'Escape' && replyTo) {
      onCancelReply?.();
    }
  };

  return (
    <form className="composer" aria-label={formLabel} onSubmit={(event) => void submit(event)}>
      {replyTo && (
        <p className="replying">
          Replying to {replyTo.authorId === me ? 'yourself' : shortUserId(replyTo.authorId)}:{' '}
          <q>{excerpt(replyTo.body)}</q>{' '}
          <button type="button" className="small" onClick={onCancelReply}>
            Cancel reply
          </button>
        </p>
      )}
      <textarea
        ref={input}
        aria-label={label}
        rows={2}
        maxLength={MAX_BODY}
        placeholder={placeholder}
        value={body}
        onChange={(event) => change(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" disabled={body.trim() === ''}>
        Send
      </button>
    </form>
  );
}

export function excerpt(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
