/**
 * The SDK's messages.subscribe across a real outage: the subscriber's connections (real-time socket included) are
 * cut at the TCP level while another user sends, edits, reacts and deletes; after Amplify reconnects, the SDK's
 * catch-up makes the subscriber's view exactly the server's history, with no state delivered twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from 'aws-amplify/utils';
import { CONNECTION_STATE_CHANGE, ConnectionState } from 'aws-amplify/api';
import { createChat, type Chat, type ChatMessage, type ChatSubscription } from '../../clients/sdk/index.js';
import {
  ADD_REACTION,
  CREATE_ROOM,
  DELETE_MESSAGE,
  EDIT_MESSAGE,
  MESSAGES,
  SEND_MESSAGE,
  type Message,
  type Room,
} from '../support/chat-documents.js';
import { startChatSession, type ChatSession, type ChatUser } from '../support/chat-session.js';
import { addUser } from '../support/cloud.js';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy.js';

/** Resolves at the first Amplify connection state that `test` accepts. */
function connectionState(test: (state: ConnectionState) => boolean): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const stop = Hub.listen('api', ({ payload }) => {
      if (payload.event !== CONNECTION_STATE_CHANGE) return;
      const { connectionState: state } = payload.data as { connectionState: ConnectionState };
      if (test(state)) {
        stop();
        resolve(state);
      }
    });
  });
}

describe('messages.subscribe across a cut socket', () => {
  let session: ChatSession<'sender'>;
  let sender: ChatUser;
  let proxy: ChaosProxy;
  let chat: Chat;
  let roomId: string;
  let subscription: ChatSubscription | undefined;

  const send = async (body: string) =>
    (await sender.run<{ sendMessage: Message }>(SEND_MESSAGE, { input: { roomId, body } })).sendMessage;
  const serverHistory = async () =>
    (await sender.run<{ messages: { items: Message[] } }>(MESSAGES, { roomId, limit: 100 })).messages.items;

  beforeAll(async () => {
    session = await startChatSession(['sender'] as const);
    sender = session.users.sender;
    proxy = await startChaosProxy(session.cloud.appsync.port);
    const { outputs } = session.cloud;
    // The subscriber reaches AppSync (HTTP and real-time) only through the proxy.
    chat = await createChat({ ...outputs, data: { ...outputs.data, url: `http://127.0.0.1:${proxy.port}/graphql` } });
    const subscriber = await addUser(session.cloud, 'subscriber');
    await chat.auth.signIn(subscriber.email, subscriber.password);
    roomId = (await sender.run<{ createRoom: Room }>(CREATE_ROOM, { input: { name: 'outage', visibility: 'PUBLIC' } }))
      .createRoom.id;
    await chat.members.join(roomId);
  });

  afterAll(async () => {
    subscription?.unsubscribe();
    await chat?.auth.signOut();
    await proxy?.close();
    await session?.stop();
  });

  it('converges to exactly the server history, with no gap and no duplicate', async () => {
    const early = await send('before subscribing');
    const toEdit = await send('will be edited while cut');
    const toDelete = await send('will be deleted while cut');

    // The app's view: the page it loaded, then every state the SDK delivers, applied by id.
    const loaded = (await chat.messages.list(roomId, { limit: 100 })).items;
    const view = new Map(loaded.map((message) => [message.id, message]));
    const delivered: ChatMessage[] = [];
    let onDelivery = () => {};
    subscription = await chat.messages.subscribe(
      roomId,
      (message) => {
        delivered.push(message);
        view.set(message.id, message);
        onDelivery();
      },
      { known: loaded },
    );
    const deliveredUntil = (test: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), 15_000);
        onDelivery = () => {
          if (!test()) return;
          clearTimeout(timer);
          resolve();
        };
        onDelivery();
      });

    const live = await send('live before the cut');
    await deliveredUntil(() => delivered.some((message) => message.id === live.id), 'the live message');

    const disrupted = connectionState((state) => state !== ConnectionState.Connected);
    // An outage until restored below.
    proxy.cut(Number.POSITIVE_INFINITY);
    expect(await disrupted).not.toBe(ConnectionState.Connected);
    const deliveredBeforeOutage = delivered.length;

    const whileCut = [await send('sent while cut 1'), await send('sent while cut 2')];
    await sender.run(EDIT_MESSAGE, { input: { roomId, messageId: toEdit.id, body: 'edited while cut' } });
    await sender.run(EDIT_MESSAGE, { input: { roomId, messageId: whileCut[0]!.id, body: 'sent, then edited' } });
    await sender.run(ADD_REACTION, { input: { roomId, messageId: early.id, emoji: 'wave' } });
    await sender.run(DELETE_MESSAGE, { roomId, messageId: toDelete.id });
    await sender.run(DELETE_MESSAGE, { roomId, messageId: whileCut[1]!.id });
    // Nothing got through: the socket really is down.
    expect(delivered).toHaveLength(deliveredBeforeOutage);

    const history = await serverHistory();
    const reconnected = connectionState((state) => state === ConnectionState.Connected);
    proxy.restore();
    await reconnected;
    await deliveredUntil(
      () => history.every((message) => view.get(message.id)?.version === message.version),
      'the view to catch up with the server',
    );

    // The view is the server's history, state for state.
    expect([...view.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...history].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(view.get(toDelete.id)).toMatchObject({ change: 'DELETED', body: '' });
    expect(view.get(toEdit.id)).toMatchObject({ change: 'EDITED', body: 'edited while cut' });
    // Each state once, and each message's states in version order.
    const keys = delivered.map((message) => `${message.id}@${message.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of new Set(delivered.map((message) => message.id))) {
      const versions = delivered.filter((message) => message.id === id).map((message) => message.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    }
    // The states loaded before subscribing were not delivered again.
    expect(delivered.filter((message) => message.id === early.id).map((message) => message.version)).toEqual([2]);

    // Live delivery resumed on the new socket.
    const after = await send('live after the reconnect');
    await deliveredUntil(() => delivered.some((message) => message.id === after.id), 'the message after reconnecting');
  });
});
