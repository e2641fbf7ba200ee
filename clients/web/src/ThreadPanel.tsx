/** A thread beside the room: its root and replies (live, as the room's messages arrive), and a reply box. */
import { useEffect } from 'react';
import type { Chat, ChatMessage } from '../../sdk/index.js';
import { Composer } from './Composer.js';
import { MessageItem, type MessageActions } from './MessageItem.js';

interface ThreadPanelProps {
  readonly chat: Chat;
  readonly roomId: string;
  readonly rootId: string;
  readonly me: string;
  /** The thread as the room holds it, oldest first. */
  readonly messages: readonly ChatMessage[];
  readonly actions: MessageActions;
  readonly onLoaded: (messages: ChatMessage[]) => void;
  readonly onSend: (body: string) => Promise<void>;
  readonly onClose: () => void;
  readonly onError: (failure: unknown) => void;
}

const THREAD_PAGE = 100;

export function ThreadPanel({ chat, roomId, rootId, me, messages, actions, onLoaded, onSend, onClose, onError }: ThreadPanelProps) {
  // The root and every reply, however far back: the room's timeline may not reach them.
  useEffect(() => {
    let active = true;
    void (async () => {
      const root = await chat.messages.get(roomId, rootId);
      const replies: ChatMessage[] = [];
      let nextToken: string | null = null;
      do {
        const page: { items: ChatMessage[]; nextToken: string | null } = await chat.messages.thread(roomId, rootId, {
          limit: THREAD_PAGE,
          nextToken,
        });
        replies.push(...page.items);
        nextToken = page.nextToken;
      } while (nextToken !== null && active);
      if (active) onLoaded(root === null || root === undefined ? replies : [root, ...replies]);
    })().catch((failure: unknown) => active && onError(failure));
    return () => {
      active = false;
    };
    // Loaded once per thread: the callbacks change with every render of the room, the thread does not.
  }, [chat, roomId, rootId]);

  return (
    <aside className="thread" aria-label="Thread">
      <header className="room-header">
        <h2>Thread</h2>
        <button type="button" className="small" onClick={onClose}>
          Close thread
        </button>
      </header>
      <ol className="messages" aria-label="Thread messages">
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} me={me} actions={actions} inThread />
        ))}
      </ol>
      <Composer
        label="Reply in thread"
        formLabel="Reply in thread"
        placeholder="Reply — Enter sends"
        chat={chat}
        roomId={roomId}
        me={me}
        onSend={onSend}
        onError={onError}
      />
    </aside>
  );
}
