/** The signed-in page: the rooms beside the open room. */
import { useCallback, useEffect, useState } from 'react';
import type { Chat, ChatRoom, ChatSubscription, MyRoomsQuery } from '../../sdk/index.js';
import type { PageOutputs } from './outputs.js';
import { RoomsPanel } from './RoomsPanel.js';
import { RoomView } from './RoomView.js';
import { describeError, shortUserId, type Session } from './session.js';

/** One of the caller's rooms as myRooms lists it: with its newest message and the caller's membership. */
export type MyRoom = MyRoomsQuery['myRooms']['items'][number];

/** Unread counts change with others' messages, which no subscription of the caller's reports: poll as well. */
const ROOMS_REFRESH_MS = 15_000;

interface ChatScreenProps {
  readonly chat: Chat;
  readonly outputs: PageOutputs;
  readonly session: Session;
  readonly onSignOut: () => Promise<void>;
}

/** What a room is called on this page: direct rooms are named after the other user. */
export function roomTitle(room: Pick<ChatRoom, 'name' | 'visibility' | 'directUserIds'>, me: string): string {
  if (room.visibility !== 'DIRECT') return room.name;
  const peer = room.directUserIds?.find((id) => id !== me) ?? me;
  return `@${shortUserId(peer)}`;
}

export function ChatScreen({ chat, outputs, session, onSignOut }: ChatScreenProps) {
  const [rooms, setRooms] = useState<readonly MyRoom[]>([]);
  const [publicRooms, setPublicRooms] = useState<readonly ChatRoom[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [mine, listed] = await Promise.all([chat.rooms.mine({ limit: 100 }), chat.rooms.listPublic({ limit: 50 })]);
      setRooms(mine.items);
      setPublicRooms(listed.items);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, [chat]);

  useEffect(() => {
    let active = true;
    let mine: ChatSubscription | undefined;
    void refresh();
    const timer = setInterval(() => void refresh(), ROOMS_REFRESH_MS);
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    // Invitations, direct rooms others open, and read markers moved on other devices.
    chat.members.onMine(() => void refresh()).then(
      (subscription) => (active ? (mine = subscription) : subscription.unsubscribe()),
      () => undefined,
    );
    return () => {
      active = false;
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      mine?.unsubscribe();
    };
  }, [chat, refresh]);

  const selected = rooms.find((room) => room.id === selectedId) ?? null;

  const act = async (action: () => Promise<string | undefined>) => {
    setError(null);
    try {
      const openId = await action();
      await refresh();
      if (openId !== undefined) setSelectedId(openId);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <div className="chat">
      <header className="top">
        <h1>wavechat</h1>
        <p className="me">
          Signed in as <strong>{session.email}</strong> · your user id{' '}
          <code aria-label="Your user id">{session.userId}</code>
          <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(session.userId)}>
            Copy id
          </button>
        </p>
        <button type="button" onClick={() => void onSignOut()}>
          Sign out
        </button>
      </header>
      {error !== null && (
        <p role="alert" className="error banner">
          {error}{' '}
          <button type="button" className="small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}
      <RoomsPanel
        me={session.userId}
        rooms={rooms}
        publicRooms={publicRooms}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onJoin={(roomId) => act(async () => (await chat.members.join(roomId)).roomId)}
        onCreate={(name, visibility) => act(async () => (await chat.rooms.create({ name, visibility })).id)}
        onOpenDirect={(userId) => act(async () => (await chat.rooms.openDirect(userId)).roomId)}
      />
      {selected === null ? (
        <main className="room empty">
          <p>Pick a room, join a public one, or create one.</p>
        </main>
      ) : (
        <RoomView key={selected.id} chat={chat} outputs={outputs} room={selected} me={session.userId} onRead={refresh} />
      )}
    </div>
  );
}
