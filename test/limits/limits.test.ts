/**
 * Limits on sending, through the whole local cloud with a tiny window (3 messages per 6 s per user): the per-user
 * rate on GraphQL and on the raw WebSocket API (one budget for both), its atomicity under parallel sends, idempotent
 * retries, and slow mode with the owner/admin exemption. Refusals carry RateLimitExceeded and a retryAfter. And the
 * real-time endpoint's quota of subscriptions per connection, AppSync's default 100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { CREATE_ROOM, JOIN_ROOM, MESSAGES, ON_MY_ROOMS, SEND_MESSAGE, SET_MEMBER_ROLE, UPDATE_ROOM } from '../support/chat-documents.js';
import { signIn } from '../../local/cognito/index.js';
import { AmplifyUser } from '../support/amplify-user.js';
import { addUser, caPemOf } from '../support/cloud.js';
import {
  RawClient,
  RealtimeClient,
  graphqlAs,
  runAs,
  signedInUser,
  startLimitedCloud,
  startOfWindow,
  waitRetryAfter,
  type TestUser,
} from './support.js';

const LIMIT = 3;
const WINDOW_SECONDS = 6;
/** Enough of the window left for a burst of a few sends, even on a loaded machine. */
const BURST_MS = 5_000;
const SEND_RATE_MESSAGE = /^You can send 3 messages per 6 s; try again in [1-6] s$/;

let cloud: LocalCloud;
let owner: TestUser;
let roomId: string;

const send = (user: TestUser, body: string, extra: Record<string, unknown> = {}, room = roomId) =>
  graphqlAs<{ sendMessage: { id: string; body: string } }>(cloud, user, SEND_MESSAGE, {
    input: { roomId: room, body, ...extra },
  });

/** The bodies of a room's stored messages by one author, oldest first. */
async function storedBodies(authorId: string, room = roomId): Promise<string[]> {
  const { messages } = await runAs<{ messages: { items: { body: string; authorId: string }[] } }>(cloud, owner, MESSAGES, {
    roomId: room,
    limit: 100,
  });
  return messages.items.filter((m) => m.authorId === authorId).map((m) => m.body).reverse();
}

/** A user who has joined the shared public room. */
async function member(name: string, room = roomId): Promise<TestUser> {
  const user = await signedInUser(cloud, name);
  await runAs(cloud, user, JOIN_ROOM, { roomId: room });
  return user;
}

beforeAll(async () => {
  cloud = await startLimitedCloud({ messagesPerWindow: LIMIT, windowSeconds: WINDOW_SECONDS });
  owner = await signedInUser(cloud, 'owner');
  const { createRoom } = await runAs<{ createRoom: { id: string } }>(cloud, owner, CREATE_ROOM, {
    input: { name: 'limits', visibility: 'PUBLIC' },
  });
  roomId = createRoom.id;
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('per-user send rate over GraphQL', () => {
  it('refuses the send over the limit with RateLimitExceeded and retryAfter, stores nothing, then accepts', async () => {
    const ada = await member('ada');
    await startOfWindow(WINDOW_SECONDS, BURST_MS);
    // In parallel, so that the burst stays inside one window even on a loaded machine.
    for (const answer of await Promise.all([1, 2, 3].map((n) => send(ada, `ada ${n}`)))) {
      expect(answer.errors).toBeUndefined();
    }

    const refused = await send(ada, 'ada 4');
    expect(refused.data).toBeNull();
    expect(refused.errors).toHaveLength(1);
    const [error] = refused.errors ?? [];
    expect(error).toMatchObject({
      errorType: 'RateLimitExceeded',
      message: expect.stringMatching(SEND_RATE_MESSAGE),
      errorInfo: { limit: 'SEND_RATE', retryAfter: expect.any(Number) },
    });
    const retryAfter = error?.errorInfo?.retryAfter ?? 0;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect((await storedBodies(ada.id)).sort()).toEqual(['ada 1', 'ada 2', 'ada 3']);

    await waitRetryAfter(retryAfter);
    expect((await send(ada, 'ada 5')).data?.sendMessage.body).toBe('ada 5');
    expect((await storedBodies(ada.id)).sort()).toEqual(['ada 1', 'ada 2', 'ada 3', 'ada 5']);
  });

  it('answers a retry of a stored clientMessageId even over the limit, without counting it', async () => {
    const cyd = await member('cyd');
    await startOfWindow(WINDOW_SECONDS, BURST_MS);
    const first = await send(cyd, 'cyd 1', { clientMessageId: 'cyd-1' });
    const firstId = first.data?.sendMessage.id;
    expect(firstId).toBeDefined();
    const repeat = () => send(cyd, 'cyd 1', { clientMessageId: 'cyd-1' });
    // Two repeats answered from the receipt, uncounted: the budget still holds two more messages.
    const [repeat1, repeat2, second, third] = await Promise.all([repeat(), repeat(), send(cyd, 'cyd 2'), send(cyd, 'cyd 3')]);
    for (const answer of [repeat1, repeat2]) expect(answer.data?.sendMessage.id).toBe(firstId);
    for (const answer of [second, third]) expect(answer.errors).toBeUndefined();
    // Over the limit now, a repeat of a stored message is still answered, not refused.
    const [fourth, repeat3] = await Promise.all([send(cyd, 'cyd 4'), repeat()]);
    expect(fourth.errors?.[0]?.errorType).toBe('RateLimitExceeded');
    expect(repeat3.data?.sendMessage.id).toBe(firstId);
    expect((await storedBodies(cyd.id)).sort()).toEqual(['cyd 1', 'cyd 2', 'cyd 3']);
  });

  it('lets exactly the limit through when sends arrive in parallel', async () => {
    const eve = await member('eve');
    await startOfWindow(WINDOW_SECONDS, BURST_MS);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, n) => send(eve, `eve ${n}`)));
    const accepted = answers.filter((a) => a.data?.sendMessage);
    const refused = answers.filter((a) => a.errors?.[0]?.errorType === 'RateLimitExceeded');
    expect(accepted).toHaveLength(LIMIT);
    expect(refused).toHaveLength(8 - LIMIT);
    expect((await storedBodies(eve.id)).sort()).toEqual(accepted.map((a) => a.data?.sendMessage.body).sort());

    // The counter item: one per user and window, counting exactly the stored sends, expiring after its window.
    const dynamodb = new DynamoDBClient({
      endpoint: cloud.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Items } = await dynamodb.send(
      new QueryCommand({
        TableName: 'Chat',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': { S: `USER#${eve.id}` }, ':sk': { S: 'SENDRATE#' } },
      }),
    );
    dynamodb.destroy();
    expect(Items).toHaveLength(1);
    const counter = Items?.[0];
    expect(counter?.['count']).toEqual({ N: String(LIMIT) });
    const windowStart = Number(counter?.['sk']?.S?.slice('SENDRATE#'.length));
    expect(windowStart % WINDOW_SECONDS).toBe(0);
    expect(Number(counter?.['expiresAt']?.N)).toBeGreaterThan(windowStart + WINDOW_SECONDS);
  });
});

describe('per-user send rate in an aws-amplify app', () => {
  it('reaches the app as the GraphQL error with errorType and errorInfo', async () => {
    const { email, password, sub } = await addUser(cloud, 'amy');
    const { idToken } = await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, email, password);
    const amy: TestUser = { name: 'amy', id: sub, idToken };
    await runAs(cloud, amy, JOIN_ROOM, { roomId });
    const app = new AmplifyUser(cloud.outputs, await caPemOf(cloud));
    try {
      await app.signIn(email, password);
      await startOfWindow(WINDOW_SECONDS, BURST_MS);
      await Promise.all([1, 2, 3].map((n) => send(amy, `amy ${n}`)));
      const rejection = await app.graphql(SEND_MESSAGE, { input: { roomId, body: 'amy 4' } }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(rejection).toMatchObject({
        data: null,
        errors: [
          {
            errorType: 'RateLimitExceeded',
            message: expect.stringMatching(SEND_RATE_MESSAGE),
            errorInfo: { limit: 'SEND_RATE', retryAfter: expect.any(Number) },
          },
        ],
      });
    } finally {
      await app.close();
    }
  });
});

describe('per-user send rate over the raw WebSocket API', () => {
  beforeAll(async () => {
    // The first raw send starts the route's Lambda worker; bursts below must not pay for that inside their window.
    const warm = await member('warm');
    const socket = await RawClient.connect(cloud, warm);
    await socket.request('sendmessage', { roomId, message: 'warming up' });
    socket.close();
  });

  it('answers the send over the limit with an error frame carrying the same type and retryAfter', async () => {
    const bob = await member('bob');
    const socket = await RawClient.connect(cloud, bob);
    try {
      await startOfWindow(WINDOW_SECONDS, BURST_MS);
      // The budget goes on GraphQL sends in parallel (quick even on a loaded machine), the next send is a raw one.
      const spent = await Promise.all([1, 2, 3].map((n) => send(bob, `bob ${n}`)));
      for (const answer of spent) expect(answer.errors).toBeUndefined();
      const refused = await socket.request('sendmessage', { roomId, message: 'bob 4' });
      expect(refused).toEqual({
        type: 'error',
        action: 'sendmessage',
        requestId: expect.any(String),
        error: {
          type: 'RateLimitExceeded',
          message: expect.stringMatching(SEND_RATE_MESSAGE),
          retryAfter: expect.any(Number),
        },
      });
      const retryAfter = (refused['error'] as { retryAfter: number }).retryAfter;
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect((await storedBodies(bob.id)).sort()).toEqual(['bob 1', 'bob 2', 'bob 3']);

      await waitRetryAfter(retryAfter);
      expect(await socket.request('sendmessage', { roomId, message: 'bob 5' })).toMatchObject({
        type: 'sent',
        message: { body: 'bob 5' },
      });
    } finally {
      socket.close();
    }
  });

  it('counts one budget across both protocols', async () => {
    const dan = await member('dan');
    const socket = await RawClient.connect(cloud, dan);
    try {
      await startOfWindow(WINDOW_SECONDS, BURST_MS);
      const [raw, ...graphql] = await Promise.all([
        socket.request('sendmessage', { roomId, message: 'dan raw 1' }),
        send(dan, 'dan graphql 1'),
        send(dan, 'dan graphql 2'),
      ]);
      expect(raw).toMatchObject({ type: 'sent' });
      for (const answer of graphql) expect(answer.errors).toBeUndefined();
      const [rawRefused, graphqlRefused] = await Promise.all([
        socket.request('sendmessage', { roomId, message: 'dan raw 2' }),
        send(dan, 'dan graphql 3'),
      ]);
      expect(rawRefused).toMatchObject({ type: 'error', error: { type: 'RateLimitExceeded' } });
      expect(graphqlRefused.errors?.[0]?.errorType).toBe('RateLimitExceeded');
      expect((await storedBodies(dan.id)).sort()).toEqual(['dan graphql 1', 'dan graphql 2', 'dan raw 1']);
    } finally {
      socket.close();
    }
  });
});

describe('slow mode', () => {
  const SLOW_SECONDS = 3;
  let slowRoomId: string;
  let fay: TestUser;
  let gus: TestUser;

  beforeAll(async () => {
    const { createRoom } = await runAs<{ createRoom: { id: string; slowModeSeconds: number } }>(cloud, owner, CREATE_ROOM, {
      input: { name: 'slow', visibility: 'PUBLIC', slowModeSeconds: SLOW_SECONDS },
    });
    slowRoomId = createRoom.id;
    [fay, gus] = await Promise.all([member('fay', slowRoomId), member('gus', slowRoomId)]);
    await runAs(cloud, owner, SET_MEMBER_ROLE, { roomId: slowRoomId, userId: gus.id, role: 'ADMIN' });
  });

  it('is a room setting owners and admins set, and members cannot', async () => {
    const { room } = await runAs<{ room: { slowModeSeconds: number | null } }>(
      cloud,
      fay,
      `query ($id: ID!) { room(id: $id) { slowModeSeconds } }`,
      { id: slowRoomId },
    );
    expect(room.slowModeSeconds).toBe(SLOW_SECONDS);
    const byMember = await graphqlAs(cloud, fay, UPDATE_ROOM, { input: { roomId: slowRoomId, slowModeSeconds: 0 } });
    expect(byMember.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    const tooLong = await graphqlAs(cloud, gus, UPDATE_ROOM, { input: { roomId: slowRoomId, slowModeSeconds: 21601 } });
    expect(tooLong.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'slowModeSeconds must be a whole number from 0 to 21600',
    });
  });

  it('lets a member send once per interval, and exempts the owner and admins', async () => {
    // Two sends at once: one passes, the other is refused until the interval has passed.
    const answers = await Promise.all([1, 2].map((n) => send(fay, `fay ${n}`, {}, slowRoomId)));
    const passed = answers.filter((a) => a.data?.sendMessage).map((a) => a.data?.sendMessage.body);
    expect(passed).toHaveLength(1);
    const refused = answers.find((a) => a.errors);
    expect(refused?.errors?.[0]).toMatchObject({
      errorType: 'RateLimitExceeded',
      message: expect.stringMatching(/^This room is in slow mode: one message per 3 s; try again in [1-3] s$/),
      errorInfo: { limit: 'SLOW_MODE', retryAfter: expect.any(Number) },
    });
    const retryAfter = refused?.errors?.[0]?.errorInfo?.retryAfter ?? 0;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(SLOW_SECONDS);

    // The owner and an admin send back to back.
    for (const user of [owner, owner, gus, gus]) expect((await send(user, `${user.name} talks`, {}, slowRoomId)).errors).toBeUndefined();

    await waitRetryAfter(retryAfter);
    expect((await send(fay, 'fay 3', {}, slowRoomId)).errors).toBeUndefined();
    expect(await storedBodies(fay.id, slowRoomId)).toEqual([...passed, 'fay 3']);

  });

  it('lifts when turned off', async () => {
    const slowRoom = await runAs<{ createRoom: { id: string } }>(cloud, owner, CREATE_ROOM, {
      input: { name: 'slow, then not', visibility: 'PUBLIC', slowModeSeconds: 60 },
    });
    const ivy = await member('ivy', slowRoom.createRoom.id);
    expect((await send(ivy, 'ivy 1', {}, slowRoom.createRoom.id)).errors).toBeUndefined();
    expect((await send(ivy, 'ivy 2', {}, slowRoom.createRoom.id)).errors?.[0]?.errorInfo).toMatchObject({
      limit: 'SLOW_MODE',
      retryAfter: expect.any(Number),
    });
    await runAs(cloud, owner, UPDATE_ROOM, { input: { roomId: slowRoom.createRoom.id, slowModeSeconds: 0 } });
    expect((await send(ivy, 'ivy 3', {}, slowRoom.createRoom.id)).errors).toBeUndefined();
  });

  it('lets one of parallel sends through, and refuses the raw WebSocket send the same way', async () => {
    // A long interval, so that the raw send comes within it however slow the machine is.
    const { createRoom } = await runAs<{ createRoom: { id: string } }>(cloud, owner, CREATE_ROOM, {
      input: { name: 'slower', visibility: 'PUBLIC', slowModeSeconds: 60 },
    });
    const hal = await member('hal', createRoom.id);
    const answers = await Promise.all([1, 2].map((n) => send(hal, `hal ${n}`, {}, createRoom.id)));
    expect(answers.filter((a) => a.data?.sendMessage)).toHaveLength(1);
    expect(answers.filter((a) => a.errors?.[0]?.errorInfo?.limit === 'SLOW_MODE')).toHaveLength(1);

    const socket = await RawClient.connect(cloud, hal);
    try {
      const refused = await socket.request('sendmessage', { roomId: createRoom.id, message: 'hal raw' });
      expect(refused).toEqual({
        type: 'error',
        action: 'sendmessage',
        requestId: expect.any(String),
        error: {
          type: 'RateLimitExceeded',
          message: expect.stringMatching(/^This room is in slow mode: one message per 60 s; try again in \d+ s$/),
          retryAfter: expect.any(Number),
        },
      });
      expect((refused['error'] as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60);
    } finally {
      socket.close();
    }
    expect(await storedBodies(hal.id, createRoom.id)).toHaveLength(1);
  });
});

describe('subscriptions per real-time connection', () => {
  it('refuses the 101st start with MaxSubscriptionsReachedError, while the first 100 keep delivering', async () => {
    const kim = await signedInUser(cloud, 'kim');
    const client = await RealtimeClient.connect(cloud, kim, await caPemOf(cloud));
    try {
      // onMyRooms reads nothing on start, so a hundred of them are quick.
      const ids = Array.from({ length: 100 }, (_, n) => `sub-${n}`);
      for (const id of ids) client.start(id, ON_MY_ROOMS);
      await client.until((frames) => frames.filter((f) => f['type'] === 'start_ack').length === 100, '100 start_acks');

      client.start('sub-100', ON_MY_ROOMS);
      await client.until(() => client.framesOf('sub-100').length > 0, 'the answer to the 101st start');
      expect(client.framesOf('sub-100')).toEqual([
        {
          type: 'error',
          id: 'sub-100',
          payload: { errors: { errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 100 subscriptions reached' } },
        },
      ]);

      // The socket and the hundred subscriptions stay up: each gets Kim's join.
      await runAs(cloud, kim, JOIN_ROOM, { roomId });
      await client.until(
        () => ids.every((id) => client.framesOf(id).some((f) => f['type'] === 'data')),
        'the join on every subscription',
      );
      expect(client.framesOf(ids[99] ?? '').find((f) => f['type'] === 'data')).toMatchObject({
        payload: { data: { onMyRooms: { roomId, userId: kim.id, status: 'JOINED' } } },
      });

      // Stopping one frees its place.
      client.send({ id: 'sub-0', type: 'stop' });
      await client.until(() => client.framesOf('sub-0').some((f) => f['type'] === 'complete'), 'complete of sub-0');
      client.start('sub-101', ON_MY_ROOMS);
      await client.until(() => client.framesOf('sub-101').length > 0, 'the answer to a start after a stop');
      expect(client.framesOf('sub-101')).toEqual([{ type: 'start_ack', id: 'sub-101' }]);
    } finally {
      client.close();
    }
  });
});
