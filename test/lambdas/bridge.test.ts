/**
 * The raw-WebSocket routes and the stream consumer against a real local cloud (DynamoDB Local, cognito-local, the
 * local AppSync running the chat API): every write goes through the API's IAM path, replies and pushes are read
 * from the @connections test double (support/connections-endpoint.ts).
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../local/appsync/auth/index.js';
import type { LocalCloud } from '../../local/cloud.js';
import { createUser, signIn } from '../../local/cognito/index.js';
import { createDynamoDbClient } from '../../local/dynamodb/index.js';
import { LambdaHandlerError } from '../../local/lambda/errors.js';
import { MESSAGE_SELECTION, type ChatMessage } from '../../lambdas/shared/chat-api.js';
import { backendGraphql } from '../support/backend-caller.js';
import { startChatCloud } from '../support/cloud.js';
import { startFakeConnectionsEndpoint, type FakeConnectionsEndpoint } from './support/connections-endpoint.js';
import { streamRecord } from './support/events.js';
import { functionRunner, type FunctionRunner } from './support/functions.js';
import { testGateway, type TestConnection, type TestGateway } from './support/gateway.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

type Frame = Record<string, unknown>;
type Message = ChatMessage;

const ENSURE_ROOM = `mutation Ensure($id: ID!, $name: String!) { ensurePublicRoom(id: $id, name: $name) { id } }`;
const EDIT = `mutation Edit($input: EditMessageInput!) { editMessage(input: $input) { id } }`;
const DELETE = `mutation Delete($roomId: ID!, $messageId: ID!) { deleteMessage(roomId: $roomId, messageId: $messageId) { id } }`;
const CREATE_ROOM = `mutation Create($input: CreateRoomInput!) { createRoom(input: $input) { id } }`;
const INVITE = `mutation Invite($roomId: ID!, $userId: ID!) { inviteMember(roomId: $roomId, userId: $userId) { status } }`;
const BAN = `mutation Ban($roomId: ID!, $userId: ID!) { banMember(roomId: $roomId, userId: $userId) { status } }`;

/** A GraphQL call as a signed-in user (user-pool token), for what only users may do (createRoom, moderation). */
async function asUser<T>(cloud: LocalCloud, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(cloud.appsync.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown[] };
  if (answer.errors !== undefined || answer.data === undefined) throw new Error(`GraphQL refused: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

describe('the raw-WebSocket bridge', () => {
  let cloud: LocalCloud;
  let endpoint: FakeConnectionsEndpoint;
  let functions: FunctionRunner;
  let gateway: TestGateway;
  let table: DynamoDBClient;
  const users: Record<'ada' | 'bob' | 'cyd' | 'dan' | 'eve' | 'fay', string> = { ada: '', bob: '', cyd: '', dan: '', eve: '', fay: '' };
  let bobAccessToken: string;
  let adaAccessToken: string;

  beforeAll(async () => {
    [cloud, endpoint] = await Promise.all([startChatCloud(), startFakeConnectionsEndpoint()]);
    functions = functionRunner(cloud, endpoint.managementUrl);
    gateway = testGateway(functions, endpoint);
    table = createDynamoDbClient(cloud.dynamodbEndpoint);
    await Promise.all(
      (Object.keys(users) as (keyof typeof users)[]).map(async (name) => {
        const { sub } = await createUser(cloud.cognitoEndpoint, cloud.userPool, { email: `${name}@example.com`, password: `Passw0rd!${name}` });
        users[name] = sub;
      }),
    );
    const tokenOf = async (name: string) =>
      (await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, `${name}@example.com`, `Passw0rd!${name}`)).accessToken;
    [bobAccessToken, adaAccessToken] = await Promise.all([tokenOf('bob'), tokenOf('ada')]);
  });

  afterAll(async () => {
    table?.destroy();
    await Promise.all([cloud?.stop(), endpoint?.stop()]);
  });

  const ensureRoom = async (id: string) => {
    const answer = await backendGraphql(cloud, ENSURE_ROOM, { id, name: id });
    expect(answer.errors).toBeUndefined();
  };

  const storedItem = async (key: { pk: string; sk: string }) => {
    const { Item } = await table.send(
      new GetItemCommand({ TableName: 'Chat', Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }),
    );
    return Item;
  };

  const only = (frames: Frame[]): Frame => {
    expect(frames).toHaveLength(1);
    return frames[0] as Frame;
  };

  describe('routes', () => {
    let ada: TestConnection;
    let bob: TestConnection;
    let cyd: TestConnection;

    beforeAll(async () => {
      [ada, bob, cyd] = await Promise.all([gateway.connect(users.ada), gateway.connect(users.bob), gateway.connect(users.cyd)]);
      await ensureRoom('general');
    });

    it('$default replies how to use the API and the caller’s connection info, as the tutorial’s does', async () => {
      const usage = only(await gateway.send(ada, 'test'));
      expect(usage).toMatchObject({
        type: 'usage',
        message: expect.stringContaining('Use the sendmessage route to send a message.'),
        reason: 'The message is not JSON.',
        actions: { sendmessage: expect.any(String), joinroom: expect.any(String), history: expect.any(String) },
        connection: {
          connectionId: ada.connectionId,
          userId: users.ada,
          connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastActiveAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          identity: { sourceIp: '192.0.2.1', userAgent: null },
        },
      });
      const unknown = only(await gateway.send(ada, '{"action":"dance","requestId":"r-7"}'));
      expect(unknown).toMatchObject({ type: 'usage', requestId: 'r-7', reason: expect.stringContaining('Unknown action "dance"') });
    });

    it('takes the tutorial’s message verbatim and posts it to the lobby, which every user can use', async () => {
      const sent = only(await gateway.send(ada, '{"action": "sendmessage", "message": "hello, everyone!"}'));
      expect(sent).toMatchObject({
        type: 'sent',
        message: { roomId: 'lobby', authorId: users.ada, body: 'hello, everyone!', change: 'CREATED', version: 1, reactions: [] },
      });
      const message = sent.message as Message;
      expect(await storedItem({ pk: 'ROOM#lobby', sk: 'ROOM' })).toBeDefined();
      expect(await storedItem({ pk: 'ROOM#lobby', sk: `MEMBER#${users.ada}` })).toBeDefined();
      expect(await storedItem({ pk: 'ROOM#lobby', sk: `MSG#${message.id}` })).toBeDefined();

      // The lobby exists now; another user is joined on their first send.
      const fromBob = only(await gateway.send(bob, '{"action":"sendmessage","message":"hi ada"}'));
      expect(fromBob).toMatchObject({ type: 'sent', message: { roomId: 'lobby', authorId: users.bob, body: 'hi ada' } });
    });

    it('writes through the GraphQL API, so its subscribers get the message with every field', async () => {
      const authenticator = createAuthenticator({
        modes: ['AMAZON_COGNITO_USER_POOLS'],
        userPool: { issuer: cloud.userPool.issuer, jwksUri: cloud.userPool.jwksUri, clientIds: [cloud.userPool.userPoolClientId] },
      });
      const data = JSON.stringify({
        query: `subscription OnMessage($roomId: ID!) { onMessage(roomId: $roomId) { ${MESSAGE_SELECTION} } }`,
        variables: { roomId: 'lobby' },
      });
      const auth = await authenticator.authenticate({
        method: 'POST',
        path: '/graphql',
        headers: { authorization: bobAccessToken, host: new URL(cloud.appsync.graphqlUrl).host },
        body: data,
        sourceIp: '127.0.0.1',
      });
      const received: unknown[] = [];
      const started = await cloud.appsync.engine.startSubscription({
        connectionId: 'graphql-client-of-bob',
        subscriptionId: 'lobby',
        data,
        auth,
        headers: {},
        sink: { next: (event) => received.push(event), close: () => undefined },
      });
      expect(started).toEqual({ ok: true });
      try {
        const sent = only(await gateway.send(ada, '{"action":"sendmessage","message":"to graphql too"}'));
        await vi.waitFor(() => expect(received).toHaveLength(1));
        expect(received[0]).toEqual({ onMessage: sent.message });
      } finally {
        cloud.appsync.engine.stopSubscription('graphql-client-of-bob', 'lobby');
      }
    });

    it('with roomId and clientMessageId posts to that room, once however often it is sent', async () => {
      expect(only(await gateway.send(ada, '{"action":"joinroom","roomId":"general"}'))).toMatchObject({
        type: 'joined',
        membership: { roomId: 'general', userId: users.ada, role: 'MEMBER' },
      });
      const request = '{"action":"sendmessage","roomId":"general","clientMessageId":"c-42","message":"once","requestId":"r1"}';
      const first = only(await gateway.send(ada, request));
      const again = only(await gateway.send(ada, request));
      expect(first).toMatchObject({ type: 'sent', requestId: 'r1', message: { roomId: 'general', clientMessageId: 'c-42', body: 'once' } });
      expect(again).toEqual(first);
      const history = only(await gateway.send(ada, '{"action":"history","roomId":"general"}'));
      expect((history.items as Message[]).filter((m) => m.clientMessageId === 'c-42')).toHaveLength(1);
    });

    it('relays the API’s refusal of a non-member’s send as a JSON error reply', async () => {
      const refused = only(await gateway.send(cyd, '{"action":"sendmessage","roomId":"general","message":"let me in","requestId":"r2"}'));
      expect(refused).toEqual({
        type: 'error',
        action: 'sendmessage',
        requestId: 'r2',
        error: { type: 'Unauthorized', message: 'You are not a member of this room' },
      });
    });

    it('says what is wrong with an invalid request', async () => {
      expect(only(await gateway.send(ada, '{"action":"sendmessage"}'))).toEqual({
        type: 'error',
        action: 'sendmessage',
        error: { type: 'BadRequest', message: 'message: is required: the text to send' },
      });
      expect(only(await gateway.send(ada, '{"action":"history","roomId":"general","limit":500}'))).toMatchObject({
        type: 'error',
        action: 'history',
        error: { type: 'BadRequest', message: expect.stringContaining('limit:') },
      });
      expect(only(await gateway.send(ada, '{"action":"joinroom","roomId":"   "}'))).toMatchObject({
        error: { type: 'BadRequest', message: 'roomId: must not be empty' },
      });
      expect(only(await gateway.send(ada, '{"action":"joinroom","roomId":"nowhere"}'))).toMatchObject({
        type: 'error',
        action: 'joinroom',
        error: { type: 'NotFound', message: 'Room nowhere does not exist' },
      });
    });

    it('history pages through a room’s messages, newest first', async () => {
      await ensureRoom('paged');
      await gateway.send(bob, '{"action":"joinroom","roomId":"paged"}');
      for (const text of ['one', 'two', 'three']) {
        await gateway.send(bob, JSON.stringify({ action: 'sendmessage', roomId: 'paged', message: text }));
      }
      const first = only(await gateway.send(bob, '{"action":"history","roomId":"paged","limit":2}'));
      expect(first).toMatchObject({ type: 'history', roomId: 'paged', nextToken: expect.any(String) });
      expect((first.items as Message[]).map((m) => m.body)).toEqual(['three', 'two']);
      const rest = only(await gateway.send(bob, JSON.stringify({ action: 'history', roomId: 'paged', nextToken: first.nextToken })));
      const [oldest] = rest.items as Message[];
      expect(oldest?.body).toBe('one');

      // Catch-up from a cursor: what changed since, in change order (the API may repeat states just before it).
      await backendGraphql(cloud, EDIT, { input: { roomId: 'paged', messageId: oldest?.id, body: 'one, edited' } }, users.bob);
      const since = only(await gateway.send(bob, JSON.stringify({ action: 'history', roomId: 'paged', after: oldest?.cursor })));
      expect(since).toMatchObject({ type: 'history', roomId: 'paged', after: oldest?.cursor });
      const changes = (since.items as Message[]).map((m) => `${m.body}@${m.version}`);
      expect(changes.slice(changes.indexOf('two@1'))).toEqual(['two@1', 'three@1', 'one, edited@2']);
    });

    it('leaveroom leaves, after which the room refuses the user', async () => {
      await gateway.send(cyd, '{"action":"joinroom","roomId":"general"}');
      expect(only(await gateway.send(cyd, '{"action":"leaveroom","roomId":"general"}'))).toMatchObject({
        type: 'left',
        membership: { roomId: 'general', userId: users.cyd, status: 'NONE', change: 'LEFT', room: { id: 'general' } },
      });
      expect(only(await gateway.send(cyd, '{"action":"history","roomId":"general"}'))).toEqual({
        type: 'error',
        action: 'history',
        error: { type: 'Unauthorized', message: 'You are not a member of this room' },
      });
    });

    it('typing tells the room’s other members’ connections, not the typist’s', async () => {
      await ensureRoom('typing-room');
      await Promise.all([ada, bob].map((c) => gateway.send(c, '{"action":"joinroom","roomId":"typing-room"}')));
      const adaSecond = await gateway.connect(users.ada);
      const bobBefore = endpoint.frames(bob.connectionId).length;
      const reply = only(await gateway.send(ada, '{"action":"typing","roomId":"typing-room"}'));
      expect(reply).toEqual({
        type: 'typingSent',
        event: { roomId: 'typing-room', userId: users.ada, typing: true, at: expect.stringMatching(/^\d{4}-/) },
      });
      expect(endpoint.frames(bob.connectionId).slice(bobBefore)).toEqual([{ type: 'typing', ...(reply.event as object) }]);
      expect(endpoint.frames(adaSecond.connectionId)).toEqual([]);
      expect(endpoint.frames(cyd.connectionId).filter((f) => (f as Frame).type === 'typing')).toEqual([]);

      const stopped = only(await gateway.send(ada, '{"action":"typing","roomId":"typing-room","typing":false}'));
      expect(stopped).toMatchObject({ event: { typing: false } });
      // cyd is not in the room: the API refuses, and nobody hears of it.
      expect(only(await gateway.send(cyd, '{"action":"typing","roomId":"typing-room"}'))).toMatchObject({
        type: 'error',
        error: { type: 'Unauthorized' },
      });
    });
  });

  describe('stream consumer', () => {
    const ROOM = 'stream-room';
    let adaPhone: TestConnection;
    let adaLaptop: TestConnection;
    let bob: TestConnection;
    let cyd: TestConnection;
    let danExpired: TestConnection;
    let eveClosed: TestConnection;

    /** Sends through the bridge and returns the stored Message item, as the stream would carry it. */
    const sendAndRead = async (from: TestConnection, room: string, text: string) => {
      const sent = only(await gateway.send(from, JSON.stringify({ action: 'sendmessage', roomId: room, message: text })));
      const message = sent.message as Message;
      const item = await storedItem({ pk: `ROOM#${room}`, sk: `MSG#${message.id}` });
      if (item === undefined) throw new Error('the sent message is not stored');
      return { message, item };
    };

    const push = (records: ReturnType<typeof streamRecord>[]) =>
      functions.invoke('chatStreamPush', { Records: records }) as Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

    const messageFrames = (connection: TestConnection) =>
      endpoint.frames(connection.connectionId).filter((frame) => (frame as Frame).type !== 'sent' && (frame as Frame).type !== 'joined');

    beforeAll(async () => {
      await ensureRoom(ROOM);
      const threeHoursAgo = Date.now() - 3 * 60 * 60 * 1000;
      [adaPhone, adaLaptop, bob, cyd, danExpired, eveClosed] = await Promise.all([
        gateway.connect(users.ada),
        gateway.connect(users.ada),
        gateway.connect(users.bob),
        gateway.connect(users.cyd),
        gateway.connect(users.dan, { connectedAt: threeHoursAgo }),
        gateway.connect(users.eve),
      ]);
      for (const member of [adaPhone, bob, danExpired, eveClosed]) {
        const joined = only(await gateway.send(member, `{"action":"joinroom","roomId":"${ROOM}"}`));
        expect(joined.type).toBe('joined');
      }
      // eve's client goes away without $disconnect (best-effort on AWS): her item stays until a push finds out.
      endpoint.close(eveClosed.connectionId);
      endpoint.clearFrames();
    });

    it('pushes a new message to the connections of the room’s members only, and removes a gone one', async () => {
      const { message, item } = await sendAndRead(bob, ROOM, 'for members');
      endpoint.clearFrames();
      expect(await push([streamRecord('INSERT', { newImage: item })])).toEqual({ batchItemFailures: [] });

      const pushed = { type: 'message', message };
      expect(messageFrames(adaPhone)).toEqual([pushed]);
      expect(messageFrames(adaLaptop)).toEqual([pushed]);
      expect(messageFrames(bob)).toEqual([pushed]);
      expect(messageFrames(cyd)).toEqual([]);
      // dan's connection outlived API Gateway's 2 hours: TTL has not removed it yet, but it is not used.
      expect(messageFrames(danExpired)).toEqual([]);
      // eve's connection answered GoneException: its item is deleted, nobody else's.
      expect(await storedItem({ pk: `CONN#${eveClosed.connectionId}`, sk: 'CONN' })).toBeUndefined();
      expect(await storedItem({ pk: `CONN#${bob.connectionId}`, sk: 'CONN' })).toBeDefined();
    });

    it('does not push to invited or banned users, who have membership items but are not members', async () => {
      const { createRoom } = await asUser<{ createRoom: { id: string } }>(cloud, adaAccessToken, CREATE_ROOM, {
        input: { name: 'moderated', visibility: 'PUBLIC' },
      });
      const roomId = createRoom.id;
      const [cydHere, fayHere] = await Promise.all([gateway.connect(users.cyd), gateway.connect(users.fay)]);
      await asUser(cloud, adaAccessToken, INVITE, { roomId, userId: users.cyd });
      await asUser(cloud, adaAccessToken, BAN, { roomId, userId: users.fay });
      await gateway.send(bob, JSON.stringify({ action: 'joinroom', roomId }));
      const { message, item } = await sendAndRead(bob, roomId, 'members only');
      endpoint.clearFrames();

      expect(await push([streamRecord('INSERT', { newImage: item })])).toEqual({ batchItemFailures: [] });
      expect(messageFrames(adaPhone)).toEqual([{ type: 'message', message }]);
      expect(messageFrames(bob)).toEqual([{ type: 'message', message }]);
      expect(messageFrames(cydHere)).toEqual([]);
      expect(messageFrames(fayHere)).toEqual([]);
    });

    it('pushes every later state of a message (edit, deletion), and nothing for items that are not messages', async () => {
      const { message, item: created } = await sendAndRead(adaPhone, ROOM, 'first draft');
      const key = { pk: `ROOM#${ROOM}`, sk: `MSG#${message.id}` };
      await backendGraphql(cloud, EDIT, { input: { roomId: ROOM, messageId: message.id, body: 'final text' } }, users.ada);
      const edited = await storedItem(key);
      await backendGraphql(cloud, DELETE, { roomId: ROOM, messageId: message.id }, users.ada);
      const deleted = await storedItem(key);
      const receipt = await storedItem({ pk: `ROOM#${ROOM}`, sk: `RECEIPT#${users.ada}#${message.clientMessageId}` });
      const room = await storedItem({ pk: `ROOM#${ROOM}`, sk: 'ROOM' });
      if (!edited || !deleted || !receipt || !room) throw new Error('an item is missing');
      endpoint.clearFrames();

      const result = await push([
        streamRecord('INSERT', { newImage: receipt }),
        streamRecord('MODIFY', { newImage: room, oldImage: room }),
        streamRecord('MODIFY', { newImage: edited, oldImage: created }),
        streamRecord('MODIFY', { newImage: deleted, oldImage: edited }),
        streamRecord('REMOVE', { oldImage: deleted }),
      ]);
      expect(result).toEqual({ batchItemFailures: [] });
      expect(messageFrames(bob)).toEqual([
        {
          type: 'message',
          message: { ...message, body: 'final text', editedAt: expect.any(String), change: 'EDITED', version: 2, cursor: expect.any(String) },
        },
        {
          type: 'message',
          message: {
            ...message,
            body: '',
            editedAt: expect.any(String),
            deletedAt: expect.any(String),
            deletedBy: users.ada,
            change: 'DELETED',
            version: 3,
            cursor: expect.any(String),
          },
        },
      ]);
    });

    it('reports a record it could not deliver, and holds back the records after it', async () => {
      await ensureRoom('flaky-room');
      const fay = await gateway.connect(users.fay);
      await gateway.send(fay, '{"action":"joinroom","roomId":"flaky-room"}');
      const before = await sendAndRead(bob, ROOM, 'before the failure');
      const failing = await sendAndRead(fay, 'flaky-room', 'cannot be delivered');
      const after = await sendAndRead(bob, ROOM, 'after the failure');
      endpoint.failWith(fay.connectionId, 403, 'ForbiddenException');
      endpoint.clearFrames();

      const records = [before, failing, after].map(({ item }) => streamRecord('INSERT', { newImage: item }));
      const result = await push(records);
      expect(result.batchItemFailures).toEqual([
        { itemIdentifier: records[1]?.dynamodb.SequenceNumber },
        { itemIdentifier: records[2]?.dynamodb.SequenceNumber },
      ]);
      // Lambda retries from the failed record: the one after it is pushed then, not now (no duplicate, no reordering).
      expect(messageFrames(bob)).toEqual([{ type: 'message', message: before.message }]);
    });

    it('fails the invocation when every record fails, so Lambda bisects and retries', async () => {
      const fay = await gateway.connect(users.fay);
      const failing = await sendAndRead(fay, 'flaky-room', 'still failing');
      endpoint.failWith(fay.connectionId, 403, 'ForbiddenException');
      const error = await push([streamRecord('INSERT', { newImage: failing.item })]).then(
        () => null,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(LambdaHandlerError);
      expect((error as LambdaHandlerError).errorType).toBe('FullBatchFailureError');
    });
  });
});

