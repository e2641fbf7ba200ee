/**
 * Messages through aws-amplify v6: sending (idempotent, limits, ordering), editing, deleting (tombstones),
 * reactions, replies and threads, read state with unread counts, and catch-up from a cursor, each rule with the
 * caller it allows and the callers it refuses (non-members, muted, banned, removed, wrong author, wrong role).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADD_REACTION,
  BAN_MEMBER,
  CREATE_ROOM,
  CURSOR_ZERO,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  JOIN_ROOM,
  MARK_READ,
  MESSAGE_QUERY,
  MESSAGE_REACTIONS,
  MESSAGES,
  MESSAGES_SINCE,
  MUTE_MEMBER,
  MY_ROOMS,
  REMOVE_MEMBER,
  REMOVE_REACTION,
  SEND_MESSAGE,
  THREAD,
  UNBAN_MEMBER,
  UNMUTE_MEMBER,
  type Membership,
  type Message,
  type Room,
} from '../support/chat-documents.js';
import { startChatSession, type ChatSession, type ChatUser } from '../support/chat-session.js';

type Name = 'owner' | 'member' | 'other' | 'outsider';

describe('chat messages', () => {
  let session: ChatSession<Name>;
  let owner: ChatUser;
  let member: ChatUser;
  let other: ChatUser;
  let outsider: ChatUser;
  let roomId: string;

  const send = async (user: ChatUser, body: string, extra: Record<string, unknown> = {}, room = roomId) =>
    (await user.run<{ sendMessage: Message }>(SEND_MESSAGE, { input: { roomId: room, body, ...extra } })).sendMessage;
  const history = async (user: ChatUser, room = roomId) =>
    (await user.run<{ messages: { items: Message[] } }>(MESSAGES, { roomId: room, limit: 100 })).messages.items;
  const react = async (user: ChatUser, messageId: string, emoji: string) =>
    (await user.run<{ addReaction: Message }>(ADD_REACTION, { input: { roomId, messageId, emoji } })).addReaction;
  const sendRefusal = (user: ChatUser) => user.refused(SEND_MESSAGE, { input: { roomId, body: 'let me in' } });

  beforeAll(async () => {
    session = await startChatSession(['owner', 'member', 'other', 'outsider'] as const);
    ({ owner, member, other, outsider } = session.users);
    roomId = (await owner.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'talk', visibility: 'PUBLIC' } }))
      .createRoom.id;
    await Promise.all([member, other].map((user) => user.run(JOIN_ROOM, { roomId })));
  });

  afterAll(async () => {
    await session?.stop();
  });

  describe('sending', () => {
    it('stores a message the author owns, with ids in creation order, history newest first', async () => {
      const first = await send(member, 'one');
      const second = await send(other, 'two');
      const third = await send(member, 'three');
      expect(first).toMatchObject({
        roomId,
        authorId: member.id,
        body: 'one',
        version: 1,
        change: 'CREATED',
        replyCount: 0,
      });
      expect(first.cursor).toBe(first.id);
      expect([first.id, second.id, third.id]).toEqual([first.id, second.id, third.id].sort());
      expect((await history(owner)).slice(0, 3).map((m) => m.body)).toEqual(['three', 'two', 'one']);
    });

    it('stores one message per clientMessageId and answers a retry with it', async () => {
      const input = { clientMessageId: 'retry-1' };
      const sent = await send(member, 'exactly once', input);
      expect(await send(member, 'exactly once', input)).toEqual(sent);
      expect((await history(owner)).filter((m) => m.clientMessageId === 'retry-1')).toHaveLength(1);
      // The key is the author's: another author's same key is another message.
      expect((await send(other, 'mine', input)).id).not.toBe(sent.id);
    });

    it('refuses empty and over-long bodies with the limit in the message', async () => {
      expect(await member.refused(SEND_MESSAGE, { input: { roomId, body: '   ' } })).toMatchObject({
        errorType: 'ValidationError',
      });
      expect(await member.refused(SEND_MESSAGE, { input: { roomId, body: 'x'.repeat(4001) } })).toEqual(
        expect.objectContaining({
          errorType: 'ValidationError',
          message: 'Message body is 4001 characters; the limit is 4000',
        }),
      );
      await send(member, 'x'.repeat(4000));
    });

    it('refuses non-members, and members while muted, removed or banned', async () => {
      expect(await sendRefusal(outsider)).toMatchObject({
        errorType: 'Unauthorized',
        message: 'You are not a member of this room',
      });
      expect(await outsider.refused(MESSAGES, { roomId })).toMatchObject({ errorType: 'Unauthorized' });

      await owner.run(MUTE_MEMBER, { roomId, userId: other.id });
      expect(await sendRefusal(other)).toMatchObject({
        errorType: 'Unauthorized',
        message: `You are muted in room ${roomId}`,
      });
      await owner.run(UNMUTE_MEMBER, { roomId, userId: other.id });

      await owner.run(REMOVE_MEMBER, { roomId, userId: other.id });
      expect(await sendRefusal(other)).toMatchObject({ errorType: 'Unauthorized' });
      await other.run(JOIN_ROOM, { roomId });

      await owner.run(BAN_MEMBER, { roomId, userId: other.id });
      expect(await sendRefusal(other)).toMatchObject({
        errorType: 'Unauthorized',
        message: 'You are banned from this room',
      });
      await owner.run(UNBAN_MEMBER, { roomId, userId: other.id });
      await other.run(JOIN_ROOM, { roomId });
      await send(other, 'back again');
    });
  });

  describe('editing and deleting', () => {
    it('lets the author edit, keeping editedAt and bumping version; refuses everyone else', async () => {
      const original = await send(member, 'tpyo');
      const edited = (
        await member.run<{ editMessage: Message }>(EDIT_MESSAGE, {
          input: { roomId, messageId: original.id, body: 'typo' },
        })
      ).editMessage;
      expect(edited).toMatchObject({
        id: original.id,
        body: 'typo',
        version: 2,
        change: 'EDITED',
        createdAt: original.createdAt,
      });
      expect(edited.editedAt).toEqual(expect.any(String));
      expect(edited.cursor > original.cursor).toBe(true);

      const input = { roomId, messageId: original.id, body: 'hijacked' };
      expect(await other.refused(EDIT_MESSAGE, { input })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Only the author can editMessage',
      });
      // Owners moderate by deleting, not by putting words in someone's mouth.
      expect(await owner.refused(EDIT_MESSAGE, { input })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await outsider.refused(EDIT_MESSAGE, { input })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await member.refused(EDIT_MESSAGE, { input: { ...input, body: 'y'.repeat(4001) } })).toMatchObject({
        errorType: 'ValidationError',
      });
      expect(await member.refused(EDIT_MESSAGE, { input: { ...input, messageId: 'NO-SUCH-MESSAGE' } })).toMatchObject({
        errorType: 'NotFound',
      });

      await owner.run(MUTE_MEMBER, { roomId, userId: member.id });
      expect(await member.refused(EDIT_MESSAGE, { input: { ...input, body: 'muted edit' } })).toMatchObject({
        errorType: 'Unauthorized',
      });
      await owner.run(UNMUTE_MEMBER, { roomId, userId: member.id });
    });

    it('leaves a tombstone in place of a deleted message; deleting again returns it unchanged', async () => {
      const doomed = await send(member, 'regrettable');
      await react(other, doomed.id, '👎');
      const after = await send(other, 'after it');
      const tombstone = (await member.run<{ deleteMessage: Message }>(DELETE_MESSAGE, { roomId, messageId: doomed.id }))
        .deleteMessage;
      expect(tombstone).toMatchObject({
        id: doomed.id,
        body: '',
        reactions: [],
        deletedBy: member.id,
        change: 'DELETED',
        version: 3,
      });
      expect(tombstone.deletedAt).toEqual(expect.any(String));

      const again = (await member.run<{ deleteMessage: Message }>(DELETE_MESSAGE, { roomId, messageId: doomed.id }))
        .deleteMessage;
      expect(again).toEqual(tombstone);
      const ids = (await history(owner)).map((m) => m.id);
      expect(ids.indexOf(doomed.id)).toBe(ids.indexOf(after.id) + 1);
      expect(
        await member.refused(EDIT_MESSAGE, { input: { roomId, messageId: doomed.id, body: 'undo' } }),
      ).toMatchObject({
        errorType: 'Conflict',
        message: `Message ${doomed.id} was deleted`,
      });
    });

    it('lets owners and admins delete anyone’s message; refuses other members and non-members', async () => {
      const target = await send(member, 'delete me');
      expect(await other.refused(DELETE_MESSAGE, { roomId, messageId: target.id })).toMatchObject({
        errorType: 'Unauthorized',
        message: 'Only the author or a room owner or admin can deleteMessage',
      });
      expect(await outsider.refused(DELETE_MESSAGE, { roomId, messageId: target.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      const deleted = (await owner.run<{ deleteMessage: Message }>(DELETE_MESSAGE, { roomId, messageId: target.id }))
        .deleteMessage;
      expect(deleted).toMatchObject({ deletedBy: owner.id, authorId: member.id });

      // A muted author may still take their own words back.
      const own = await send(member, 'second thoughts');
      await owner.run(MUTE_MEMBER, { roomId, userId: member.id });
      await member.run(DELETE_MESSAGE, { roomId, messageId: own.id });
      await owner.run(UNMUTE_MEMBER, { roomId, userId: member.id });
    });
  });

  describe('reactions', () => {
    it('counts one reaction per user per emoji and lists who reacted', async () => {
      const message = await send(owner, 'react to me');
      await react(member, message.id, '👍');
      const twice = await react(other, message.id, '👍');
      expect(twice.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      const repeated = await react(other, message.id, '👍');
      expect(repeated.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      expect(repeated.version).toBe(twice.version);
      const hearts = await react(member, message.id, '❤️');
      expect(hearts).toMatchObject({ change: 'REACTIONS', version: 4 });
      expect(hearts.reactions).toEqual([
        { emoji: '❤️', count: 1 },
        { emoji: '👍', count: 2 },
      ]);

      const reactors = await owner.run<{ messageReactions: { items: { emoji: string; userId: string }[] } }>(
        MESSAGE_REACTIONS,
        {
          roomId,
          messageId: message.id,
        },
      );
      expect(reactors.messageReactions.items.map((r) => `${r.emoji}:${r.userId}`).sort()).toEqual(
        [`👍:${member.id}`, `👍:${other.id}`, `❤️:${member.id}`].sort(),
      );

      const removed = (
        await member.run<{ removeReaction: Message }>(REMOVE_REACTION, {
          input: { roomId, messageId: message.id, emoji: '❤️' },
        })
      ).removeReaction;
      expect(removed.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      const notThere = (
        await owner.run<{ removeReaction: Message }>(REMOVE_REACTION, {
          input: { roomId, messageId: message.id, emoji: '👍' },
        })
      ).removeReaction;
      expect(notThere.reactions).toEqual([{ emoji: '👍', count: 2 }]);
    });

    it('refuses non-members, muted members, deleted messages and malformed emoji', async () => {
      const message = await send(owner, 'no reactions please');
      const input = { roomId, messageId: message.id, emoji: '🎉' };
      expect(await outsider.refused(ADD_REACTION, { input })).toMatchObject({ errorType: 'Unauthorized' });
      expect(await outsider.refused(MESSAGE_REACTIONS, { roomId, messageId: message.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await member.refused(ADD_REACTION, { input: { ...input, emoji: 'two words' } })).toMatchObject({
        errorType: 'ValidationError',
      });

      await owner.run(MUTE_MEMBER, { roomId, userId: member.id });
      expect(await member.refused(ADD_REACTION, { input })).toMatchObject({ errorType: 'Unauthorized' });
      await owner.run(UNMUTE_MEMBER, { roomId, userId: member.id });

      await owner.run(DELETE_MESSAGE, { roomId, messageId: message.id });
      expect(await member.refused(ADD_REACTION, { input })).toMatchObject({ errorType: 'Conflict' });
      expect(await member.refused(REMOVE_REACTION, { input })).toMatchObject({ errorType: 'Conflict' });
    });
  });

  describe('replies and threads', () => {
    it('threads replies under their root, one level deep, and counts them on the root', async () => {
      const root = await send(owner, 'thread root');
      const reply = await send(member, 'first reply', { replyToId: root.id });
      const nested = await send(other, 'reply to the reply', { replyToId: reply.id });
      expect(reply).toMatchObject({ replyToId: root.id, threadId: root.id });
      expect(nested).toMatchObject({ replyToId: reply.id, threadId: root.id });

      const rootNow = (await member.run<{ message: Message }>(MESSAGE_QUERY, { roomId, messageId: root.id })).message;
      expect(rootNow).toMatchObject({ replyCount: 2, change: 'REPLIES', version: 3 });

      const fromRoot = await member.run<{ thread: { items: Message[] } }>(THREAD, { roomId, messageId: root.id });
      expect(fromRoot.thread.items.map((m) => m.body)).toEqual(['first reply', 'reply to the reply']);
      const fromReply = await member.run<{ thread: { items: Message[] } }>(THREAD, { roomId, messageId: nested.id });
      expect(fromReply.thread.items.map((m) => m.id)).toEqual([reply.id, nested.id]);
      const paged = await member.run<{ thread: { items: Message[]; nextToken: string } }>(THREAD, {
        roomId,
        messageId: root.id,
        limit: 1,
      });
      const rest = await member.run<{ thread: { items: Message[] } }>(THREAD, {
        roomId,
        messageId: root.id,
        limit: 1,
        nextToken: paged.thread.nextToken,
      });
      expect(rest.thread.items.map((m) => m.id)).toEqual([nested.id]);
    });

    it('refuses replies to missing or deleted messages, and thread reads by non-members or across rooms', async () => {
      expect(
        await member.refused(SEND_MESSAGE, { input: { roomId, body: 'hm', replyToId: 'NO-SUCH-MESSAGE' } }),
      ).toMatchObject({
        errorType: 'NotFound',
      });
      const gone = await send(member, 'gone soon');
      await member.run(DELETE_MESSAGE, { roomId, messageId: gone.id });
      expect(await other.refused(SEND_MESSAGE, { input: { roomId, body: 'hm', replyToId: gone.id } })).toMatchObject({
        errorType: 'Conflict',
      });
      expect(await outsider.refused(THREAD, { roomId, messageId: gone.id })).toMatchObject({
        errorType: 'Unauthorized',
      });

      const elsewhere = (
        await outsider.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'elsewhere', visibility: 'PRIVATE' } })
      ).createRoom.id;
      const foreign = await send(outsider, 'private words', {}, elsewhere);
      // Membership of one room gives nothing in another, even with a valid message id.
      expect(await outsider.refused(MESSAGE_QUERY, { roomId, messageId: foreign.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await member.refused(MESSAGE_QUERY, { roomId, messageId: foreign.id })).toMatchObject({
        errorType: 'NotFound',
      });
    });
  });

  describe('read state', () => {
    it('counts others’ unread messages in myRooms with the last message, and moves the marker only forward', async () => {
      const quiet = (
        await owner.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'quiet', visibility: 'PUBLIC' } })
      ).createRoom.id;
      await send(owner, 'before you came', {}, quiet);
      await member.run(JOIN_ROOM, { roomId: quiet });
      const unread = async () => {
        const rooms = await member.run<{
          myRooms: { items: (Room & { lastMessage: Message; myMembership: Membership })[] };
        }>(MY_ROOMS);
        return rooms.myRooms.items.find((room) => room.id === quiet)!;
      };
      expect((await unread()).myMembership.unreadCount).toBe(0);

      const a = await send(owner, 'a', {}, quiet);
      const b = await send(owner, 'b', {}, quiet);
      await send(member, 'my own', {}, quiet);
      const c = await send(owner, 'c', {}, quiet);
      const room = await unread();
      expect(room.myMembership.unreadCount).toBe(3);
      expect(room.lastMessage).toMatchObject({ id: c.id, body: 'c' });

      const marked = (await member.run<{ markRead: Membership }>(MARK_READ, { roomId: quiet, messageId: b.id }))
        .markRead;
      expect(marked).toMatchObject({ lastReadMessageId: b.id, change: 'READ', unreadCount: 1 });
      const back = (await member.run<{ markRead: Membership }>(MARK_READ, { roomId: quiet, messageId: a.id })).markRead;
      expect(back).toMatchObject({ lastReadMessageId: b.id, unreadCount: 1 });

      await owner.run(DELETE_MESSAGE, { roomId: quiet, messageId: c.id });
      const afterDelete = await unread();
      expect(afterDelete.myMembership.unreadCount).toBe(0);
      expect(afterDelete.lastMessage).toMatchObject({ id: c.id, body: '', deletedBy: owner.id });
    });

    it('refuses marking read for non-members and for messages not in the room', async () => {
      const [latest] = await history(owner);
      expect(await outsider.refused(MARK_READ, { roomId, messageId: latest!.id })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await member.refused(MARK_READ, { roomId, messageId: 'NO-SUCH-MESSAGE' })).toMatchObject({
        errorType: 'NotFound',
      });
    });
  });

  describe('catch-up', () => {
    it('returns everything created, edited, deleted or reacted to after a cursor, in order, so a client converges', async () => {
      const room = (
        await owner.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'sync', visibility: 'PUBLIC' } })
      ).createRoom.id;
      await member.run(JOIN_ROOM, { roomId: room });
      const kept = await send(owner, 'kept', {}, room);
      const edited = await send(owner, 'to edit', {}, room);
      const deleted = await send(owner, 'to delete', {}, room);
      const reacted = await send(owner, 'to react to', {}, room);

      // The client reads history, keeps it by id and remembers the highest cursor it saw; then goes offline.
      const local = new Map((await history(member, room)).map((m) => [m.id, m]));
      const cursor = [...local.values()]
        .map((m) => m.cursor)
        .sort()
        .at(-1)!;

      await owner.run(EDIT_MESSAGE, { input: { roomId: room, messageId: edited.id, body: 'edited' } });
      await owner.run(DELETE_MESSAGE, { roomId: room, messageId: deleted.id });
      await owner.run(ADD_REACTION, { input: { roomId: room, messageId: reacted.id, emoji: '👀' } });
      const created = await send(owner, 'new while away', {}, room);

      const since = await member.run<{ messagesSince: { items: Message[] } }>(MESSAGES_SINCE, {
        roomId: room,
        after: cursor,
      });
      const changes = since.messagesSince.items;
      const cursors = changes.map((m) => m.cursor);
      expect(cursors).toEqual([...cursors].sort());
      const afterCursor = changes.filter((m) => m.cursor > cursor).map((m) => m.id);
      expect(afterCursor).toEqual([edited.id, deleted.id, reacted.id, created.id]);
      expect(changes.find((m) => m.id === deleted.id)).toMatchObject({ body: '', change: 'DELETED' });

      // Apply: keep the state with the higher version. The result is what a fresh read shows.
      for (const change of changes) {
        const known = local.get(change.id);
        if (!known || known.version < change.version) local.set(change.id, change);
      }
      const fresh = await history(member, room);
      expect([...local.values()].sort((x, y) => (x.id < y.id ? 1 : -1))).toEqual(fresh);
      expect(local.get(kept.id)?.version).toBe(1);
    });

    it('pages with nextToken, reads from the start with the zero cursor, and refuses non-members and bad cursors', async () => {
      const all = await member.run<{ messagesSince: { items: Message[] } }>(MESSAGES_SINCE, {
        roomId,
        after: CURSOR_ZERO,
        limit: 100,
      });
      expect(all.messagesSince.items.length).toBeGreaterThan(10);
      const first = await member.run<{ messagesSince: { items: Message[]; nextToken: string } }>(MESSAGES_SINCE, {
        roomId,
        after: CURSOR_ZERO,
        limit: 3,
      });
      const second = await member.run<{ messagesSince: { items: Message[] } }>(MESSAGES_SINCE, {
        roomId,
        after: CURSOR_ZERO,
        limit: 3,
        nextToken: first.messagesSince.nextToken,
      });
      expect([...first.messagesSince.items, ...second.messagesSince.items].map((m) => m.id)).toEqual(
        all.messagesSince.items.slice(0, 6).map((m) => m.id),
      );

      expect(await outsider.refused(MESSAGES_SINCE, { roomId, after: CURSOR_ZERO })).toMatchObject({
        errorType: 'Unauthorized',
      });
      expect(await member.refused(MESSAGES_SINCE, { roomId, after: 'yesterday' })).toMatchObject({
        errorType: 'ValidationError',
      });
    });
  });
});
