/** One message: author and time, body or tombstone, the message it replies to, reactions and actions. */
import { useState, type FormEvent } from 'react';
import type { ChatMessage } from '../../sdk/index.js';
import { excerpt } from './Composer.js';
import { shortUserId } from './session.js';

/** The quick reactions offered on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

export interface MessageActions {
  reply(message: ChatMessage): void;
  openThread(message: ChatMessage): void;
  edit(message: ChatMessage, body: string): Promise<void>;
  remove(message: ChatMessage): Promise<void>;
  react(message: ChatMessage, emoji: string): Promise<void>;
  toggleReaction(message: ChatMessage, emoji: string): Promise<void>;
}

interface MessageItemProps {
  readonly message: ChatMessage;
  readonly me: string;
  readonly repliedTo?: ChatMessage;
  readonly actions: MessageActions;
  /** In a thread panel: no "reply in thread" link back to itself. */
  readonly inThread?: boolean;
}

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function MessageItem({ message, me, repliedTo, actions, inThread = false }: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const mine = message.authorId === me;
  const author = mine ? 'You' : shortUserId(message.authorId);
  const deleted = message.deletedAt !== null && message.deletedAt !== undefined;
  const edited = message.editedAt !== null && message.editedAt !== undefined;

  return (
    <li className={`message${mine ? ' mine' : ''}${deleted ? ' deleted' : ''}`} aria-label={`Message from ${author}`}>
      <p className="meta">
        <span className="author">{author}</span> <time dateTime={message.createdAt}>{timeOf(message.createdAt)}</time>
        {edited && !deleted && <span className="edited"> (edited)</span>}
      </p>
      {message.replyToId && !inThread && (
        <p className="quote">
          ↪ in reply to{' '}
          {repliedTo === undefined ? (
            'an earlier message'
          ) : (
            <>
              {repliedTo.authorId === me ? 'you' : shortUserId(repliedTo.authorId)}: <q>{excerpt(repliedTo.body || 'deleted')}</q>
            </>
          )}
        </p>
      )}
      {deleted ? (
        <p className="body tombstone">This message was deleted.</p>
      ) : editing ? (
        <EditForm
          initial={message.body}
          onCancel={() => setEditing(false)}
          onSave={async (body) => {
            await actions.edit(message, body);
            setEditing(false);
          }}
        />
      ) : (
        <p className="body">{message.body}</p>
      )}
      {message.reactions.length > 0 && (
        <div role="group" aria-label="Reactions" className="reactions">
          {message.reactions.map((reaction) => (
            <button
              key={reaction.emoji}
              type="button"
              className="chip"
              title="Add or remove your reaction"
              onClick={() => void actions.toggleReaction(message, reaction.emoji)}
            >
              {reaction.emoji} {reaction.count}
            </button>
          ))}
        </div>
      )}
      {!deleted && !editing && (
        <div role="group" aria-label="Message actions" className="actions">
          {QUICK_REACTIONS.map((emoji) => (
            <button key={emoji} type="button" className="small ghost" aria-label={`React with ${emoji}`} onClick={() => void actions.react(message, emoji)}>
              {emoji}
            </button>
          ))}
          {!inThread && (
            <button type="button" className="small ghost" onClick={() => actions.reply(message)}>
              Reply
            </button>
          )}
          {mine && (
            <>
              <button type="button" className="small ghost" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button type="button" className="small ghost" onClick={() => void actions.remove(message)}>
                Delete
              </button>
            </>
          )}
        </div>
      )}
      {!inThread && (message.replyCount > 0 || message.threadId) && (
        <button type="button" className="small link" onClick={() => actions.openThread(message)}>
          {message.replyCount > 0 ? `${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'}` : 'View thread'}
        </button>
      )}
    </li>
  );
}

function EditForm(props: { initial: string; onSave: (body: string) => Promise<void>; onCancel: () => void }) {
  const [body, setBody] = useState(props.initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (text === '' || text === props.initial) props.onCancel();
    else void props.onSave(text);
  };
  return (
    <form className="edit" aria-label="Edit message" onSubmit={submit}>
      <input
        aria-label="Edited message"
        autoFocus
        maxLength={4_000}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => event.key === 'Escape' && props.onCancel()}
      />
      <button type="submit" className="small">
        Save
      </button>
      <button type="button" className="small ghost" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
