/**
 * The SDK against the local cloud: one signed-in SDK user in this process (Amplify is one per realm) and a peer
 * driven through its own aws-amplify worker. One test per API group, each asserting the typed results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { ChatApiError, createChat, CURSOR_ZERO, type Chat } from '../../clients/sdk/index.js';
import { CREATE_ROOM, JOIN_ROOM, SEND_MESSAGE, SEND_TYPING, type Message, type Room } from '../support/chat-documents.js';
import { startChatSession, type ChatSession, type ChatUser } from '../support/chat-session.js';
import { addUser } from '../support/cloud.js';

/** Collects a subscription's events and resolves `next(n)` once n have arrived. */
function collector<T>() {
  const events: T[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  return {
    events,
    push(event: T) {
      events.push(event);
      for (const waiter of waiters.filter((w) => events.length >= w.count)) waiter.resolve();
    },
    next(count: number): Promise<T[]> {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${count} events`)), 10_000);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        });
      });
    },
  };
}

describe('the SDK against the local cloud', () => {
  let session: ChatSession<'peer'>;
  let peer: ChatUser;
  let chat: Chat;
  let myId: string;

  beforeAll(async () => {
    session = await startChatSession(['peer'] as const);
    peer = session.users.peer;
    chat = await createChat(session.cloud.outputs);
    const me = await addUser(session.cloud, 'sdk-user');
    const signedIn = await chat.auth.signIn(me.email, me.password);
    expect(signedIn.isSignedIn).toBe(true);
    myId = me.sub;
  });

  afterAll(async () => {
    await chat?.auth.signOut();
    await session?.stop();
  });

  it('provides Node 20 a WebSocket built on ws and signs in against the local user pool', async () => {
    const ProvidedWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket as typeof NodeWebSocket;
    expect(Object.getPrototypeOf(ProvidedWebSocket)).toBe(NodeWebSocket);
    expect(await chat.auth.currentUserId()).toBe(myId);

    // It trusts the local CA: a wss:// handshake with the local AppSync completes.
    const socket = new ProvidedWebSocket(session.cloud.appsync.realtimeUrl.replace('/graphql/realtime', '/graphql'));
    const outcome = await new Promise<string>((resolve) => {
      socket.once('unexpected-response', () => resolve('tls ok'));
      socket.once('open', () => resolve('tls ok'));
      socket.once('error', (error) => resolve(error.message));
    });
    socket.terminate();
    expect(outcome).toBe('tls ok');
  });

  it('rooms: create, update (seen by onUpdate), get, mine, listPublic, archive, unarchive, openDirect', async () => {
    const room = await chat.rooms.create({ name: 'sdk', visibility: 'PUBLIC' });
    expect(room).toMatchObject({ name: 'sdk', visibility: 'PUBLIC', createdBy: myId, topic: null });

    const updates = collector<{ name: string; topic: string | null }>();
    const live = await chat.rooms.onUpdate(room.id, (update) => updates.push(update));
    const updated = await chat.rooms.update({ roomId: room.id, topic: 'typed' });
    expect(updated.topic).toBe('typed');
    expect((await updates.next(1))[0]).toMatchObject({ name: 'sdk', topic: 'typed' });
    live.unsubscribe();

    const fetched = await chat.rooms.get(room.id);
    expect(fetched?.myMembership).toMatchObject({ role: 'OWNER', status: 'JOINED', unreadCount: 0 });
    expect((await chat.rooms.mine()).items.map((r) => r.id)).toContain(room.id);
    expect((await chat.rooms.listPublic({ limit: 50 })).items.map((r) => r.id)).toContain(room.id);
    expect((await chat.rooms.archive(room.id)).archivedBy).toBe(myId);
    expect((await chat.rooms.unarchive(room.id)).archivedAt).toBeNull();

    const direct = await chat.rooms.openDirect(peer.id);
    expect(direct).toMatchObject({ userId: myId, peerId: peer.id, status: 'JOINED' });
    expect(direct.room?.visibility).toBe('DIRECT');
  });

  it('members: onEvent sees a join; list, setRole, mute, unmute, invite; refusals are ChatApiErrors', async () => {
    const room = await chat.rooms.create({ name: 'members', visibility: 'PRIVATE' });
    const events = collector<{ userId: string; change: string }>();
    const live = await chat.members.onEvent(room.id, (membership) => events.push(membership));
    expect((await chat.members.invite(room.id, peer.id)).status).toBe('INVITED');
    await peer.run(JOIN_ROOM, { roomId: room.id });
    expect((await events.next(2)).map((event) => [event.userId, event.change])).toEqual([
      [peer.id, 'INVITED'],
      [peer.id, 'JOINED'],
    ]);
    live.unsubscribe();

    const members = await chat.members.list(room.id);
    expect(members.items.map((m) => [m.userId, m.role]).sort()).toEqual(
      [
        [myId, 'OWNER'],
        [peer.id, 'MEMBER'],
      ].sort(),
    );
    expect((await chat.members.setRole(room.id, peer.id, 'ADMIN')).role).toBe('ADMIN');
    expect((await chat.members.mute(room.id, peer.id)).muted).toBe(true);
    expect((await chat.members.unmute(room.id, peer.id)).muted).toBe(false);

    const refused = await chat.members.leave(room.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChatApiError);
    expect((refused as ChatApiError).operation).toBe('LeaveRoom');
    expect((refused as ChatApiError).errors.length).toBeGreaterThan(0);
  });

  it('messages: send, reply, thread, edit, get, list, since, delete', async () => {
    const room = await chat.rooms.create({ name: 'messages', visibility: 'PUBLIC' });
    const root = await chat.messages.send({ roomId: room.id, body: 'root', clientMessageId: 'sdk-root' });
    expect(root).toMatchObject({ authorId: myId, body: 'root', version: 1, change: 'CREATED', reactions: [] });
    const reply = await chat.messages.send({ roomId: room.id, body: 'reply', replyToId: root.id });
    expect(reply.threadId).toBe(root.id);
    expect((await chat.messages.thread(room.id, root.id)).items.map((m) => m.id)).toEqual([reply.id]);

    const edited = await chat.messages.edit({ roomId: room.id, messageId: root.id, body: 'root, edited' });
    expect(edited).toMatchObject({ change: 'EDITED', body: 'root, edited' });
    expect(edited.version).toBeGreaterThan(root.version);
    expect(await chat.messages.get(room.id, root.id)).toEqual(edited);
    expect((await chat.messages.list(room.id)).items.map((m) => m.id)).toEqual([reply.id, root.id]);

    const deleted = await chat.messages.delete(room.id, reply.id);
    expect(deleted).toMatchObject({ change: 'DELETED', body: '', deletedBy: myId });
    const since = await chat.messages.since(room.id, CURSOR_ZERO);
    expect(since.items.map((m) => [m.id, m.change])).toContainEqual([reply.id, 'DELETED']);
    expect(since.items.map((m) => [m.id, m.change])).toContainEqual([root.id, 'EDITED']);
  });

  it('messages.subscribe resolves once acknowledged and delivers live messages', async () => {
    const room = await chat.rooms.create({ name: 'live', visibility: 'PUBLIC' });
    await peer.run(JOIN_ROOM, { roomId: room.id });
    const received = collector<{ id: string; version: number; body: string }>();
    const live = await chat.messages.subscribe(room.id, (message) => received.push(message));
    const sent = (await peer.run<{ sendMessage: Message }>(SEND_MESSAGE, { input: { roomId: room.id, body: 'hi' } }))
      .sendMessage;
    expect((await received.next(1))[0]).toMatchObject({ id: sent.id, version: 1, body: 'hi' });
    live.unsubscribe();
  });

  it('reactions: add, list, remove', async () => {
    const room = await chat.rooms.create({ name: 'reactions', visibility: 'PUBLIC' });
    const message = await chat.messages.send({ roomId: room.id, body: 'react to me' });
    const reacted = await chat.reactions.add({ roomId: room.id, messageId: message.id, emoji: '👍' });
    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    expect((await chat.reactions.list(room.id, message.id)).items).toEqual([
      { roomId: room.id, messageId: message.id, emoji: '👍', userId: myId, createdAt: expect.any(String) },
    ]);
    expect((await chat.reactions.remove({ roomId: room.id, messageId: message.id, emoji: '👍' })).reactions).toEqual(
      [],
    );
  });

  it('read state: markRead moves the marker and returns the unread count', async () => {
    const roomId = (await peer.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'read', visibility: 'PUBLIC' } }))
      .createRoom.id;
    await chat.members.join(roomId);
    const send = async (body: string) =>
      (await peer.run<{ sendMessage: Message }>(SEND_MESSAGE, { input: { roomId, body } })).sendMessage;
    const first = await send('one');
    await send('two');
    expect((await chat.rooms.get(roomId))?.myMembership?.unreadCount).toBe(2);
    const marked = await chat.readState.markRead(roomId, first.id);
    expect(marked).toMatchObject({ userId: myId, lastReadMessageId: first.id, unreadCount: 1 });
  });

  it('typing: send returns the event; subscribe gets others’ typing', async () => {
    const room = await chat.rooms.create({ name: 'typing', visibility: 'PUBLIC' });
    await peer.run(JOIN_ROOM, { roomId: room.id });
    const typing = collector<{ userId: string; typing: boolean }>();
    const live = await chat.typing.subscribe(room.id, (event) => typing.push(event));
    expect(await chat.typing.send(room.id)).toMatchObject({ roomId: room.id, userId: myId, typing: true });
    await peer.run(SEND_TYPING, { roomId: room.id, typing: false });
    expect(await typing.next(1)).toEqual([{ roomId: room.id, userId: peer.id, typing: false, at: expect.any(String) }]);
    live.unsubscribe();
  });
});
