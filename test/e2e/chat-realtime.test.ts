/**
 * Subscriptions through wavechat's SDK (clients/sdk, on aws-amplify v6) over the real-time socket, one signed-in
 * user per worker: message states a subscriber applies without another read, membership and room events, typing,
 * the caller's own memberships, the refusal of non-members, and the end of a member's subscriptions the moment they
 * leave, are removed or are banned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ChatMembership,
  ChatMessage,
  ChatMyMembershipEvent,
  ChatRoom,
  ChatTypingEvent,
} from '../../clients/sdk/index.js';
import { EventLog, refusal, startSdkSession, type SdkSession, type SdkUser } from '../support/sdk-user.js';

type Name = 'owner' | 'member' | 'other' | 'outsider';

const NOT_A_MEMBER = { errorType: 'Unauthorized', message: 'You are not a member of this room' };
const BANNED = { errorType: 'Unauthorized', message: 'You are banned from this room' };

describe('chat subscriptions', () => {
  let session: SdkSession<Name>;
  let owner: SdkUser;
  let member: SdkUser;
  let other: SdkUser;
  let outsider: SdkUser;
  let roomId: string;

  const send = (user: SdkUser, body: string, room = roomId) => user.chat.messages.send({ roomId: room, body });
  const createRoom = async (name: string, visibility: 'PUBLIC' | 'PRIVATE' = 'PUBLIC') =>
    (await owner.chat.rooms.create({ name, visibility })).id;

  beforeAll(async () => {
    session = await startSdkSession(['owner', 'member', 'other', 'outsider'] as const);
    ({ owner, member, other, outsider } = session.users);
    roomId = await createRoom('live');
    await Promise.all([member, other].map((user) => user.chat.members.join(roomId)));
  });

  afterAll(async () => {
    await session?.stop();
  });

  it('delivers created, edited, reacted and deleted messages as states a member applies without reading', async () => {
    const messages = new EventLog<ChatMessage>();
    const live = await member.chat.messages.subscribe(roomId, messages.push, { onError: messages.fail });

    const sent = await send(owner, 'hello');
    await owner.chat.messages.edit({ roomId, messageId: sent.id, body: 'hello, all' });
    await other.chat.reactions.add({ roomId, messageId: sent.id, emoji: '👋' });
    const reply = await send(other, 'hi');
    await owner.chat.messages.delete(roomId, sent.id);

    const received = await messages.next(5);
    expect(received.map((m) => [m.id, m.change, m.version])).toEqual([
      [sent.id, 'CREATED', 1],
      [sent.id, 'EDITED', 2],
      [sent.id, 'REACTIONS', 3],
      [reply.id, 'CREATED', 1],
      [sent.id, 'DELETED', 4],
    ]);
    expect(received[0]).toEqual(sent);
    expect(received[1]).toMatchObject({ body: 'hello, all', editedAt: expect.any(String) });
    expect(received[2]?.reactions).toEqual([{ emoji: '👋', count: 1 }]);
    expect(received[3]).toEqual(reply);

    // Applying the events by id, keeping the higher version, gives what a read gives.
    const applied = new Map<string, ChatMessage>();
    for (const event of received) {
      const known = applied.get(event.id);
      if (!known || known.version < event.version) applied.set(event.id, event);
    }
    expect(applied.get(sent.id)).toEqual(await member.chat.messages.get(roomId, sent.id));
    await live.unsubscribe();
    await send(owner, 'after unsubscribing');
    expect(messages.items).toHaveLength(5);
    expect(messages.errors).toEqual([]);
  });

  it('refuses subscriptions of non-members', async () => {
    // onMessage, onRoomUpdate and onTyping refusals are checked below, after leaving, removal and a ban: Amplify
    // closes and reopens its socket after a refused subscription, so each user meets one refusal at a time.
    expect(await refusal(outsider.chat.members.onEvent(roomId, () => {}))).toEqual(NOT_A_MEMBER);
    // With nothing known, subscribing to messages starts with a read, which is refused before any subscription.
    expect(await refusal(outsider.chat.messages.subscribe(roomId, () => {}))).toEqual(NOT_A_MEMBER);
  });

  it('delivers membership changes and room changes to members', async () => {
    const memberships = new EventLog<ChatMembership>();
    const updates = new EventLog<ChatRoom>();
    await member.chat.members.onEvent(roomId, memberships.push, memberships.fail);
    await member.chat.rooms.onUpdate(roomId, updates.push, updates.fail);

    await outsider.chat.members.join(roomId);
    await owner.chat.members.mute(roomId, outsider.id);
    await owner.chat.members.unmute(roomId, outsider.id);
    await owner.chat.members.setRole(roomId, outsider.id, 'ADMIN');
    await outsider.chat.members.leave(roomId);
    const changes = await memberships.next(5);
    expect(changes.map((m) => [m.userId, m.change, m.status, m.changedBy])).toEqual([
      [outsider.id, 'JOINED', 'JOINED', outsider.id],
      [outsider.id, 'MUTED', 'JOINED', owner.id],
      [outsider.id, 'UNMUTED', 'JOINED', owner.id],
      [outsider.id, 'ROLE_CHANGED', 'JOINED', owner.id],
      [outsider.id, 'LEFT', 'NONE', outsider.id],
    ]);
    expect(changes[1]).toMatchObject({ muted: true });
    expect(changes[3]).toMatchObject({ role: 'ADMIN' });

    await owner.chat.rooms.update({ roomId, name: 'live!', topic: 'now' });
    await owner.chat.rooms.archive(roomId);
    await owner.chat.rooms.unarchive(roomId);
    const rooms = await updates.next(3);
    expect(rooms.map((room) => [room.name, room.topic, room.archivedBy])).toEqual([
      ['live!', 'now', null],
      ['live!', 'now', owner.id],
      ['live!', 'now', null],
    ]);
  });

  it('shows typing to the other members, never to the typist, and refuses muted members and non-members', async () => {
    const seenByOther = new EventLog<ChatTypingEvent>();
    const seenByMember = new EventLog<ChatTypingEvent>();
    await other.chat.typing.subscribe(roomId, seenByOther.push, seenByOther.fail);
    await member.chat.typing.subscribe(roomId, seenByMember.push, seenByMember.fail);

    expect(await member.chat.typing.send(roomId)).toEqual({
      roomId,
      userId: member.id,
      typing: true,
      at: expect.any(String),
    });
    expect(await seenByOther.next(1)).toEqual([{ roomId, userId: member.id, typing: true, at: expect.any(String) }]);
    await other.chat.typing.send(roomId, false);
    // The member's only event is the other's: its own typing, published first, never reached it.
    expect(await seenByMember.next(1)).toEqual([{ roomId, userId: other.id, typing: false, at: expect.any(String) }]);

    await owner.chat.members.mute(roomId, member.id);
    expect(await refusal(member.chat.typing.send(roomId))).toEqual({
      errorType: 'Unauthorized',
      message: `You are muted in room ${roomId}`,
    });
    await owner.chat.members.unmute(roomId, member.id);
    expect(await refusal(outsider.chat.typing.send(roomId))).toEqual(NOT_A_MEMBER);
    await member.chat.typing.send(roomId, false);
    expect((await seenByOther.next(2))[1]).toMatchObject({ userId: member.id, typing: false });
    expect(seenByOther.items).toHaveLength(2);
  });

  it('tells a user about invitations, direct rooms opened with them and moderation of them, and nothing of others', async () => {
    const mine = new EventLog<ChatMyMembershipEvent>();
    await outsider.chat.members.onMine(mine.push, mine.fail);
    const secret = await createRoom('secret', 'PRIVATE');
    await owner.chat.members.invite(secret, other.id);
    await owner.chat.members.invite(secret, outsider.id);
    const direct = await member.chat.rooms.openDirect(outsider.id);
    await outsider.chat.members.join(roomId);
    await owner.chat.members.ban(roomId, outsider.id);
    await owner.chat.members.unban(roomId, outsider.id);

    const received = await mine.next(5);
    expect(received.map((m) => [m.roomId, m.userId, m.change])).toEqual([
      [secret, outsider.id, 'INVITED'],
      [direct.roomId, member.id, 'DIRECT_OPENED'],
      [roomId, outsider.id, 'JOINED'],
      [roomId, outsider.id, 'BANNED'],
      [roomId, outsider.id, 'UNBANNED'],
    ]);
    // Invitations and direct rooms name their room; the other changes are to rooms the user already knows.
    expect(received[0]).toMatchObject({
      invitedBy: owner.id,
      status: 'INVITED',
      room: { id: secret, name: 'secret', visibility: 'PRIVATE' },
    });
    expect(received[1]).toMatchObject({
      peerId: outsider.id,
      room: { id: direct.roomId, visibility: 'DIRECT', directUserIds: [member.id, outsider.id].sort() },
    });
    expect(received.slice(2).map((m) => m.room)).toEqual([null, null, null]);
  });

  describe('members who leave, are removed or are banned stop receiving at once', () => {
    /**
     * Has `user` join a fresh room and subscribe to all its subscriptions, with the owner as a witness; runs `act`
     * (which ends the membership); then checks that later events reached the witness but not the user, and that
     * the user can neither read nor subscribe again.
     */
    async function expectCutOff(
      user: SdkUser,
      act: (room: string) => Promise<unknown>,
      resubscribe: (room: string) => Promise<unknown>,
      refused: { errorType: string; message: string },
    ) {
      const room = await createRoom(`cut-${user.name}`);
      await user.chat.members.join(room);
      const messages = new EventLog<ChatMessage>();
      const updates = new EventLog<ChatRoom>();
      const typing = new EventLog<ChatTypingEvent>();
      await Promise.all([
        user.chat.messages.subscribe(room, messages.push, { known: [] }),
        user.chat.members.onEvent(room, () => {}),
        user.chat.rooms.onUpdate(room, updates.push),
        user.chat.typing.subscribe(room, typing.push),
      ]);
      const witness = new EventLog<ChatMessage>();
      await owner.chat.messages.subscribe(room, witness.push, { known: [], onError: witness.fail });
      await send(owner, 'before', room);
      await messages.next(1);

      await act(room);
      await owner.chat.rooms.update({ roomId: room, topic: 'after' });
      await owner.chat.typing.send(room);
      await send(owner, 'after', room);
      await witness.next(2);
      expect(messages.items.map((m) => m.body)).toEqual(['before']);
      expect(updates.items).toEqual([]);
      expect(typing.items).toEqual([]);
      expect(await refusal(user.chat.messages.list(room))).toEqual(refused);
      expect(await refusal(resubscribe(room))).toEqual(refused);
    }

    it('leaving', async () => {
      await expectCutOff(
        other,
        (room) => other.chat.members.leave(room),
        (room) => other.chat.messages.subscribe(room, () => {}, { known: [] }),
        NOT_A_MEMBER,
      );
    });

    it('removal', async () => {
      await expectCutOff(
        member,
        (room) => owner.chat.members.remove(room, member.id),
        (room) => member.chat.rooms.onUpdate(room, () => {}),
        NOT_A_MEMBER,
      );
    });

    it('a ban', async () => {
      await expectCutOff(
        outsider,
        (room) => owner.chat.members.ban(room, outsider.id),
        (room) => outsider.chat.typing.subscribe(room, () => {}),
        BANNED,
      );
    });
  });
});
