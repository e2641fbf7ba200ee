/**
 * Subscriptions through aws-amplify v6 over the real-time socket: message events a subscriber applies without
 * another read, membership and room events, typing, the caller's own room list, and the end of a member's
 * subscriptions the moment they leave, are removed or are banned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADD_REACTION,
  ARCHIVE_ROOM,
  BAN_MEMBER,
  CREATE_ROOM,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  INVITE_MEMBER,
  JOIN_ROOM,
  LEAVE_ROOM,
  MEMBERSHIP,
  MESSAGE_QUERY,
  MESSAGES,
  MUTE_MEMBER,
  ON_MESSAGE,
  ON_ROOM_EVENT,
  ON_ROOM_UPDATE,
  ON_TYPING,
  OPEN_DIRECT_ROOM,
  REMOVE_MEMBER,
  SEND_MESSAGE,
  SEND_TYPING,
  UNARCHIVE_ROOM,
  UNBAN_MEMBER,
  UNMUTE_MEMBER,
  UPDATE_ROOM,
  type Membership,
  type Message,
  type Room,
} from '../support/chat-documents.js';
import { startChatSession, type ChatSession, type ChatUser } from '../support/chat-session.js';

type Name = 'owner' | 'member' | 'other' | 'outsider';

const ON_MY_ROOMS = `subscription OnMyRooms { onMyRooms { ${MEMBERSHIP} room { id name } } }`;

describe('chat subscriptions', () => {
  let session: ChatSession<Name>;
  let owner: ChatUser;
  let member: ChatUser;
  let other: ChatUser;
  let outsider: ChatUser;
  let roomId: string;

  const send = async (user: ChatUser, body: string, room = roomId) =>
    (await user.run<{ sendMessage: Message }>(SEND_MESSAGE, { input: { roomId: room, body } })).sendMessage;
  const createRoom = async (name: string, visibility = 'PUBLIC') =>
    (await owner.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name, visibility } })).createRoom.id;

  beforeAll(async () => {
    session = await startChatSession(['owner', 'member', 'other', 'outsider'] as const);
    ({ owner, member, other, outsider } = session.users);
    roomId = await createRoom('live');
    await Promise.all([member, other].map((user) => user.run(JOIN_ROOM, { roomId })));
  });

  afterAll(async () => {
    await session?.stop();
  });

  it('delivers created, edited, reacted and deleted messages as states a member applies without reading', async () => {
    const events = await member.subscribe('messages', ON_MESSAGE, { roomId });
    expect(events.errors).toEqual([]);

    const sent = await send(owner, 'hello');
    await owner.run(EDIT_MESSAGE, { input: { roomId, messageId: sent.id, body: 'hello, all' } });
    await other.run(ADD_REACTION, { input: { roomId, messageId: sent.id, emoji: '👋' } });
    const reply = await send(other, 'hi');
    await owner.run(DELETE_MESSAGE, { roomId, messageId: sent.id });

    const received = await member.events<Message>(events, 'onMessage', 5);
    expect(received.map((m) => [m.id, m.change, m.version])).toEqual([
      [sent.id, 'CREATED', 1],
      [sent.id, 'EDITED', 2],
      [sent.id, 'REACTIONS', 3],
      [reply.id, 'CREATED', 1],
      [sent.id, 'DELETED', 4],
    ]);
    expect(received[1]).toMatchObject({ body: 'hello, all', editedAt: expect.any(String) });
    expect(received[2]?.reactions).toEqual([{ emoji: '👋', count: 1 }]);

    // Applying the events by id, keeping the higher version, gives what a read gives.
    const applied = new Map<string, Message>();
    for (const event of received) {
      const known = applied.get(event.id);
      if (!known || known.version < event.version) applied.set(event.id, event);
    }
    const stored = (await member.run<{ message: Message }>(MESSAGE_QUERY, { roomId, messageId: sent.id })).message;
    expect(applied.get(sent.id)).toEqual(stored);
  });

  it('refuses subscriptions of non-members', async () => {
    // onMessage, onRoomUpdate and onTyping refusals are checked below, after leaving, removal and a ban: Amplify
    // reconnects its socket after a refusal, so each user collects them one at a time.
    const memberships = await outsider.subscribe('outsider-room-events', ON_ROOM_EVENT, { roomId });
    expect(JSON.stringify(memberships.errors[0])).toContain('You are not a member of this room');
  });

  it('delivers membership changes to members and room changes to members', async () => {
    const memberships = await member.subscribe('room-events', ON_ROOM_EVENT, { roomId });
    const updates = await member.subscribe('room-updates', ON_ROOM_UPDATE, { roomId });

    await outsider.run(JOIN_ROOM, { roomId });
    await owner.run(MUTE_MEMBER, { roomId, userId: outsider.id });
    await owner.run(UNMUTE_MEMBER, { roomId, userId: outsider.id });
    await outsider.run(LEAVE_ROOM, { roomId });
    const changes = await member.events<Membership>(memberships, 'onRoomEvent', 4);
    expect(changes.map((m) => [m.userId, m.change, m.status])).toEqual([
      [outsider.id, 'JOINED', 'JOINED'],
      [outsider.id, 'MUTED', 'JOINED'],
      [outsider.id, 'UNMUTED', 'JOINED'],
      [outsider.id, 'LEFT', 'NONE'],
    ]);

    await owner.run(UPDATE_ROOM, { input: { roomId, name: 'live!', topic: 'now' } });
    await owner.run(ARCHIVE_ROOM, { roomId });
    await owner.run(UNARCHIVE_ROOM, { roomId });
    const rooms = await member.events<Room>(updates, 'onRoomUpdate', 3);
    expect(rooms.map((room) => [room.name, room.topic, room.archivedAt === null])).toEqual([
      ['live!', 'now', true],
      ['live!', 'now', false],
      ['live!', 'now', true],
    ]);
  });

  it('shows typing to the other members, never to the typist, and refuses muted members', async () => {
    const seenByOther = await other.subscribe('typing-other', ON_TYPING, { roomId });
    const seenByMember = await member.subscribe('typing-member', ON_TYPING, { roomId });

    const typed = await member.run<{ sendTyping: { userId: string; typing: boolean } }>(SEND_TYPING, { roomId });
    expect(typed.sendTyping).toMatchObject({ userId: member.id, typing: true });
    expect(await other.events(seenByOther, 'onTyping', 1)).toEqual([
      { roomId, userId: member.id, typing: true, at: expect.any(String) },
    ]);
    await other.run(SEND_TYPING, { roomId, typing: false });
    // The member's only event is the other's: its own typing, published first, never reached it.
    expect(await member.events(seenByMember, 'onTyping', 1)).toEqual([
      { roomId, userId: other.id, typing: false, at: expect.any(String) },
    ]);

    await owner.run(MUTE_MEMBER, { roomId, userId: member.id });
    expect(await member.refused(SEND_TYPING, { roomId })).toMatchObject({ errorType: 'Unauthorized' });
    await owner.run(UNMUTE_MEMBER, { roomId, userId: member.id });
    expect(await outsider.refused(SEND_TYPING, { roomId })).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('tells a user about invitations, direct rooms opened with them and moderation of them, and nothing of others', async () => {
    const mine = await outsider.subscribe('my-rooms', ON_MY_ROOMS);
    const secret = await createRoom('secret', 'PRIVATE');
    await owner.run(INVITE_MEMBER, { roomId: secret, userId: other.id });
    await owner.run(INVITE_MEMBER, { roomId: secret, userId: outsider.id });
    const { openDirectRoom } = await member.run<{ openDirectRoom: Membership }>(OPEN_DIRECT_ROOM, {
      userId: outsider.id,
    });
    await outsider.run(JOIN_ROOM, { roomId });
    await owner.run(BAN_MEMBER, { roomId, userId: outsider.id });
    await owner.run(UNBAN_MEMBER, { roomId, userId: outsider.id });

    const received = await outsider.events<Membership & { room: { id: string; name: string } | null }>(
      mine,
      'onMyRooms',
      5,
    );
    expect(received.map((m) => [m.roomId, m.userId, m.change])).toEqual([
      [secret, outsider.id, 'INVITED'],
      [openDirectRoom.roomId, member.id, 'DIRECT_OPENED'],
      [roomId, outsider.id, 'JOINED'],
      [roomId, outsider.id, 'BANNED'],
      [roomId, outsider.id, 'UNBANNED'],
    ]);
    expect(received[0]).toMatchObject({ invitedBy: owner.id, status: 'INVITED', room: { id: secret, name: 'secret' } });
    expect(received[1]).toMatchObject({ peerId: outsider.id });
  });

  describe('members who leave, are removed or are banned stop receiving at once', () => {
    /**
     * Has `user` join a fresh room and subscribe to all its subscriptions, with the owner as a witness; runs `act`
     * (which ends the membership); then checks that later events reached the witness but not the user, and that
     * the user can neither read nor subscribe again.
     */
    async function expectCutOff(user: ChatUser, act: (room: string) => Promise<unknown>, resubscribe: string) {
      const room = await createRoom(`cut-${user.name}`);
      await user.run(JOIN_ROOM, { roomId: room });
      const [messages, , updates] = await Promise.all(
        [ON_MESSAGE, ON_ROOM_EVENT, ON_ROOM_UPDATE, ON_TYPING].map((query, index) =>
          user.subscribe(`${room}-${index}`, query, { roomId: room }),
        ),
      );
      const witness = await owner.subscribe(`${room}-witness`, ON_MESSAGE, { roomId: room });
      await send(owner, 'before', room);
      await user.events(messages!, 'onMessage', 1);

      await act(room);
      await owner.run(UPDATE_ROOM, { input: { roomId: room, topic: 'after' } });
      await send(owner, 'after', room);
      await owner.events(witness, 'onMessage', 2);
      expect(messages!.next).toHaveLength(1);
      expect(updates!.next).toHaveLength(0);
      expect(await user.refused(MESSAGES, { roomId: room })).toMatchObject({ errorType: 'Unauthorized' });
      const again = await user.subscribe(`${room}-again`, resubscribe, { roomId: room });
      expect(JSON.stringify(again.errors[0])).toMatch(
        /You are not a member of this room|You are banned from this room/,
      );
    }

    it('leaving', async () => {
      await expectCutOff(other, (room) => other.run(LEAVE_ROOM, { roomId: room }), ON_MESSAGE);
    });

    it('removal', async () => {
      await expectCutOff(
        member,
        (room) => owner.run(REMOVE_MEMBER, { roomId: room, userId: member.id }),
        ON_ROOM_UPDATE,
      );
    });

    it('a ban', async () => {
      await expectCutOff(outsider, (room) => owner.run(BAN_MEMBER, { roomId: room, userId: outsider.id }), ON_TYPING);
    });
  });
});
