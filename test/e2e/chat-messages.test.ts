/**
 * Messages through wavechat's SDK (clients/sdk, on aws-amplify v6), one signed-in user per worker: sending
 * (idempotent, limits, ordering), editing, deleting (tombstones), reactions, replies and threads, read state with
 * unread counts, and catch-up from a cursor, each operation with the caller it allows and the callers it refuses
 * (non-members, muted, banned, removed, wrong author, wrong role), asserting the exact refusal and the resulting state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, SendMessageInput } from '../../clients/sdk/index.js';
import { CURSOR_ZERO } from '../../clients/sdk/message-feed.js';
import { refusal, startSdkSession, type SdkSession, type SdkUser } from '../support/sdk-user.js';

type Name = 'owner' | 'member' | 'other' | 'outsider';

const NOT_A_MEMBER = { errorType: 'Unauthorized', message: 'You are not a member of this room' };
const BANNED = { errorType: 'Unauthorized', message: 'You are banned from this room' };

describe('chat messages', () => {
  let session: SdkSession<Name>;
  let owner: SdkUser;
  let member: SdkUser;
  let other: SdkUser;
  let outsider: SdkUser;
  let roomId: string;

  const send = (user: SdkUser, body: string, extra: Partial<SendMessageInput> = {}, room = roomId) =>
    user.chat.messages.send({ roomId: room, body, ...extra });
  const history = async (user: SdkUser, room = roomId) =>
    (await user.chat.messages.list(room, { limit: 100 })).items;
  const react = (user: SdkUser, messageId: string, emoji: string) =>
    user.chat.reactions.add({ roomId, messageId, emoji });
  const mutedIn = (room: string) => ({ errorType: 'Unauthorized', message: `You are muted in room ${room}` });

  beforeAll(async () => {
    session = await startSdkSession(['owner', 'member', 'other', 'outsider'] as const);
    ({ owner, member, other, outsider } = session.users);
    roomId = (await owner.chat.rooms.create({ name: 'talk', visibility: 'PUBLIC' })).id;
    await Promise.all([member, other].map((user) => user.chat.members.join(roomId)));
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
        reactions: [],
        replyToId: null,
        threadId: null,
        editedAt: null,
        deletedAt: null,
      });
      expect(first.cursor).toBe(first.id);
      expect([first.id, second.id, third.id]).toEqual([first.id, second.id, third.id].sort());
      expect((await history(owner)).slice(0, 3)).toEqual([third, second, first]);
      expect(await owner.chat.messages.get(roomId, second.id)).toEqual(second);
    });

    it('stores one message per clientMessageId and answers a retry with it', async () => {
      const input = { clientMessageId: 'retry-1' };
      const sent = await send(member, 'exactly once', input);
      expect(sent.clientMessageId).toBe('retry-1');
      expect(await send(member, 'exactly once', input)).toEqual(sent);
      expect((await history(owner)).filter((m) => m.clientMessageId === 'retry-1')).toEqual([sent]);
      // The key is the author's: another author's same key is another message.
      expect((await send(other, 'mine', input)).id).not.toBe(sent.id);
    });

    it('refuses empty and over-long bodies with the limit in the message', async () => {
      expect(await refusal(send(member, '   '))).toEqual({
        errorType: 'ValidationError',
        message: 'Message body must not be empty',
      });
      expect(await refusal(send(member, 'x'.repeat(4001)))).toEqual({
        errorType: 'ValidationError',
        message: 'Message body is 4001 characters; the limit is 4000',
      });
      expect((await send(member, 'x'.repeat(4000))).body).toHaveLength(4000);
    });

    it('refuses non-members, and members while muted, removed or banned', async () => {
      const before = (await history(owner)).length;
      expect(await refusal(send(outsider, 'let me in'))).toEqual(NOT_A_MEMBER);
      expect(await refusal(outsider.chat.messages.list(roomId))).toEqual(NOT_A_MEMBER);

      await owner.chat.members.mute(roomId, other.id);
      expect(await refusal(send(other, 'muted'))).toEqual(mutedIn(roomId));
      // Muted members still read.
      expect((await history(other)).length).toBe(before);
      await owner.chat.members.unmute(roomId, other.id);

      await owner.chat.members.remove(roomId, other.id);
      expect(await refusal(send(other, 'removed'))).toEqual(NOT_A_MEMBER);
      expect(await refusal(other.chat.messages.list(roomId))).toEqual(NOT_A_MEMBER);
      expect(await refusal(other.chat.messages.since(roomId, CURSOR_ZERO))).toEqual(NOT_A_MEMBER);
      await other.chat.members.join(roomId);

      await owner.chat.members.ban(roomId, other.id);
      expect(await refusal(send(other, 'banned'))).toEqual(BANNED);
      expect(await refusal(other.chat.messages.list(roomId))).toEqual(BANNED);
      expect(await refusal(other.chat.messages.since(roomId, CURSOR_ZERO))).toEqual(BANNED);
      await owner.chat.members.unban(roomId, other.id);
      await other.chat.members.join(roomId);

      expect((await history(owner)).length).toBe(before);
      expect(await send(other, 'back again')).toMatchObject({ authorId: other.id, body: 'back again' });
    });
  });

  describe('editing and deleting', () => {
    it('lets the author edit, keeping editedAt and bumping version; refuses everyone else', async () => {
      const original = await send(member, 'tpyo');
      const edited = await member.chat.messages.edit({ roomId, messageId: original.id, body: 'typo' });
      expect(edited).toMatchObject({
        id: original.id,
        body: 'typo',
        version: 2,
        change: 'EDITED',
        createdAt: original.createdAt,
        editedAt: expect.any(String),
      });
      expect(edited.cursor > original.cursor).toBe(true);

      const input = { roomId, messageId: original.id, body: 'hijacked' };
      const onlyTheAuthor = { errorType: 'Unauthorized', message: 'Only the author can editMessage' };
      expect(await refusal(other.chat.messages.edit(input))).toEqual(onlyTheAuthor);
      // Owners moderate by deleting, not by putting words in someone's mouth.
      expect(await refusal(owner.chat.messages.edit(input))).toEqual(onlyTheAuthor);
      expect(await refusal(outsider.chat.messages.edit(input))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.messages.edit({ ...input, body: 'y'.repeat(4001) }))).toEqual({
        errorType: 'ValidationError',
        message: 'Message body is 4001 characters; the limit is 4000',
      });
      expect(await refusal(member.chat.messages.edit({ ...input, messageId: 'NO-SUCH-MESSAGE' }))).toEqual({
        errorType: 'NotFound',
        message: 'Message NO-SUCH-MESSAGE does not exist in this room',
      });

      await owner.chat.members.mute(roomId, member.id);
      expect(await refusal(member.chat.messages.edit({ ...input, body: 'muted edit' }))).toEqual(mutedIn(roomId));
      await owner.chat.members.unmute(roomId, member.id);
      expect(await member.chat.messages.get(roomId, original.id)).toEqual(edited);
    });

    it('leaves a tombstone in place of a deleted message; deleting again returns it unchanged', async () => {
      const doomed = await send(member, 'regrettable');
      await react(other, doomed.id, '👎');
      const after = await send(other, 'after it');
      const tombstone = await member.chat.messages.delete(roomId, doomed.id);
      expect(tombstone).toMatchObject({
        id: doomed.id,
        body: '',
        reactions: [],
        deletedBy: member.id,
        deletedAt: expect.any(String),
        change: 'DELETED',
        version: 3,
      });

      expect(await member.chat.messages.delete(roomId, doomed.id)).toEqual(tombstone);
      const ids = (await history(owner)).map((m) => m.id);
      expect(ids.indexOf(doomed.id)).toBe(ids.indexOf(after.id) + 1);
      expect(await refusal(member.chat.messages.edit({ roomId, messageId: doomed.id, body: 'undo' }))).toEqual({
        errorType: 'Conflict',
        message: `Message ${doomed.id} was deleted`,
      });
      expect(await refusal(member.chat.messages.delete(roomId, 'NO-SUCH-MESSAGE'))).toEqual({
        errorType: 'NotFound',
        message: 'Message NO-SUCH-MESSAGE does not exist in this room',
      });
    });

    it('lets owners and admins delete anyone’s message; refuses other members and non-members', async () => {
      const target = await send(member, 'delete me');
      expect(await refusal(other.chat.messages.delete(roomId, target.id))).toEqual({
        errorType: 'Unauthorized',
        message: 'Only the author or a room owner or admin can deleteMessage',
      });
      expect(await refusal(outsider.chat.messages.delete(roomId, target.id))).toEqual(NOT_A_MEMBER);
      expect(await owner.chat.messages.get(roomId, target.id)).toEqual(target);
      const deleted = await owner.chat.messages.delete(roomId, target.id);
      expect(deleted).toMatchObject({ deletedBy: owner.id, authorId: member.id, body: '' });

      // A muted author may still take their own words back; a removed one may not.
      const own = await send(member, 'second thoughts');
      await owner.chat.members.mute(roomId, member.id);
      expect(await member.chat.messages.delete(roomId, own.id)).toMatchObject({ deletedBy: member.id });
      await owner.chat.members.unmute(roomId, member.id);

      const left = await send(other, 'left behind');
      await owner.chat.members.remove(roomId, other.id);
      expect(await refusal(other.chat.messages.delete(roomId, left.id))).toEqual(NOT_A_MEMBER);
      await other.chat.members.join(roomId);
      expect((await owner.chat.messages.get(roomId, left.id))?.deletedAt).toBeNull();
    });
  });

  describe('reactions', () => {
    it('counts one reaction per user per emoji and lists who reacted', async () => {
      const message = await send(owner, 'react to me');
      await react(member, message.id, '👍');
      const twice = await react(other, message.id, '👍');
      expect(twice).toMatchObject({ change: 'REACTIONS', reactions: [{ emoji: '👍', count: 2 }] });
      const repeated = await react(other, message.id, '👍');
      expect(repeated.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      expect(repeated.version).toBe(twice.version);
      const hearts = await react(member, message.id, '❤️');
      expect(hearts).toMatchObject({ change: 'REACTIONS', version: 4 });
      expect(hearts.reactions).toEqual([
        { emoji: '❤️', count: 1 },
        { emoji: '👍', count: 2 },
      ]);

      const reactors = await owner.chat.reactions.list(roomId, message.id);
      expect(reactors.items.map((r) => `${r.emoji}:${r.userId}`).sort()).toEqual(
        [`👍:${member.id}`, `👍:${other.id}`, `❤️:${member.id}`].sort(),
      );

      const removed = await member.chat.reactions.remove({ roomId, messageId: message.id, emoji: '❤️' });
      expect(removed.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      const notThere = await owner.chat.reactions.remove({ roomId, messageId: message.id, emoji: '👍' });
      expect(notThere.reactions).toEqual([{ emoji: '👍', count: 2 }]);
      expect((await owner.chat.reactions.list(roomId, message.id)).items).toHaveLength(2);
    });

    it('refuses non-members, muted, removed and banned members, deleted messages and malformed emoji', async () => {
      const message = await send(owner, 'no reactions please');
      const input = { roomId, messageId: message.id, emoji: '🎉' };
      expect(await refusal(outsider.chat.reactions.add(input))).toEqual(NOT_A_MEMBER);
      expect(await refusal(outsider.chat.reactions.remove(input))).toEqual(NOT_A_MEMBER);
      expect(await refusal(outsider.chat.reactions.list(roomId, message.id))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.reactions.add({ ...input, emoji: 'two words' }))).toEqual({
        errorType: 'ValidationError',
        message: 'emoji must be 1 to 32 characters without whitespace or "#"',
      });

      await owner.chat.members.mute(roomId, member.id);
      expect(await refusal(member.chat.reactions.add(input))).toEqual(mutedIn(roomId));
      await owner.chat.members.unmute(roomId, member.id);

      await react(other, message.id, '🎉');
      await owner.chat.members.ban(roomId, other.id);
      expect(await refusal(other.chat.reactions.remove(input))).toEqual(BANNED);
      expect(await refusal(other.chat.reactions.list(roomId, message.id))).toEqual(BANNED);
      await owner.chat.members.unban(roomId, other.id);
      await other.chat.members.join(roomId);
      expect((await owner.chat.messages.get(roomId, message.id))?.reactions).toEqual([{ emoji: '🎉', count: 1 }]);

      await owner.chat.messages.delete(roomId, message.id);
      const deleted = { errorType: 'Conflict', message: `Message ${message.id} was deleted` };
      expect(await refusal(member.chat.reactions.add(input))).toEqual(deleted);
      expect(await refusal(member.chat.reactions.remove(input))).toEqual(deleted);
    });
  });

  describe('replies and threads', () => {
    it('threads replies under their root, one level deep, and counts them on the root', async () => {
      const root = await send(owner, 'thread root');
      const reply = await send(member, 'first reply', { replyToId: root.id });
      const nested = await send(other, 'reply to the reply', { replyToId: reply.id });
      expect(reply).toMatchObject({ replyToId: root.id, threadId: root.id });
      expect(nested).toMatchObject({ replyToId: reply.id, threadId: root.id });

      expect(await member.chat.messages.get(roomId, root.id)).toMatchObject({
        replyCount: 2,
        change: 'REPLIES',
        version: 3,
      });

      const fromRoot = await member.chat.messages.thread(roomId, root.id);
      expect(fromRoot.items.map((m) => m.body)).toEqual(['first reply', 'reply to the reply']);
      const fromReply = await member.chat.messages.thread(roomId, nested.id);
      expect(fromReply.items.map((m) => m.id)).toEqual([reply.id, nested.id]);
      const paged = await member.chat.messages.thread(roomId, root.id, { limit: 1 });
      expect(paged.items.map((m) => m.id)).toEqual([reply.id]);
      const rest = await member.chat.messages.thread(roomId, root.id, { limit: 1, nextToken: paged.nextToken });
      expect(rest.items.map((m) => m.id)).toEqual([nested.id]);
    });

    it('refuses replies to missing or deleted messages, and reads by non-members or across rooms', async () => {
      expect(await refusal(send(member, 'hm', { replyToId: 'NO-SUCH-MESSAGE' }))).toEqual({
        errorType: 'NotFound',
        message: 'Message NO-SUCH-MESSAGE does not exist in this room',
      });
      const gone = await send(member, 'gone soon');
      await member.chat.messages.delete(roomId, gone.id);
      expect(await refusal(send(other, 'hm', { replyToId: gone.id }))).toEqual({
        errorType: 'Conflict',
        message: `Message ${gone.id} was deleted`,
      });
      expect(await refusal(outsider.chat.messages.thread(roomId, gone.id))).toEqual(NOT_A_MEMBER);
      expect(await refusal(outsider.chat.messages.get(roomId, gone.id))).toEqual(NOT_A_MEMBER);

      const elsewhere = (await outsider.chat.rooms.create({ name: 'elsewhere', visibility: 'PRIVATE' })).id;
      const foreign = await send(outsider, 'private words', {}, elsewhere);
      // Membership of one room gives nothing in another, even with a valid message id.
      expect(await refusal(outsider.chat.messages.get(roomId, foreign.id))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.messages.get(roomId, foreign.id))).toEqual({
        errorType: 'NotFound',
        message: `Message ${foreign.id} does not exist in this room`,
      });
      expect(await refusal(member.chat.messages.thread(roomId, foreign.id))).toMatchObject({ errorType: 'NotFound' });
    });
  });

  describe('read state', () => {
    it('counts others’ unread messages in myRooms with the last message, and moves the marker only forward', async () => {
      const quiet = (await owner.chat.rooms.create({ name: 'quiet', visibility: 'PUBLIC' })).id;
      await send(owner, 'before you came', {}, quiet);
      await member.chat.members.join(quiet);
      const unread = async () => (await member.chat.rooms.mine()).items.find((room) => room.id === quiet)!;
      expect((await unread()).myMembership?.unreadCount).toBe(0);

      const a = await send(owner, 'a', {}, quiet);
      const b = await send(owner, 'b', {}, quiet);
      await send(member, 'my own', {}, quiet);
      const c = await send(owner, 'c', {}, quiet);
      const room = await unread();
      expect(room.myMembership?.unreadCount).toBe(3);
      expect(room.lastMessage).toEqual(c);

      const marked = await member.chat.readState.markRead(quiet, b.id);
      expect(marked).toMatchObject({
        userId: member.id,
        lastReadMessageId: b.id,
        lastReadAt: expect.any(String),
        change: 'READ',
        unreadCount: 1,
      });
      const back = await member.chat.readState.markRead(quiet, a.id);
      expect(back).toMatchObject({ lastReadMessageId: b.id, unreadCount: 1 });
      expect((await member.chat.rooms.get(quiet))?.myMembership).toMatchObject({
        lastReadMessageId: b.id,
        unreadCount: 1,
      });

      await owner.chat.messages.delete(quiet, c.id);
      const afterDelete = await unread();
      expect(afterDelete.myMembership?.unreadCount).toBe(0);
      expect(afterDelete.lastMessage).toMatchObject({ id: c.id, body: '', deletedBy: owner.id });
    });

    it('refuses marking read for non-members, removed and banned members, and messages not in the room', async () => {
      const [latest] = await history(owner);
      const messageId = latest!.id;
      expect(await refusal(outsider.chat.readState.markRead(roomId, messageId))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.readState.markRead(roomId, 'NO-SUCH-MESSAGE'))).toEqual({
        errorType: 'NotFound',
        message: 'Message NO-SUCH-MESSAGE does not exist in this room',
      });
      await owner.chat.members.ban(roomId, other.id);
      expect(await refusal(other.chat.readState.markRead(roomId, messageId))).toEqual(BANNED);
      await owner.chat.members.unban(roomId, other.id);
      expect(await refusal(other.chat.readState.markRead(roomId, messageId))).toEqual(NOT_A_MEMBER);
      await other.chat.members.join(roomId);
      // Rejoining starts reading after everything already in the room: an older marker would move it back.
      expect(await other.chat.readState.markRead(roomId, messageId)).toMatchObject({
        lastReadMessageId: null,
        unreadCount: 0,
      });
      const welcome = await send(owner, 'welcome back');
      expect(await other.chat.readState.markRead(roomId, welcome.id)).toMatchObject({
        lastReadMessageId: welcome.id,
        unreadCount: 0,
      });
    });
  });

  describe('catch-up', () => {
    it('returns everything created, edited, deleted or reacted to after a cursor, in order, so a client converges', async () => {
      const room = (await owner.chat.rooms.create({ name: 'sync', visibility: 'PUBLIC' })).id;
      await member.chat.members.join(room);
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

      await owner.chat.messages.edit({ roomId: room, messageId: edited.id, body: 'edited' });
      await owner.chat.messages.delete(room, deleted.id);
      await owner.chat.reactions.add({ roomId: room, messageId: reacted.id, emoji: '👀' });
      const created = await send(owner, 'new while away', {}, room);

      const changes = (await member.chat.messages.since(room, cursor)).items;
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
      expect([...local.values()].sort((x: ChatMessage, y: ChatMessage) => (x.id < y.id ? 1 : -1))).toEqual(fresh);
      expect(local.get(kept.id)?.version).toBe(1);
    });

    it('pages with nextToken, reads from the start with the zero cursor, and refuses non-members and bad cursors', async () => {
      const all = await member.chat.messages.since(roomId, CURSOR_ZERO, { limit: 100 });
      expect(all.items.length).toBeGreaterThan(10);
      const first = await member.chat.messages.since(roomId, CURSOR_ZERO, { limit: 3 });
      const second = await member.chat.messages.since(roomId, CURSOR_ZERO, { limit: 3, nextToken: first.nextToken });
      expect([...first.items, ...second.items].map((m) => m.id)).toEqual(all.items.slice(0, 6).map((m) => m.id));

      expect(await refusal(outsider.chat.messages.since(roomId, CURSOR_ZERO))).toEqual(NOT_A_MEMBER);
      expect(await refusal(member.chat.messages.since(roomId, 'yesterday'))).toMatchObject({
        errorType: 'ValidationError',
      });
    });
  });
});
