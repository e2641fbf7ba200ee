/**
 * Rooms and membership through wavechat's SDK (clients/sdk, on aws-amplify v6), one signed-in user per worker:
 * public, private and direct rooms, invitations, roles, moderation (mute, remove, ban) and archiving, each operation
 * with the caller it allows and the callers it refuses (non-members, muted, banned, removed, wrong role), asserting
 * the exact refusal and the state that results. Also the operations the raw-WebSocket bridge calls with IAM on a
 * user's behalf, and backend-only provisioning (whose refusal to users the authorisation matrix checks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMembership } from '../../clients/sdk/index.js';
import {
  CREATE_ROOM,
  CURSOR_ZERO,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  ENSURE_PUBLIC_ROOM,
  JOIN_ROOM,
  LEAVE_ROOM,
  MESSAGES,
  MESSAGES_SINCE,
  ROOM_QUERY,
  SEND_MESSAGE,
  SEND_TYPING,
  type Membership,
  type Message,
  type Room,
} from '../support/chat-documents.js';
import { backendGraphql } from '../support/backend-caller.js';
import { refusal, startSdkSession, type SdkSession, type SdkUser } from '../support/sdk-user.js';

/** The bridge's view of its rooms, IAM-signed for the user in x-wavechat-user-id. */
const BRIDGE_MY_ROOMS = `query { myRooms { items { id myMembership { role status unreadCount } } } }`;

const NOT_A_MEMBER = { errorType: 'Unauthorized', message: 'You are not a member of this room' };
const BANNED = { errorType: 'Unauthorized', message: 'You are banned from this room' };

type Name = 'owner' | 'admin' | 'member' | 'outsider';

describe('chat rooms and membership', () => {
  let session: SdkSession<Name>;
  let owner: SdkUser;
  let admin: SdkUser;
  let member: SdkUser;
  let outsider: SdkUser;
  let general: string;
  let secret: string;

  const myRoomIds = async (user: SdkUser) => (await user.chat.rooms.mine()).items.map((room) => room.id);
  const publicRoomIds = async (user: SdkUser) =>
    (await user.chat.rooms.listPublic({ limit: 100 })).items.map((room) => room.id);
  const memberStates = async (user: SdkUser, roomId: string) =>
    Object.fromEntries(
      (await user.chat.members.list(roomId)).items.map((m: ChatMembership) => [m.userId, `${m.role}/${m.status}`]),
    );

  beforeAll(async () => {
    session = await startSdkSession(['owner', 'admin', 'member', 'outsider'] as const);
    ({ owner, admin, member, outsider } = session.users);
    general = (await owner.chat.rooms.create({ name: ' general ', visibility: 'PUBLIC', topic: 'anything' })).id;
    secret = (await owner.chat.rooms.create({ name: 'secret', visibility: 'PRIVATE' })).id;
  });

  afterAll(async () => {
    await session?.stop();
  });

  describe('creating and reading rooms', () => {
    it('makes the creator owner and trims the name; refuses blank names and direct rooms', async () => {
      const room = await owner.chat.rooms.get(general);
      expect(room).toMatchObject({
        id: general,
        name: 'general',
        topic: 'anything',
        visibility: 'PUBLIC',
        createdBy: owner.id,
        archivedAt: null,
        directUserIds: null,
        lastMessage: null,
      });
      expect(room?.myMembership).toMatchObject({
        userId: owner.id,
        role: 'OWNER',
        status: 'JOINED',
        change: 'JOINED',
        unreadCount: 0,
      });

      expect(await refusal(owner.chat.rooms.create({ name: '  ', visibility: 'PUBLIC' }))).toEqual({
        errorType: 'ValidationError',
        message: 'Room name must be 1 to 100 characters',
      });
      expect(await refusal(owner.chat.rooms.create({ name: 'dm', visibility: 'DIRECT' }))).toEqual({
        errorType: 'ValidationError',
        message: 'Direct rooms are opened with openDirectRoom',
      });
      expect((await owner.chat.rooms.mine()).items.map((r) => r.name).sort()).toEqual(['general', 'secret']);
      expect(await owner.chat.auth.currentUserId()).toBe(owner.id);
    });

    it('shows public rooms to everyone and private rooms to their members only', async () => {
      const listed = await publicRoomIds(outsider);
      expect(listed).toContain(general);
      expect(listed).not.toContain(secret);

      const seen = await outsider.chat.rooms.get(general);
      expect(seen).toMatchObject({ id: general, myMembership: null });
      expect(await refusal(outsider.chat.rooms.get(secret))).toEqual({
        errorType: 'Unauthorized',
        message: 'This room is private: only its members and invited users can see it',
      });
      expect(await outsider.chat.rooms.get('no-such-room')).toBeNull();
      expect(await outsider.chat.rooms.mine()).toEqual({ items: [], nextToken: null });
      expect(await refusal(outsider.chat.members.list(general))).toEqual(NOT_A_MEMBER);
      expect(await memberStates(owner, general)).toEqual({ [owner.id]: 'OWNER/JOINED' });
    });
  });

  describe('joining and roles', () => {
    it('lets anyone join a public room, idempotently', async () => {
      const first = await member.chat.members.join(general);
      expect(first).toMatchObject({
        roomId: general,
        userId: member.id,
        role: 'MEMBER',
        status: 'JOINED',
        change: 'JOINED',
        muted: false,
        changedBy: member.id,
      });
      expect(await member.chat.members.join(general)).toEqual(first);
      await admin.chat.members.join(general);
      expect(await myRoomIds(member)).toEqual([general]);
      expect(await memberStates(member, general)).toEqual({
        [owner.id]: 'OWNER/JOINED',
        [admin.id]: 'MEMBER/JOINED',
        [member.id]: 'MEMBER/JOINED',
      });
    });

    it('refuses uninvited users a private room', async () => {
      expect(await refusal(outsider.chat.members.join(secret))).toEqual({
        errorType: 'Unauthorized',
        message: 'This room is private: you need an invitation to join it',
      });
      expect(await myRoomIds(outsider)).toEqual([]);
    });

    it('lets only owners change roles, and not their own', async () => {
      const promoted = await owner.chat.members.setRole(general, admin.id, 'ADMIN');
      expect(promoted).toMatchObject({
        userId: admin.id,
        role: 'ADMIN',
        status: 'JOINED',
        change: 'ROLE_CHANGED',
        changedBy: owner.id,
      });

      expect(await refusal(admin.chat.members.setRole(general, member.id, 'ADMIN'))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners can setMemberRole',
      });
      expect(await refusal(member.chat.members.setRole(general, member.id, 'OWNER'))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners can setMemberRole',
      });
      expect(await refusal(owner.chat.members.setRole(general, owner.id, 'MEMBER'))).toEqual({
        errorType: 'ValidationError',
        message: 'You cannot setMemberRole yourself',
      });
      expect(await refusal(outsider.chat.members.setRole(general, member.id, 'OWNER'))).toEqual(NOT_A_MEMBER);
      expect(await refusal(owner.chat.members.setRole(general, outsider.id, 'ADMIN'))).toEqual({
        errorType: 'NotFound',
        message: 'The user is not a member of this room',
      });
      expect(await memberStates(owner, general)).toEqual({
        [owner.id]: 'OWNER/JOINED',
        [admin.id]: 'ADMIN/JOINED',
        [member.id]: 'MEMBER/JOINED',
      });
    });

    it('lets owners and admins rename a room and change its topic, nobody else', async () => {
      const updated = await admin.chat.rooms.update({ roomId: general, name: 'General', topic: '' });
      expect(updated).toMatchObject({ id: general, name: 'General', topic: null, updatedAt: expect.any(String) });

      expect(await refusal(member.chat.rooms.update({ roomId: general, name: 'mine' }))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can updateRoom',
      });
      expect(await refusal(outsider.chat.rooms.update({ roomId: general, name: 'mine' }))).toEqual(NOT_A_MEMBER);
      expect(await refusal(admin.chat.rooms.update({ roomId: general }))).toMatchObject({
        errorType: 'ValidationError',
        message: expect.stringMatching(/^Give a name, a topic/),
      });
      expect(await outsider.chat.rooms.get(general)).toMatchObject({ name: 'General', topic: null });
    });

    it('keeps owners from leaving, and refuses leaving a room one is not in', async () => {
      expect(await refusal(owner.chat.members.leave(general))).toMatchObject({
        errorType: 'Conflict',
        message: expect.stringMatching(/^Owners cannot leave/),
      });
      expect(await refusal(outsider.chat.members.leave(general))).toEqual({
        errorType: 'NotFound',
        message: 'You are not a member of this room',
      });
      expect(await myRoomIds(owner)).toContain(general);
    });
  });

  describe('invitations', () => {
    it('lets owners and admins invite; the invitee sees the room and accepts by joining', async () => {
      const invited = await owner.chat.members.invite(secret, admin.id);
      expect(invited).toMatchObject({
        roomId: secret,
        userId: admin.id,
        status: 'INVITED',
        change: 'INVITED',
        invitedBy: owner.id,
        role: 'MEMBER',
        joinedAt: null,
      });
      expect(invited.room).toMatchObject({ id: secret, name: 'secret', visibility: 'PRIVATE' });

      const pending = (await admin.chat.rooms.mine()).items.find((room) => room.id === secret);
      expect(pending?.myMembership).toMatchObject({ status: 'INVITED', unreadCount: 0 });
      expect(pending?.lastMessage).toBeNull();
      expect((await admin.chat.rooms.get(secret))?.name).toBe('secret');
      expect(await refusal(admin.chat.messages.list(secret))).toEqual(NOT_A_MEMBER);
      expect(await refusal(admin.chat.messages.send({ roomId: secret, body: 'early' }))).toEqual(NOT_A_MEMBER);

      expect(await admin.chat.members.join(secret)).toMatchObject({ status: 'JOINED', change: 'JOINED' });
      expect(await admin.chat.messages.list(secret)).toEqual({ items: [], nextToken: null });
      // An admin of one room is a plain member of another: inviting takes a role in this room.
      expect(await refusal(admin.chat.members.invite(secret, outsider.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can inviteMember',
      });
    });

    it('refuses invitations by plain members, outsiders and of members, and lets an invitee decline', async () => {
      expect(await refusal(member.chat.members.invite(general, outsider.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can inviteMember',
      });
      expect(await refusal(outsider.chat.members.invite(secret, outsider.id))).toEqual(NOT_A_MEMBER);
      expect(await refusal(owner.chat.members.invite(secret, admin.id))).toEqual({
        errorType: 'Conflict',
        message: 'The user is already a member of this room',
      });

      await admin.chat.members.invite(general, outsider.id);
      expect(await memberStates(owner, general)).toMatchObject({ [outsider.id]: 'MEMBER/INVITED' });
      await owner.chat.members.remove(general, outsider.id);
      expect(await memberStates(owner, general)).not.toHaveProperty(outsider.id);

      await owner.chat.members.invite(secret, member.id);
      const declined = await member.chat.members.leave(secret);
      expect(declined).toMatchObject({ userId: member.id, status: 'NONE', change: 'LEFT', changedBy: member.id });
      expect(await myRoomIds(member)).not.toContain(secret);
      expect(await refusal(member.chat.members.join(secret))).toEqual({
        errorType: 'Unauthorized',
        message: 'This room is private: you need an invitation to join it',
      });
    });
  });

  describe('moderation', () => {
    it('mutes: the muted member reads but cannot send until unmuted', async () => {
      const muted = await admin.chat.members.mute(general, member.id);
      expect(muted).toMatchObject({ userId: member.id, muted: true, change: 'MUTED', changedBy: admin.id });
      expect(await refusal(member.chat.messages.send({ roomId: general, body: 'hi' }))).toEqual({
        errorType: 'Unauthorized',
        message: `You are muted in room ${general}`,
      });
      await member.chat.messages.list(general);
      expect((await member.chat.rooms.get(general))?.myMembership).toMatchObject({ muted: true });

      const unmuted = await admin.chat.members.unmute(general, member.id);
      expect(unmuted).toMatchObject({ muted: false, change: 'UNMUTED', changedBy: admin.id });
      expect(await member.chat.messages.send({ roomId: general, body: 'free again' })).toMatchObject({
        authorId: member.id,
        body: 'free again',
      });
    });

    it('refuses muting by plain members, of higher roles, of oneself and of non-members', async () => {
      expect(await refusal(member.chat.members.mute(general, admin.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can muteMember',
      });
      expect(await refusal(member.chat.members.unmute(general, admin.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can unmuteMember',
      });
      expect(await refusal(admin.chat.members.mute(general, owner.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'You can only muteMember members whose role is below yours',
      });
      expect(await refusal(admin.chat.members.mute(general, admin.id))).toEqual({
        errorType: 'ValidationError',
        message: 'You cannot muteMember yourself',
      });
      expect(await refusal(admin.chat.members.unmute(general, outsider.id))).toEqual({
        errorType: 'NotFound',
        message: 'The user is not a member of this room',
      });
      expect(await refusal(outsider.chat.members.mute(general, member.id))).toEqual(NOT_A_MEMBER);
      expect((await owner.chat.members.list(general)).items.filter((m) => m.muted)).toEqual([]);
    });

    it('removes: the removed member loses access but may rejoin a public room', async () => {
      expect(await refusal(member.chat.members.remove(general, admin.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can removeMember',
      });
      expect(await refusal(admin.chat.members.remove(general, owner.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'You can only removeMember members whose role is below yours',
      });
      expect(await refusal(admin.chat.members.remove(general, outsider.id))).toEqual({
        errorType: 'NotFound',
        message: 'The user is not a member of this room',
      });
      expect(await refusal(admin.chat.members.remove(general, admin.id))).toEqual({
        errorType: 'ValidationError',
        message: 'You cannot removeMember yourself',
      });
      expect(await refusal(outsider.chat.members.remove(general, member.id))).toEqual(NOT_A_MEMBER);

      const removed = await admin.chat.members.remove(general, member.id);
      expect(removed).toMatchObject({
        userId: member.id,
        status: 'NONE',
        change: 'REMOVED',
        changedBy: admin.id,
      });
      expect(await refusal(member.chat.messages.list(general))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.messages.send({ roomId: general, body: 'still here?' }))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.members.list(general))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.members.leave(general))).toEqual({
        errorType: 'NotFound',
        message: 'You are not a member of this room',
      });
      expect(await myRoomIds(member)).not.toContain(general);
      expect(await member.chat.members.join(general)).toMatchObject({ status: 'JOINED', change: 'JOINED' });
    });

    it('bans: the banned user cannot rejoin, read, be invited or erase the ban by leaving, until unbanned', async () => {
      expect(await refusal(member.chat.members.ban(general, admin.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can banMember',
      });
      expect(await refusal(admin.chat.members.ban(general, owner.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'You can only banMember members whose role is below yours',
      });
      expect(await refusal(outsider.chat.members.ban(general, member.id))).toEqual(NOT_A_MEMBER);

      const banned = await admin.chat.members.ban(general, member.id);
      expect(banned).toMatchObject({ userId: member.id, status: 'BANNED', change: 'BANNED', changedBy: admin.id });
      expect(await refusal(member.chat.members.join(general))).toEqual(BANNED);
      expect(await refusal(member.chat.rooms.get(general))).toEqual(BANNED);
      expect(await refusal(member.chat.messages.list(general))).toEqual(BANNED);
      expect(await refusal(member.chat.messages.send({ roomId: general, body: 'let me back' }))).toEqual(BANNED);
      expect(await refusal(member.chat.members.leave(general))).toEqual(BANNED);
      expect(await refusal(admin.chat.members.invite(general, member.id))).toEqual({
        errorType: 'Conflict',
        message: 'The user is banned from this room',
      });
      expect(await myRoomIds(member)).not.toContain(general);
      // Banning someone who never joined keeps them out before they arrive.
      expect(await admin.chat.members.ban(general, outsider.id)).toMatchObject({ status: 'BANNED' });
      expect(await refusal(outsider.chat.members.join(general))).toEqual(BANNED);
      expect(await admin.chat.members.unban(general, outsider.id)).toMatchObject({ status: 'NONE' });

      // Owners and admins see bans in the member list; plain members don't.
      await outsider.chat.members.join(general);
      expect(await memberStates(admin, general)).toMatchObject({ [member.id]: 'MEMBER/BANNED' });
      expect(await memberStates(outsider, general)).toEqual({
        [owner.id]: 'OWNER/JOINED',
        [admin.id]: 'ADMIN/JOINED',
        [outsider.id]: 'MEMBER/JOINED',
      });

      expect(await refusal(outsider.chat.members.unban(general, member.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners and admins can unbanMember',
      });
      expect(await refusal(admin.chat.members.unban(general, outsider.id))).toEqual({
        errorType: 'NotFound',
        message: 'The user is not banned from this room',
      });
      const unbanned = await admin.chat.members.unban(general, member.id);
      expect(unbanned).toMatchObject({ userId: member.id, status: 'NONE', change: 'UNBANNED', changedBy: admin.id });
      expect(await member.chat.members.join(general)).toMatchObject({ status: 'JOINED' });
      await outsider.chat.members.leave(general);
    });
  });

  describe('archiving', () => {
    it('lets only owners archive; an archived room is readable, unlisted and takes no messages or members', async () => {
      expect(await refusal(admin.chat.rooms.archive(general))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners can archiveRoom',
      });
      expect(await refusal(outsider.chat.rooms.archive(general))).toEqual(NOT_A_MEMBER);
      const archived = await owner.chat.rooms.archive(general);
      expect(archived).toMatchObject({ id: general, archivedBy: owner.id, archivedAt: expect.any(String) });
      expect((await owner.chat.rooms.archive(general)).archivedAt).toBe(archived.archivedAt);

      expect(await refusal(member.chat.messages.send({ roomId: general, body: 'anyone?' }))).toEqual({
        errorType: 'Conflict',
        message: `Room ${general} is archived`,
      });
      expect(await refusal(outsider.chat.members.join(general))).toEqual({
        errorType: 'Conflict',
        message: `Room ${general} is archived`,
      });
      expect(await refusal(admin.chat.rooms.update({ roomId: general, name: 'x' }))).toEqual({
        errorType: 'Conflict',
        message: `Room ${general} is archived`,
      });
      expect(await refusal(admin.chat.members.mute(general, member.id))).toEqual({
        errorType: 'Conflict',
        message: `Room ${general} is archived`,
      });
      expect((await member.chat.messages.list(general)).items.length).toBeGreaterThan(0);
      expect(await publicRoomIds(outsider)).not.toContain(general);

      expect(await refusal(admin.chat.rooms.unarchive(general))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only room owners can unarchiveRoom',
      });
      const restored = await owner.chat.rooms.unarchive(general);
      expect(restored).toMatchObject({ archivedAt: null, archivedBy: null });
      await member.chat.messages.send({ roomId: general, body: 'back' });
      expect(await publicRoomIds(outsider)).toContain(general);
    });
  });

  describe('direct rooms', () => {
    it('opens the same room for both users every time, private to the two of them', async () => {
      const opened = await owner.chat.rooms.openDirect(member.id);
      const dm = opened.room!;
      expect(dm).toMatchObject({ visibility: 'DIRECT', name: '', directUserIds: [owner.id, member.id].sort() });
      expect(opened).toMatchObject({
        roomId: dm.id,
        userId: owner.id,
        peerId: member.id,
        status: 'JOINED',
        change: 'DIRECT_OPENED',
      });

      const again = await member.chat.rooms.openDirect(owner.id);
      expect(again).toMatchObject({ roomId: dm.id, userId: member.id, peerId: owner.id });
      expect(await myRoomIds(member)).toContain(dm.id);

      expect(await refusal(outsider.chat.rooms.get(dm.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'This room is private: only its members and invited users can see it',
      });
      expect(await refusal(outsider.chat.members.join(dm.id))).toMatchObject({ errorType: 'Unauthorized' });
      expect(await refusal(outsider.chat.messages.list(dm.id))).toEqual(NOT_A_MEMBER);
      expect(await refusal(owner.chat.members.invite(dm.id, outsider.id))).toEqual({
        errorType: 'ValidationError',
        message: 'inviteMember is not available in direct rooms',
      });
      expect(await refusal(owner.chat.rooms.update({ roomId: dm.id, name: 'us' }))).toEqual({
        errorType: 'ValidationError',
        message: 'updateRoom is not available in direct rooms',
      });
      expect(await refusal(owner.chat.members.mute(dm.id, member.id))).toEqual({
        errorType: 'ValidationError',
        message: 'muteMember is not available in direct rooms',
      });
      expect(await refusal(owner.chat.rooms.openDirect(owner.id))).toEqual({
        errorType: 'ValidationError',
        message: 'A direct room needs another user',
      });
    });

    it('brings back a member who left when either opens the room again', async () => {
      const { roomId } = await owner.chat.rooms.openDirect(admin.id);
      expect(await admin.chat.members.leave(roomId)).toMatchObject({ status: 'NONE', change: 'LEFT' });
      expect(await refusal(admin.chat.messages.list(roomId))).toEqual(NOT_A_MEMBER);
      await owner.chat.rooms.openDirect(admin.id);
      expect(await admin.chat.messages.list(roomId)).toEqual({ items: [], nextToken: null });
      // Either member may also rejoin their own direct room.
      await admin.chat.members.leave(roomId);
      expect(await admin.chat.members.join(roomId)).toMatchObject({ status: 'JOINED', peerId: owner.id });
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

  describe('signing out', () => {
    it('refuses a signed-out user’s calls until they sign in again', async () => {
      const room = await outsider.chat.rooms.create({ name: 'left behind', visibility: 'PRIVATE' });
      await outsider.chat.auth.signOut();
      // Amplify refuses before sending anything: there is no token to send.
      expect(await refusal(outsider.chat.rooms.mine())).toEqual({ errorType: undefined, message: 'No federated jwt' });
      await expect(outsider.chat.auth.currentUserId()).rejects.toMatchObject({ name: 'UserUnAuthenticatedException' });

      // addUser's password scheme (test/support/cloud.ts).
      const signedIn = await outsider.chat.auth.signIn('outsider@example.com', 'Passw0rd!outsider');
      expect(signedIn).toMatchObject({ isSignedIn: true });
      expect(await outsider.chat.auth.currentUserId()).toBe(outsider.id);
      expect((await outsider.chat.rooms.get(room.id))?.myMembership).toMatchObject({ role: 'OWNER' });
    });
  });
});
