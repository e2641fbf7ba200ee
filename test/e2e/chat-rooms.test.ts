/**
 * Rooms and membership through aws-amplify v6: public, private and direct rooms, invitations, roles, moderation
 * (mute, remove, ban) and archiving, each rule with the caller it allows and the callers it refuses. Also the
 * operations the raw-WebSocket bridge calls with IAM on a user's behalf, and backend-only provisioning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHIVE_ROOM,
  BAN_MEMBER,
  CREATE_ROOM,
  ENSURE_PUBLIC_ROOM,
  INVITE_MEMBER,
  JOIN_ROOM,
  LEAVE_ROOM,
  MEMBERS,
  MESSAGES,
  MUTE_MEMBER,
  MY_ROOMS,
  OPEN_DIRECT_ROOM,
  PUBLIC_ROOMS,
  REMOVE_MEMBER,
  ROOM_QUERY,
  SEND_MESSAGE,
  SET_MEMBER_ROLE,
  UNARCHIVE_ROOM,
  UNBAN_MEMBER,
  UNMUTE_MEMBER,
  UPDATE_ROOM,
  CURSOR_ZERO,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  MESSAGES_SINCE,
  SEND_TYPING,
  type Membership,
  type Message,
  type Room,
} from '../support/chat-documents.js';
import { backendGraphql } from '../support/backend-caller.js';
import { startChatSession, type ChatSession, type ChatUser } from '../support/chat-session.js';

/** The bridge's view of its rooms, IAM-signed for the user in x-wavechat-user-id. */
const BRIDGE_MY_ROOMS = `query { myRooms { items { id myMembership { role status unreadCount } } } }`;

type Name = 'owner' | 'admin' | 'member' | 'outsider';

describe('chat rooms and membership', () => {
  let session: ChatSession<Name>;
  let owner: ChatUser;
  let admin: ChatUser;
  let member: ChatUser;
  let outsider: ChatUser;
  let general: string;
  let secret: string;

  const createRoom = async (user: ChatUser, input: Record<string, unknown>) =>
    (await user.run<{ createRoom: Room }>(CREATE_ROOM, { input })).createRoom;
  const join = async (user: ChatUser, roomId: string) =>
    (await user.run<{ joinRoom: Membership }>(JOIN_ROOM, { roomId })).joinRoom;
  const myRooms = async (user: ChatUser) =>
    (await user.run<{ myRooms: { items: (Room & { myMembership: Membership; lastMessage: unknown })[] } }>(MY_ROOMS))
      .myRooms.items;
  const send = (user: ChatUser, roomId: string, body: string) => user.run(SEND_MESSAGE, { input: { roomId, body } });

  beforeAll(async () => {
    session = await startChatSession(['owner', 'admin', 'member', 'outsider'] as const);
    ({ owner, admin, member, outsider } = session.users);
    general = (await createRoom(owner, { name: ' general ', visibility: 'PUBLIC', topic: 'anything' })).id;
    secret = (await createRoom(owner, { name: 'secret', visibility: 'PRIVATE' })).id;
  });

  afterAll(async () => {
    await session?.stop();
  });

  describe('creating and reading rooms', () => {
    it('makes the creator owner and trims the name; refuses blank names and direct rooms', async () => {
      const room = await owner.run<{ room: Room & { myMembership: Membership } }>(ROOM_QUERY, { id: general });
      expect(room.room).toMatchObject({
        name: 'general',
        topic: 'anything',
        visibility: 'PUBLIC',
        createdBy: owner.id,
      });
      expect(room.room.myMembership).toEqual({ role: 'OWNER', status: 'JOINED' });

      expect(await owner.refused(CREATE_ROOM, { input: { name: '  ', visibility: 'PUBLIC' } })).toMatchObject({
        errorType: 'ValidationError',
        message: 'Room name must be 1 to 100 characters',
      });
      expect(await owner.refused(CREATE_ROOM, { input: { name: 'dm', visibility: 'DIRECT' } })).toMatchObject({
        errorType: 'ValidationError',
      });
    });

    it('leaves provisioning public rooms to the backend (IAM)', async () => {
      expect(await owner.refused(ENSURE_PUBLIC_ROOM, { id: 'lobby', name: 'Lobby' })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Not Authorized to access ensurePublicRoom on type Mutation',
      });
    });

    it('shows public rooms to everyone and private rooms to their members only', async () => {
      const listed = await outsider.run<{ publicRooms: { items: Room[] } }>(PUBLIC_ROOMS);
      expect(listed.publicRooms.items.map((room) => room.id)).toContain(general);
      expect(listed.publicRooms.items.map((room) => room.id)).not.toContain(secret);

      expect((await outsider.run<{ room: Room | null }>(ROOM_QUERY, { id: general })).room?.id).toBe(general);
      expect(await outsider.refused(ROOM_QUERY, { id: secret })).toMatchObject({ errorType: 'Unauthorized' });
      expect((await outsider.run<{ room: Room | null }>(ROOM_QUERY, { id: 'no-such-room' })).room).toBeNull();
      expect(await outsider.refused(MEMBERS, { roomId: general })).toMatchObject({ errorType: 'Unauthorized' });
    });
  });

  describe('joining and roles', () => {
    it('lets anyone join a public room, idempotently', async () => {
      const first = await join(member, general);
      expect(first).toMatchObject({
        roomId: general,
        userId: member.id,
        role: 'MEMBER',
        status: 'JOINED',
        change: 'JOINED',
      });
      expect(await join(member, general)).toMatchObject({ userId: member.id, status: 'JOINED' });
      await join(admin, general);
      expect((await myRooms(member)).map((room) => room.id)).toEqual([general]);
    });

    it('refuses uninvited users a private room', async () => {
      expect(await outsider.refused(JOIN_ROOM, { roomId: secret })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'This room is private: you need an invitation to join it',
      });
    });

    it('lets only owners change roles, and not their own', async () => {
      const promoted = await owner.run<{ setMemberRole: Membership }>(SET_MEMBER_ROLE, {
        roomId: general,
        userId: admin.id,
        role: 'ADMIN',
      });
      expect(promoted.setMemberRole).toMatchObject({
        userId: admin.id,
        role: 'ADMIN',
        change: 'ROLE_CHANGED',
        changedBy: owner.id,
      });

      expect(await admin.refused(SET_MEMBER_ROLE, { roomId: general, userId: member.id, role: 'ADMIN' })).toMatchObject(
        {
          errorType: 'Unauthorized',
          message: 'Only room owners can setMemberRole',
        },
      );
      expect(await owner.refused(SET_MEMBER_ROLE, { roomId: general, userId: owner.id, role: 'MEMBER' })).toMatchObject(
        {
          errorType: 'ValidationError',
        },
      );
      expect(
        await outsider.refused(SET_MEMBER_ROLE, { roomId: general, userId: member.id, role: 'OWNER' }),
      ).toMatchObject({
        errorType: 'Unauthorized',
        message: 'You are not a member of this room',
      });
    });

    it('lets owners and admins rename a room and change its topic, nobody else', async () => {
      const updated = await admin.run<{ updateRoom: Room }>(UPDATE_ROOM, {
        input: { roomId: general, name: 'General', topic: '' },
      });
      expect(updated.updateRoom).toMatchObject({ id: general, name: 'General', topic: null });

      expect(await member.refused(UPDATE_ROOM, { input: { roomId: general, name: 'mine' } })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can updateRoom',
      });
      expect(await outsider.refused(UPDATE_ROOM, { input: { roomId: general, name: 'mine' } })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(UPDATE_ROOM, { input: { roomId: general } })).toMatchObject({
        errorType: 'ValidationError',
      });
    });

    it('keeps owners from leaving, and refuses leaving a room one is not in', async () => {
      expect(await owner.refused(LEAVE_ROOM, { roomId: general })).toMatchObject({ errorType: 'Conflict' });
      expect(await outsider.refused(LEAVE_ROOM, { roomId: general })).toMatchObject({ errorType: 'NotFound' });
    });
  });

  describe('invitations', () => {
    it('lets owners and admins invite; the invitee sees the room and accepts by joining', async () => {
      const invited = await owner.run<{ inviteMember: Membership & { room: Room } }>(INVITE_MEMBER, {
        roomId: secret,
        userId: admin.id,
      });
      expect(invited.inviteMember).toMatchObject({
        status: 'INVITED',
        change: 'INVITED',
        invitedBy: owner.id,
        role: 'MEMBER',
      });
      expect(invited.inviteMember.room).toEqual({ id: secret, name: 'secret' });

      const pending = (await myRooms(admin)).find((room) => room.id === secret);
      expect(pending?.myMembership).toMatchObject({ status: 'INVITED', unreadCount: 0 });
      expect(pending?.lastMessage).toBeNull();
      expect((await admin.run<{ room: Room }>(ROOM_QUERY, { id: secret })).room.name).toBe('secret');
      expect(await admin.refused(MESSAGES, { roomId: secret })).toMatchObject({ errorType: 'Unauthorized' });

      expect(await join(admin, secret)).toMatchObject({ status: 'JOINED', change: 'JOINED' });
      expect(
        (await admin.run<{ messages: { items: unknown[] } }>(MESSAGES, { roomId: secret })).messages.items,
      ).toEqual([]);
    });

    it('refuses invitations by plain members and of members, and lets an invitee decline', async () => {
      expect(await member.refused(INVITE_MEMBER, { roomId: general, userId: outsider.id })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can inviteMember',
      });
      expect(await owner.refused(INVITE_MEMBER, { roomId: secret, userId: admin.id })).toMatchObject({
        errorType: 'Conflict',
        message: 'The user is already a member of this room',
      });

      await owner.run(INVITE_MEMBER, { roomId: secret, userId: member.id });
      const declined = await member.run<{ leaveRoom: Membership }>(LEAVE_ROOM, { roomId: secret });
      expect(declined.leaveRoom).toMatchObject({ userId: member.id, status: 'NONE', change: 'LEFT' });
      expect((await myRooms(member)).map((room) => room.id)).not.toContain(secret);
      expect(await member.refused(JOIN_ROOM, { roomId: secret })).toMatchObject({ errorType: 'Unauthorized' });
    });
  });

  describe('moderation', () => {
    it('mutes: the muted member reads but cannot send until unmuted', async () => {
      const muted = await admin.run<{ muteMember: Membership }>(MUTE_MEMBER, { roomId: general, userId: member.id });
      expect(muted.muteMember).toMatchObject({ muted: true, change: 'MUTED', changedBy: admin.id });
      expect(await member.refused(SEND_MESSAGE, { input: { roomId: general, body: 'hi' } })).toMatchObject({
        errorType: 'Unauthorized',
        message: `You are muted in room ${general}`,
      });
      await member.run(MESSAGES, { roomId: general });

      const unmuted = await admin.run<{ unmuteMember: Membership }>(UNMUTE_MEMBER, {
        roomId: general,
        userId: member.id,
      });
      expect(unmuted.unmuteMember).toMatchObject({ muted: false, change: 'UNMUTED' });
      await send(member, general, 'free again');
    });

    it('refuses muting by plain members, of higher roles, and of non-members', async () => {
      expect(await member.refused(MUTE_MEMBER, { roomId: general, userId: admin.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(MUTE_MEMBER, { roomId: general, userId: owner.id })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'You can only muteMember members whose role is below yours',
      });
      expect(await admin.refused(UNMUTE_MEMBER, { roomId: general, userId: outsider.id })).toMatchObject({
        errorType: 'NotFound',
      });
      expect(await outsider.refused(MUTE_MEMBER, { roomId: general, userId: member.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
    });

    it('removes: the removed member loses access but may rejoin a public room', async () => {
      expect(await member.refused(REMOVE_MEMBER, { roomId: general, userId: admin.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(REMOVE_MEMBER, { roomId: general, userId: owner.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(REMOVE_MEMBER, { roomId: general, userId: outsider.id })).toMatchObject({
        errorType: 'NotFound',
      });
      expect(await admin.refused(REMOVE_MEMBER, { roomId: general, userId: admin.id })).toMatchObject({
        errorType: 'ValidationError',
      });

      const removed = await admin.run<{ removeMember: Membership }>(REMOVE_MEMBER, {
        roomId: general,
        userId: member.id,
      });
      expect(removed.removeMember).toMatchObject({
        userId: member.id,
        status: 'NONE',
        change: 'REMOVED',
        changedBy: admin.id,
      });
      expect(await member.refused(MESSAGES, { roomId: general })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await member.refused(SEND_MESSAGE, { input: { roomId: general, body: 'still here?' } })).toMatchObject({
        errorType: 'Unauthorized',
      });
      await join(member, general);
    });

    it('bans: the banned user cannot rejoin, read, be invited or erase the ban by leaving, until unbanned', async () => {
      expect(await member.refused(BAN_MEMBER, { roomId: general, userId: admin.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(BAN_MEMBER, { roomId: general, userId: owner.id })).toMatchObject({
        errorType: 'Unauthorized',
      });

      const banned = await admin.run<{ banMember: Membership }>(BAN_MEMBER, { roomId: general, userId: member.id });
      expect(banned.banMember).toMatchObject({ userId: member.id, status: 'BANNED', change: 'BANNED' });
      expect(await member.refused(JOIN_ROOM, { roomId: general })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'You are banned from this room',
      });
      expect(await member.refused(MESSAGES, { roomId: general })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await member.refused(LEAVE_ROOM, { roomId: general })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await admin.refused(INVITE_MEMBER, { roomId: general, userId: member.id })).toMatchObject({
        errorType: 'Conflict',
        message: 'The user is banned from this room',
      });
      expect((await myRooms(member)).map((room) => room.id)).not.toContain(general);

      // Owners and admins see bans in the member list; plain members don't.
      await join(outsider, general);
      const asAdmin = await admin.run<{ members: { items: Membership[] } }>(MEMBERS, { roomId: general });
      expect(asAdmin.members.items.find((m) => m.userId === member.id)?.status).toBe('BANNED');
      const asMember = await outsider.run<{ members: { items: Membership[] } }>(MEMBERS, { roomId: general });
      expect(asMember.members.items.map((m) => m.userId).sort()).toEqual([owner.id, admin.id, outsider.id].sort());

      expect(await outsider.refused(UNBAN_MEMBER, { roomId: general, userId: member.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await admin.refused(UNBAN_MEMBER, { roomId: general, userId: outsider.id })).toMatchObject({
        errorType: 'NotFound',
        message: 'The user is not banned from this room',
      });
      const unbanned = await admin.run<{ unbanMember: Membership }>(UNBAN_MEMBER, {
        roomId: general,
        userId: member.id,
      });
      expect(unbanned.unbanMember).toMatchObject({ status: 'NONE', change: 'UNBANNED' });
      await join(member, general);
      await outsider.run(LEAVE_ROOM, { roomId: general });
    });
  });

  describe('archiving', () => {
    it('lets only owners archive; an archived room is readable, unlisted and takes no messages or members', async () => {
      expect(await admin.refused(ARCHIVE_ROOM, { roomId: general })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Only room owners can archiveRoom',
      });
      const archived = await owner.run<{ archiveRoom: Room }>(ARCHIVE_ROOM, { roomId: general });
      expect(archived.archiveRoom).toMatchObject({ id: general, archivedBy: owner.id, archivedAt: expect.any(String) });
      expect((await owner.run<{ archiveRoom: Room }>(ARCHIVE_ROOM, { roomId: general })).archiveRoom.archivedAt).toBe(
        archived.archiveRoom.archivedAt,
      );

      expect(await member.refused(SEND_MESSAGE, { input: { roomId: general, body: 'anyone?' } })).toMatchObject({
        errorType: 'Conflict',
        message: `Room ${general} is archived`,
      });
      expect(await outsider.refused(JOIN_ROOM, { roomId: general })).toMatchObject({ errorType: 'Conflict' });
      expect(await admin.refused(UPDATE_ROOM, { input: { roomId: general, name: 'x' } })).toMatchObject({
        errorType: 'Conflict',
      });
      await member.run(MESSAGES, { roomId: general });
      const listed = await outsider.run<{ publicRooms: { items: Room[] } }>(PUBLIC_ROOMS);
      expect(listed.publicRooms.items.map((room) => room.id)).not.toContain(general);

      expect(await admin.refused(UNARCHIVE_ROOM, { roomId: general })).toMatchObject({ errorType: 'Unauthorized' });
      const restored = await owner.run<{ unarchiveRoom: Room }>(UNARCHIVE_ROOM, { roomId: general });
      expect(restored.unarchiveRoom).toMatchObject({ archivedAt: null, archivedBy: null });
      await send(member, general, 'back');
      const relisted = await outsider.run<{ publicRooms: { items: Room[] } }>(PUBLIC_ROOMS);
      expect(relisted.publicRooms.items.map((room) => room.id)).toContain(general);
    });
  });

  describe('direct rooms', () => {
    it('opens the same room for both users every time, private to the two of them', async () => {
      const opened = await owner.run<{ openDirectRoom: Membership & { room: Room } }>(OPEN_DIRECT_ROOM, {
        userId: member.id,
      });
      const dm = opened.openDirectRoom.room;
      expect(dm).toMatchObject({ visibility: 'DIRECT', name: '', directUserIds: [owner.id, member.id].sort() });
      expect(opened.openDirectRoom).toMatchObject({
        userId: owner.id,
        peerId: member.id,
        status: 'JOINED',
        change: 'DIRECT_OPENED',
      });

      const again = await member.run<{ openDirectRoom: Membership }>(OPEN_DIRECT_ROOM, { userId: owner.id });
      expect(again.openDirectRoom).toMatchObject({ roomId: dm.id, userId: member.id, peerId: owner.id });
      expect((await myRooms(member)).map((room) => room.id)).toContain(dm.id);

      expect(await outsider.refused(ROOM_QUERY, { id: dm.id })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await outsider.refused(JOIN_ROOM, { roomId: dm.id })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await outsider.refused(MESSAGES, { roomId: dm.id })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await owner.refused(INVITE_MEMBER, { roomId: dm.id, userId: outsider.id })).toMatchObject({
        errorType: 'ValidationError',
        message: 'inviteMember is not available in direct rooms',
      });
      expect(await owner.refused(OPEN_DIRECT_ROOM, { userId: owner.id })).toMatchObject({
        errorType: 'ValidationError',
      });
    });

    it('brings back a member who left when either opens the room again', async () => {
      const { openDirectRoom } = await owner.run<{ openDirectRoom: Membership }>(OPEN_DIRECT_ROOM, {
        userId: admin.id,
      });
      await admin.run(LEAVE_ROOM, { roomId: openDirectRoom.roomId });
      expect(await admin.refused(MESSAGES, { roomId: openDirectRoom.roomId })).toMatchObject({
        errorType: 'Unauthorized',
      });
      await owner.run(OPEN_DIRECT_ROOM, { userId: admin.id });
      await admin.run(MESSAGES, { roomId: openDirectRoom.roomId });
      // Either member may also rejoin their own direct room.
      await admin.run(LEAVE_ROOM, { roomId: openDirectRoom.roomId });
      expect(await join(admin, openDirectRoom.roomId)).toMatchObject({ status: 'JOINED', peerId: owner.id });
    });
  });

  describe('backend (IAM) calls on a user’s behalf, as the raw-WebSocket bridge makes them', () => {
    let hello: Message;
    const bridge = <T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown> = {},
      actingUserId?: string,
    ) => backendGraphql<T>(session.cloud, query, variables, actingUserId);

    it('ensurePublicRoom creates the lobby once and returns the stored room on every later call', async () => {
      const first = await bridge<{ ensurePublicRoom: Room }>(ENSURE_PUBLIC_ROOM, {
        id: 'lobby',
        name: 'Lobby',
      });
      expect(first.errors).toBeUndefined();
      expect(first.data?.ensurePublicRoom).toMatchObject({
        id: 'lobby',
        name: 'Lobby',
        visibility: 'PUBLIC',
        createdBy: 'system',
      });
      const second = await bridge<{ ensurePublicRoom: unknown }>(ENSURE_PUBLIC_ROOM, { id: 'lobby', name: 'Renamed' });
      expect(second.data?.ensurePublicRoom).toEqual(first.data?.ensurePublicRoom);
      expect((await bridge(ENSURE_PUBLIC_ROOM, { id: 'not#valid', name: 'x' })).errors?.[0]).toMatchObject({
        errorType: 'ValidationError',
      });
    });

    it('acts as the user named in x-wavechat-user-id: joins, sends, edits, deletes, reads, types, leaves', async () => {
      const joined = await bridge<{ joinRoom: Membership }>(JOIN_ROOM, { roomId: 'lobby' }, 'user-1');
      expect(joined.data?.joinRoom).toMatchObject({
        roomId: 'lobby',
        userId: 'user-1',
        role: 'MEMBER',
        status: 'JOINED',
      });
      await bridge(JOIN_ROOM, { roomId: 'lobby' }, 'user-2');

      const sent = await bridge<{ sendMessage: Message }>(
        SEND_MESSAGE,
        { input: { roomId: 'lobby', body: 'hi', clientMessageId: 'b-1' } },
        'user-1',
      );
      hello = sent.data!.sendMessage;
      expect(hello).toMatchObject({ roomId: 'lobby', authorId: 'user-1', body: 'hi' });
      const edited = await bridge<{ editMessage: Message }>(
        EDIT_MESSAGE,
        { input: { roomId: 'lobby', messageId: hello.id, body: 'hello' } },
        'user-1',
      );
      expect(edited.data?.editMessage).toMatchObject({ body: 'hello', version: 2 });

      const room = await bridge<{ room: Room }>(ROOM_QUERY, { id: 'lobby' }, 'user-2');
      expect(room.data?.room.id).toBe('lobby');
      const mine = await bridge<{ myRooms: { items: { id: string; myMembership: { unreadCount: number } }[] } }>(
        BRIDGE_MY_ROOMS,
        {},
        'user-2',
      );
      expect(mine.data?.myRooms.items).toEqual([
        { id: 'lobby', myMembership: { role: 'MEMBER', status: 'JOINED', unreadCount: 1 } },
      ]);
      const read = await bridge<{ messages: { items: Message[] } }>(MESSAGES, { roomId: 'lobby' }, 'user-2');
      expect(read.data?.messages.items.map((m) => m.body)).toEqual(['hello']);
      const since = await bridge<{ messagesSince: { items: Message[] } }>(
        MESSAGES_SINCE,
        { roomId: 'lobby', after: CURSOR_ZERO },
        'user-2',
      );
      expect(since.data?.messagesSince.items.map((m) => m.version)).toEqual([2]);
      const typing = await bridge<{ sendTyping: unknown }>(SEND_TYPING, { roomId: 'lobby' }, 'user-2');
      expect(typing.data?.sendTyping).toMatchObject({ roomId: 'lobby', userId: 'user-2', typing: true });

      const deleted = await bridge<{ deleteMessage: Message }>(
        DELETE_MESSAGE,
        { roomId: 'lobby', messageId: hello.id },
        'user-1',
      );
      expect(deleted.data?.deleteMessage).toMatchObject({ body: '', deletedBy: 'user-1' });
      const left = await bridge<{ leaveRoom: Membership }>(LEAVE_ROOM, { roomId: 'lobby' }, 'user-2');
      expect(left.data?.leaveRoom).toMatchObject({ userId: 'user-2', status: 'NONE', change: 'LEFT' });
    });

    it('applies the acting user’s permissions: not another author’s message, not a room they left', async () => {
      const other = await bridge<{ sendMessage: Message }>(
        SEND_MESSAGE,
        { input: { roomId: 'lobby', body: 'mine' } },
        'user-1',
      );
      await bridge(JOIN_ROOM, { roomId: 'lobby' }, 'user-3');
      const edit = await bridge(
        EDIT_MESSAGE,
        { input: { roomId: 'lobby', messageId: other.data!.sendMessage.id, body: 'x' } },
        'user-3',
      );
      expect(edit.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', message: 'Only the author can editMessage' });
      const afterLeaving = await bridge(SEND_MESSAGE, { input: { roomId: 'lobby', body: 'back?' } }, 'user-2');
      expect(afterLeaving.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    });

    it('refuses IAM calls that name no user or an invalid one, and operations not open to IAM', async () => {
      expect((await bridge(BRIDGE_MY_ROOMS)).errors?.[0]).toMatchObject({
        errorType: 'Unauthorized',
        message: expect.stringContaining('x-wavechat-user-id'),
      });
      expect((await bridge(BRIDGE_MY_ROOMS, {}, 'user#1')).errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
      expect((await bridge(BRIDGE_MY_ROOMS, {}, 'nobody')).data).toEqual({ myRooms: { items: [] } });
      expect(
        (await bridge(CREATE_ROOM, { input: { name: 'x', visibility: 'PUBLIC' } }, 'user-1')).errors?.[0],
      ).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Not Authorized to access createRoom on type Mutation',
      });
    });
  });
});
