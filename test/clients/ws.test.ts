/**
 * clients/ws against a real local cloud with the raw WebSocket side (API Gateway, Lambda functions, the stream
 * consumer, AppSync, DynamoDB Local, cognito-local): traffic between clients, request/reply matching, error
 * replies, and healing after the server drops a connection.
 */
import { ApiGatewayManagementApiClient, DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  backoffDelay,
  ChatConnectError,
  ChatRequestError,
  connectChat,
  type ChatClient,
  type ConnectChatOptions,
  type ConnectionState,
  type TypingEvent,
} from '../../clients/ws/index.js';
import type { LocalCloud } from '../../local/cloud.js';
import { createDynamoDbClient } from '../../local/dynamodb/index.js';
import { userConnectionsKey } from '../../lambdas/shared/connection-store.js';
import { logMessages, signedInUser, startRawChatCloud, type TestUser } from './support.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

describe('backoffDelay', () => {
  it('draws below a cap that doubles per attempt up to the maximum', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });
});

describe('the raw WebSocket chat client', () => {
  let cloud: LocalCloud;
  let ada: TestUser;
  let bob: TestUser;
  let cleo: TestUser;
  const clients: ChatClient[] = [];

  const connect = async (options: Partial<ConnectChatOptions> & ({ token: string } | { getToken: () => Promise<string> })) => {
    const client = await connectChat({ url: cloud.webSocket!.url, WebSocket, ...options } as ConnectChatOptions);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cloud = await startRawChatCloud();
    [ada, bob, cleo] = (await Promise.all(['ada', 'bob', 'cleo'].map((name) => signedInUser(cloud, name)))) as [TestUser, TestUser, TestUser];
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cloud?.stop();
  });

  it('carries a message from one client to another, and to the sender once', async () => {
    const bobChat = await connect({ token: bob.accessToken });
    const adaChat = await connect({ token: ada.accessToken });
    const bobLog = logMessages(bobChat);
    const adaLog = logMessages(adaChat);

    // The lobby's first send creates it and joins the sender.
    const opening = await bobChat.send(undefined, 'the lobby is open');
    expect(opening).toMatchObject({ roomId: 'lobby', authorId: bob.sub, body: 'the lobby is open', version: 1, change: 'CREATED' });
    expect((await adaChat.join('lobby')).roomId).toBe('lobby');

    const hello = await adaChat.send('lobby', 'hello bob');
    expect(hello).toMatchObject({ roomId: 'lobby', authorId: ada.sub, body: 'hello bob' });
    expect(await bobLog.waitFor((message) => message.id === hello.id, 'hello bob')).toEqual(hello);
    await adaLog.waitFor((message) => message.id === hello.id, 'hello bob at its sender');
    // Once the stream is drained Ada's push is on her socket, ahead of the next reply: her reply and push gave one event.
    await Promise.all(cloud.streamPollers.map((poller) => poller.drain()));
    await adaChat.history('lobby', { limit: 1 });
    expect(adaLog.messages.filter((message) => message.id === hello.id)).toHaveLength(1);
  });

  it('matches concurrent requests to their replies, and pushes typing to the others', async () => {
    const adaChat = await connect({ token: ada.accessToken });
    const bobChat = await connect({ token: bob.accessToken });
    const bobTyping = new Promise<TypingEvent>((resolve) => bobChat.on('typing', resolve));

    const [one, two, three, page, membership, typed] = await Promise.all([
      adaChat.send('lobby', 'one'),
      adaChat.send('lobby', 'two'),
      adaChat.send('lobby', 'three'),
      adaChat.history('lobby', { limit: 2 }),
      adaChat.join('lobby'),
      adaChat.typing('lobby'),
    ]);
    expect([one.body, two.body, three.body]).toEqual(['one', 'two', 'three']);
    expect(page.roomId).toBe('lobby');
    expect(page.items.length).toBeGreaterThan(0);
    expect(membership).toMatchObject({ roomId: 'lobby', userId: ada.sub });
    expect(typed).toMatchObject({ roomId: 'lobby', userId: ada.sub, typing: true });
    expect(await bobTyping).toMatchObject({ roomId: 'lobby', userId: ada.sub, typing: true });
  });

  it('rejects a request with its error reply and keeps working', async () => {
    const adaChat = await connect({ token: ada.accessToken });
    const notFound = await adaChat.join('no-such-room').catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(ChatRequestError);
    expect(notFound).toMatchObject({ action: 'joinroom', type: 'NotFound' });
    await expect(adaChat.send('lobby', '   ')).rejects.toMatchObject({ action: 'sendmessage', type: 'BadRequest' });
    expect((await adaChat.send('lobby', 'still here')).body).toBe('still here');
  });

  it('makes a repeated send with the same clientMessageId idempotent', async () => {
    const adaChat = await connect({ token: ada.accessToken });
    const first = await adaChat.send('lobby', 'only once', { clientMessageId: 'retry-me' });
    const again = await adaChat.send('lobby', 'only once', { clientMessageId: 'retry-me' });
    expect(again.id).toBe(first.id);
  });

  it('refuses to open with a token the pool did not issue', async () => {
    await expect(connect({ token: 'not-a-token' })).rejects.toBeInstanceOf(ChatConnectError);
  });

  it('reconnects with a fresh token after the server drops it, catching up in order without duplicates', async () => {
    let tokenRequests = 0;
    let reconnectAsked!: () => void;
    const reconnectAskedForToken = new Promise<void>((resolve) => (reconnectAsked = resolve));
    let allowReconnect!: () => void;
    const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
    const cleoChat = await connect({
      getToken: async () => {
        tokenRequests += 1;
        if (tokenRequests > 1) {
          reconnectAsked();
          await reconnectAllowed;
        }
        return cleo.accessToken;
      },
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    const states: ConnectionState[] = [];
    cleoChat.on('state', (state) => states.push(state));
    const cleoLog = logMessages(cleoChat);
    const bobChat = await connect({ token: bob.accessToken });
    await cleoChat.join('lobby');

    const before = await bobChat.send('lobby', 'before the drop');
    await cleoLog.waitFor((message) => message.id === before.id, 'before the drop');

    const table = createDynamoDbClient(cloud.dynamodbEndpoint);
    const { Item } = await table.send(
      new GetItemCommand({ TableName: 'Chat', Key: marshall(userConnectionsKey(cleo.sub)), ConsistentRead: true }),
    );
    table.destroy();
    const entries = Item?.['connections']?.SS ?? [];
    expect(entries).toHaveLength(1);
    const connectionId = entries[0]!.slice(entries[0]!.indexOf('#') + 1);
    const management = new ApiGatewayManagementApiClient({
      endpoint: cloud.webSocket!.managementUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    });
    await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    management.destroy();

    await reconnectAskedForToken;
    expect(states).toEqual(['reconnecting']);
    const queued = cleoChat.send('lobby', 'queued while away');
    const missed = [await bobChat.send('lobby', 'missed one'), await bobChat.send('lobby', 'missed two')];
    // Their pushes have been tried (Cleo had no connection), so only catch-up can bring them.
    await Promise.all(cloud.streamPollers.map((poller) => poller.drain()));
    allowReconnect();

    expect((await queued).body).toBe('queued while away');
    await cleoLog.waitFor((message) => message.body === 'queued while away', 'queued while away');
    const after = await bobChat.send('lobby', 'after the reconnect');
    await cleoLog.waitFor((message) => message.id === after.id, 'after the reconnect');

    expect(tokenRequests).toBe(2);
    expect(states).toEqual(['reconnecting', 'open']);
    const ours = new Set(['before the drop', 'missed one', 'missed two', 'queued while away', 'after the reconnect']);
    expect(cleoLog.messages.filter((message) => ours.has(message.body)).map((message) => message.body)).toEqual([
      'before the drop',
      'missed one',
      'missed two',
      'queued while away',
      'after the reconnect',
    ]);
    expect(cleoLog.messages.map((message) => message.id)).toEqual(expect.arrayContaining(missed.map((message) => message.id)));
    const versions = cleoLog.messages.map((message) => `${message.id}@${message.version}`);
    expect(new Set(versions).size).toBe(versions.length);
  });
});
