/** The caller's rooms with unread counts, public rooms to join, and forms to create a room or open a direct one. */
import { useState, type FormEvent } from 'react';
import type { ChatRoom, RoomVisibility } from '../../sdk/index.js';
import { roomTitle, type MyRoom } from './ChatScreen.js';

interface RoomsPanelProps {
  readonly me: string;
  readonly rooms: readonly MyRoom[];
  readonly publicRooms: readonly ChatRoom[];
  readonly selectedId: string | null;
  readonly onSelect: (roomId: string) => void;
  readonly onJoin: (roomId: string) => Promise<void>;
  readonly onCreate: (name: string, visibility: RoomVisibility) => Promise<void>;
  readonly onOpenDirect: (userId: string) => Promise<void>;
}

/** Newest activity first. */
function byActivity(a: MyRoom, b: MyRoom): number {
  const at = (room: MyRoom) => room.lastMessage?.createdAt ?? room.createdAt;
  return at(b).localeCompare(at(a));
}

export function RoomsPanel(props: RoomsPanelProps) {
  const joined = props.rooms.filter((room) => room.myMembership?.status === 'JOINED').sort(byActivity);
  const invited = props.rooms.filter((room) => room.myMembership?.status === 'INVITED');
  const mine = new Set(joined.map((room) => room.id));
  const joinable = props.publicRooms.filter((room) => !mine.has(room.id));

  return (
    <aside className="rooms" aria-label="Rooms">
      <nav aria-label="Your rooms">
        <h2>Your rooms</h2>
        {joined.length === 0 && <p className="hint">No rooms yet.</p>}
        <ul>
          {joined.map((room) => {
            const unread = room.myMembership?.unreadCount ?? 0;
            const title = roomTitle(room, props.me);
            return (
              <li key={room.id}>
                <button
                  type="button"
                  className="room-link"
                  aria-current={room.id === props.selectedId ? 'page' : undefined}
                  aria-label={unread > 0 ? `${title}, ${unreadText(unread)}` : title}
                  onClick={() => props.onSelect(room.id)}
                >
                  <span className="room-name">{title}</span>
                  {unread > 0 && (
                    <span className="badge" aria-hidden="true">
                      {unread >= 100 ? '99+' : unread}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
      {invited.length > 0 && (
        <section aria-labelledby="invitations-title">
          <h2 id="invitations-title">Invitations</h2>
          <ul>
            {invited.map((room) => (
              <li key={room.id} className="row">
                <span>{roomTitle(room, props.me)}</span>
                <button type="button" className="small" onClick={() => void props.onJoin(room.id)}>
                  Accept
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="public-title">
        <h2 id="public-title">Public rooms</h2>
        {joinable.length === 0 && <p className="hint">Nothing new to join.</p>}
        <ul>
          {joinable.map((room) => (
            <li key={room.id} className="row">
              <span>{room.name}</span>
              <button type="button" className="small" aria-label={`Join ${room.name}`} onClick={() => void props.onJoin(room.id)}>
                Join
              </button>
            </li>
          ))}
        </ul>
      </section>
      <CreateRoomForm onCreate={props.onCreate} />
      <DirectRoomForm onOpenDirect={props.onOpenDirect} />
    </aside>
  );
}

function unreadText(count: number): string {
  if (count >= 100) return '100 or more unread';
  return `${count} unread`;
}

function CreateRoomForm({ onCreate }: { readonly onCreate: RoomsPanelProps['onCreate'] }) {
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<RoomVisibility>('PUBLIC');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    void onCreate(trimmed, visibility).then(() => setName(''));
  };
  return (
    <form className="side-form" aria-label="Create a room" onSubmit={submit}>
      <h2>Create a room</h2>
      <label>
        Room name
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Visibility
        <select value={visibility} onChange={(e) => setVisibility(e.target.value as RoomVisibility)}>
          <option value="PUBLIC">Public</option>
          <option value="PRIVATE">Private</option>
        </select>
      </label>
      <button type="submit">Create room</button>
    </form>
  );
}

function DirectRoomForm({ onOpenDirect }: { readonly onOpenDirect: RoomsPanelProps['onOpenDirect'] }) {
  const [userId, setUserId] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = userId.trim();
    if (trimmed === '') return;
    void onOpenDirect(trimmed).then(() => setUserId(''));
  };
  return (
    <form className="side-form" aria-label="Direct message" onSubmit={submit}>
      <h2>Direct message</h2>
      <label>
        Their user id
        <input required value={userId} onChange={(e) => setUserId(e.target.value)} />
      </label>
      <button type="submit">Open direct room</button>
    </form>
  );
}
