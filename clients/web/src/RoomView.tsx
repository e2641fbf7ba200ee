/**
 * One room: its history (older pages load on scrolling up), live messages with catch-up, typing indicators, and
 * sending, replying, editing, deleting and reacting; a thread opens beside it.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type UIEvent } from 'react';
import type { Chat, ChatMessage, ChatSubscription } from '../../sdk/index.js';
import { roomTitle, type MyRoom } from './ChatScreen.js';
import { Composer } from './Composer.js';
import { MessageItem, type MessageActions } from './MessageItem.js';
import { EMPTY_STORE, messageReducer, newClientMessageId, threadOf, timelineOf } from './messages.js';
import { localCertificatePage, type PageOutputs } from './outputs.js';
import { describeError, shortUserId } from './session.js';
import { ThreadPanel } from './ThreadPanel.js';

const PAGE_SIZE = 25;
/** Scrolling closer than this to the top loads the next older page. */
const LOAD_OLDER_WITHIN_PX = 80;
/** A typing indicator without news fades after this long (senders repeat while typing). */
const TYPING_SHOWN_MS = 6_000;
/** How long to wait for live updates before suggesting the local certificate is not trusted. */
const LIVE_HINT_AFTER_MS = 5_000;

type LiveState = { readonly kind: 'connecting' } | { readonly kind: 'live' } | { readonly kind: 'failed'; readonly reason: string };

interface RoomViewProps {
  readonly chat: Chat;
  readonly outputs: PageOutputs;
  readonly room: MyRoom;
  readonly me: string;
  /** The read marker moved: the room list's unread counts are stale. */
  readonly onRead: () => void;
}

export function RoomView({ chat, outputs, room, me, onRead }: RoomViewProps) {
  const roomId = room.id;
  const [store, dispatch] = useReducer(messageReducer, EMPTY_STORE);
  const [live, setLive] = useState<LiveState>({ kind: 'connecting' });
  const [slowLive, setSlowLive] = useState(false);
  const [typing, setTyping] = useState<ReadonlyMap<string, number>>(new Map());
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const [threadRootId, setThreadRootId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  /** Distance from the bottom before an older page was added, to keep the view still. */
  const keepFromBottom = useRef<number | null>(null);
  const stickToBottom = useRef(true);

  const report = useCallback((failure: unknown) => setError(describeError(failure)), []);
  const accept = useCallback((...items: ChatMessage[]) => dispatch({ type: 'states', items }), []);
  /**
   * Takes a message state in; a new reply also changes its thread root (replyCount), which reaches subscribers only
   * through messagesSince, so the root is read again.
   */
  const acceptLive = useCallback(
    (message: ChatMessage) => {
      accept(message);
      const rootId = message.threadId;
      if (message.change !== 'CREATED' || rootId === null || rootId === undefined) return;
      chat.messages.get(roomId, rootId).then((root) => root && accept(root), () => undefined);
    },
    [chat, roomId, accept],
  );

  // History, then live messages from where it ends (the SDK catches up after reconnects), then typing.
  useEffect(() => {
    let active = true;
    const subscriptions: ChatSubscription[] = [];
    const keep = (subscription: ChatSubscription) => (active ? subscriptions.push(subscription) : subscription.unsubscribe());
    const hint = setTimeout(() => active && setSlowLive(true), LIVE_HINT_AFTER_MS);
    const failLive = (failure: unknown) => active && setLive({ kind: 'failed', reason: describeError(failure) });
    let historyLoaded = false;
    void (async () => {
      const first = await chat.messages.list(roomId, { limit: PAGE_SIZE });
      if (!active) return;
      historyLoaded = true;
      dispatch({ type: 'page', items: first.items, nextToken: first.nextToken });
      keep(await chat.messages.subscribe(roomId, acceptLive, { known: first.items, onError: failLive }));
      keep(
        await chat.typing.subscribe(
          roomId,
          (event) =>
            setTyping((current) => {
              const next = new Map(current);
              if (event.typing) next.set(event.userId, Date.now() + TYPING_SHOWN_MS);
              else next.delete(event.userId);
              return next;
            }),
          failLive,
        ),
      );
      if (active) setLive({ kind: 'live' });
    })().catch((failure: unknown) => {
      if (!historyLoaded) report(failure);
      failLive(failure);
    });
    return () => {
      active = false;
      clearTimeout(hint);
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
  }, [chat, roomId, acceptLive, report]);

  // Typing indicators fade unless repeated.
  useEffect(() => {
    if (typing.size === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setTyping((current) => new Map([...current].filter(([, until]) => until > now)));
    }, 1_000);
    return () => clearInterval(timer);
  }, [typing.size]);

  const timeline = timelineOf(store);
  const newest = timeline.at(-1);

  // Reading the newest message moves the read marker (once per message).
  const markedRead = useRef<string | null>(room.myMembership?.lastReadMessageId ?? null);
  useEffect(() => {
    if (newest === undefined || markedRead.current === newest.id || document.visibilityState !== 'visible') return;
    markedRead.current = newest.id;
    chat.readState.markRead(roomId, newest.id).then(onRead, () => undefined);
  }, [chat, roomId, newest, onRead]);

  // Keep the view where the reader is: at the bottom for new messages, still when older ones arrive above.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list === null) return;
    if (keepFromBottom.current !== null) {
      list.scrollTop = list.scrollHeight - keepFromBottom.current;
      keepFromBottom.current = null;
    } else if (stickToBottom.current) {
      list.scrollTop = list.scrollHeight;
    }
  }, [timeline.length, newest?.id, newest?.version]);

  const loadOlder = useCallback(async () => {
    if (store.olderToken === null || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const older = await chat.messages.list(roomId, { limit: PAGE_SIZE, nextToken: store.olderToken });
      const list = listRef.current;
      if (list !== null) keepFromBottom.current = list.scrollHeight - list.scrollTop;
      dispatch({ type: 'page', items: older.items, nextToken: older.nextToken });
    } catch (failure) {
      report(failure);
    } finally {
      setLoadingOlder(false);
    }
  }, [chat, roomId, store.olderToken, loadingOlder, report]);

  const onScroll = (event: UIEvent<HTMLOListElement>) => {
    const list = event.currentTarget;
    stickToBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    if (list.scrollTop < LOAD_OLDER_WITHIN_PX) void loadOlder();
  };

  const send = async (body: string, replyToId: string | null) => {
    stickToBottom.current = true;
    acceptLive(await chat.messages.send({ roomId, body, replyToId, clientMessageId: newClientMessageId() }));
  };

  const actions: MessageActions = {
    reply: (message) => setReplyTo(message),
    openThread: (message) => setThreadRootId(message.threadId ?? message.id),
    edit: async (message, body) => accept(await chat.messages.edit({ roomId, messageId: message.id, body })),
    remove: async (message) => accept(await chat.messages.delete(roomId, message.id)),
    react: async (message, emoji) => accept(await chat.reactions.add({ roomId, messageId: message.id, emoji })),
    toggleReaction: async (message, emoji) => {
      // Counts say how many reacted, not whether the caller did: ask who reacted.
      const reactions = await chat.reactions.list(roomId, message.id, { limit: 100 });
      const mine = reactions.items.some((reaction) => reaction.userId === me && reaction.emoji === emoji);
      const input = { roomId, messageId: message.id, emoji };
      accept(await (mine ? chat.reactions.remove(input) : chat.reactions.add(input)));
    },
  };
  const guarded = guardActions(actions, report);

  const typers = [...typing.keys()].map(shortUserId);
  const certificatePage = localCertificatePage(outputs);
  const byId = store.byId;

  return (
    <>
      <main className="room" aria-labelledby="room-title">
        <header className="room-header">
          <h2 id="room-title">{roomTitle(room, me)}</h2>
          {room.topic !== null && room.topic !== undefined && <p className="topic">{room.topic}</p>}
          <span className={`live-state ${live.kind}`} role="status" aria-label="Live updates">
            {live.kind === 'live' ? 'Live' : live.kind === 'connecting' ? 'Connecting…' : 'Offline'}
          </span>
        </header>
        {(live.kind === 'failed' || (live.kind === 'connecting' && slowLive)) && (
          <div role="alert" className="error banner">
            <p>
              Live updates are not arriving{live.kind === 'failed' ? `: ${live.reason}` : '.'}
            </p>
            {certificatePage !== null && (
              <p>
                The local cloud's real-time socket uses its own certificate. Trust <code>.wavechat/tls/ca.pem</code>,
                or open{' '}
                <a href={certificatePage} target="_blank" rel="noreferrer">
                  {certificatePage}
                </a>{' '}
                once, accept the warning, and reload this page.
              </p>
            )}
          </div>
        )}
        {error !== null && (
          <p role="alert" className="error banner">
            {error}{' '}
            <button type="button" className="small" onClick={() => setError(null)}>
              Dismiss
            </button>
          </p>
        )}
        <ol className="messages" aria-label="Messages" aria-busy={!store.loaded} ref={listRef} onScroll={onScroll}>
          {store.olderToken !== null && (
            <li className="older">
              <button type="button" className="small" disabled={loadingOlder} onClick={() => void loadOlder()}>
                {loadingOlder ? 'Loading…' : 'Load older messages'}
              </button>
            </li>
          )}
          {store.loaded && store.olderToken === null && <li className="older hint">Start of the room.</li>}
          {timeline.map((message) => (
            <MessageItem
              key={message.id}
              message={message}
              me={me}
              repliedTo={message.replyToId === null || message.replyToId === undefined ? undefined : byId.get(message.replyToId)}
              actions={guarded}
            />
          ))}
        </ol>
        <p className="typing" role="status" aria-label="Typing">
          {typers.length === 1 && `${typers[0]} is typing…`}
          {typers.length > 1 && `${typers.join(', ')} are typing…`}
        </p>
        <Composer
          label="Message"
          formLabel="Send a message"
          placeholder="Write a message — Enter sends, Shift+Enter for a new line"
          chat={chat}
          roomId={roomId}
          replyTo={replyTo}
          me={me}
          onCancelReply={() => setReplyTo(null)}
          onSend={async (body) => {
            const replyToId = replyTo?.id ?? null;
            setReplyTo(null);
            await send(body, replyToId);
          }}
          onError={report}
        />
      </main>
      {threadRootId !== null && (
        <ThreadPanel
          chat={chat}
          roomId={roomId}
          rootId={threadRootId}
          me={me}
          messages={threadOf(store, threadRootId)}
          actions={guarded}
          onLoaded={(items) => accept(...items)}
          onSend={(body) => send(body, threadRootId)}
          onClose={() => setThreadRootId(null)}
          onError={report}
        />
      )}
    </>
  );
}

/** Every action reports its failure on the page instead of rejecting. */
function guardActions(actions: MessageActions, report: (failure: unknown) => void): MessageActions {
  const guard =
    <A extends unknown[]>(action: (...args: A) => Promise<void> | void) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (failure) {
        report(failure);
      }
    };
  return {
    reply: actions.reply,
    openThread: actions.openThread,
    edit: guard(actions.edit),
    remove: guard(actions.remove),
    react: guard(actions.react),
    toggleReaction: guard(actions.toggleReaction),
  };
}
