/**
 * Chat events on EventBridge: a real local cloud runs lambdas/app.ts's chatEventPublisher on the chat table's
 * stream, with its bus on the local EventBridge (local/eventbridge); chat activity goes through the API's IAM path.
 * The transitions the API cannot make as a backend caller (invitations, bans, role changes) are checked on stream
 * records shaped like DynamoDB's.
 */
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatFunctions, chatStreamConsumers } from '../../lambdas/app.js';
import { CHAT_EVENT_SOURCE, CHAT_EVENT_TYPES } from '../../lambdas/shared/chat-events.js';
import { ENVIRONMENT } from '../../lambdas/shared/environment.js';
import { eventOfRecord } from '../../lambdas/stream/event-records.js';
import { handler as publishEvents } from '../../lambdas/stream/publish-events.js';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.js';
import { LOCAL_REGION } from '../../local/dynamodb/index.js';
import type { BusEvent } from '../../local/eventbridge/index.js';
import { invokeLambda, type LambdaHandler } from '../../local/lambda/invoke.js';
import { chatApi } from '../../resolvers/api.js';
import { backendGraphql } from '../support/backend-caller.js';
import { ROOT_DIR } from '../support/cloud.js';
import { streamRecord } from './support/events.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

const PUBLISHER = 'chatEventPublisher';

const ENSURE_ROOM = `mutation Ensure($id: ID!, $name: String!) { ensurePublicRoom(id: $id, name: $name) { id } }`;
const JOIN = `mutation Join($roomId: ID!) { joinRoom(roomId: $roomId) { status } }`;
const LEAVE = `mutation Leave($roomId: ID!) { leaveRoom(roomId: $roomId) { status } }`;
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id createdAt } }`;
const EDIT = `mutation Edit($input: EditMessageInput!) { editMessage(input: $input) { id editedAt } }`;
const DELETE = `mutation Delete($roomId: ID!, $messageId: ID!) { deleteMessage(roomId: $roomId, messageId: $messageId) { id deletedAt } }`;

describe('chat events on EventBridge', () => {
  let cloud: LocalCloud;
  const lambdaLog: string[] = [];

  beforeAll(async () => {
    const publisher = chatFunctions.find((definition) => definition.name === PUBLISHER);
    const consumer = chatStreamConsumers.find((candidate) => candidate.function === PUBLISHER);
    if (!publisher || !consumer) throw new Error(`lambdas/app.ts has no ${PUBLISHER} function and stream consumer`);
    cloud = await startLocalCloud({
      api: chatApi,
      rootDir: ROOT_DIR,
      functions: [publisher],
      streamConsumers: [consumer],
      lambdaLog: (name, line) => lambdaLog.push(`${name}: ${line}`),
    });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const call = async <T,>(query: string, variables: Record<string, unknown>, actingUserId?: string): Promise<T> => {
    const answer = await backendGraphql<T>(cloud, query, variables, actingUserId);
    if (answer.errors !== undefined || !answer.data) throw new Error(`GraphQL refused: ${JSON.stringify(answer.errors)}`);
    return answer.data;
  };
  const bus = () => {
    if (!cloud.eventBus) throw new Error('the local cloud has no event bus');
    return cloud.eventBus;
  };
  const eventsOfRoom = (roomId: string): BusEvent[] =>
    bus().eventBridge.events(bus().name).filter((event) => event.detail.roomId === roomId);

  it('publishes posted, edited, deleted, joined and left, in order per room, with their details', async () => {
    const roomId = 'events-room';
    const ada = 'user-ada';
    await call(ENSURE_ROOM, { id: roomId, name: 'Events' });
    await call(JOIN, { roomId }, ada);
    const sent = await call<{ sendMessage: { id: string; createdAt: string } }>(
      SEND,
      { input: { roomId, body: 'hello', clientMessageId: 'c-1' } },
      ada,
    );
    const messageId = sent.sendMessage.id;
    const edited = await call<{ editMessage: { editedAt: string } }>(EDIT, { input: { roomId, messageId, body: 'hello, world' } }, ada);
    const deleted = await call<{ deleteMessage: { deletedAt: string } }>(DELETE, { roomId, messageId }, ada);
    await call(LEAVE, { roomId }, ada);
    await bus().eventBridge.waitFor((event) => event['detail-type'] === 'MemberLeft' && event.detail.roomId === roomId, {
      timeoutMs: 15_000,
    });

    const events = eventsOfRoom(roomId);
    expect(events.map((event) => event['detail-type'])).toEqual(['MemberJoined', 'MessagePosted', 'MessageEdited', 'MessageDeleted', 'MemberLeft']);
    expect(new Set(events.map((event) => event['detail-type']))).toEqual(new Set(CHAT_EVENT_TYPES));
    expect(events.every((event) => event.source === CHAT_EVENT_SOURCE && event.region === LOCAL_REGION)).toBe(true);
    const [joined, posted, editedEvent, deletedEvent, left] = events.map((event) => event.detail);
    expect(joined).toEqual({ roomId, userId: ada, role: 'MEMBER', at: expect.any(String), changedBy: ada });
    expect(posted).toEqual({
      roomId,
      messageId,
      authorId: ada,
      body: 'hello',
      clientMessageId: 'c-1',
      createdAt: sent.sendMessage.createdAt,
      replyToId: null,
      threadId: null,
      version: 1,
      cursor: expect.any(String),
    });
    expect(editedEvent).toMatchObject({ messageId, body: 'hello, world', editedAt: edited.editMessage.editedAt, version: 2 });
    expect(deletedEvent).toEqual({
      roomId,
      messageId,
      authorId: ada,
      createdAt: sent.sendMessage.createdAt,
      deletedAt: deleted.deleteMessage.deletedAt,
      deletedBy: ada,
      version: 3,
      cursor: expect.any(String),
    });
    expect(deletedEvent).not.toHaveProperty('body');
    expect(left).toEqual({ roomId, userId: ada, role: 'MEMBER', reason: 'LEFT_OR_REMOVED', at: expect.any(String), changedBy: null });
    expect(lambdaLog.filter((line) => line.includes('"level":"ERROR"'))).toEqual([]);
  });

  describe('the handler, invoked directly', () => {
    // Lambda's Context has the legacy done/fail/succeed the local invoker leaves out; the handler uses none of them.
    const handler = publishEvents as unknown as LambdaHandler;
    const environment = (busName: string) => ({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: cloud.backendPrincipal.accessKeyId,
      AWS_SECRET_ACCESS_KEY: cloud.backendPrincipal.secretAccessKey,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus().eventBridge.endpoint,
      [ENVIRONMENT.eventBusName]: busName,
    });
    const messageRecords = (roomId: string, count: number) =>
      Array.from({ length: count }, (_, n) =>
        streamRecord('INSERT', {
          newImage: marshall({
            pk: `ROOM#${roomId}`,
            sk: `MSG#${String(n).padStart(26, '0')}`,
            type: 'Message',
            id: `m${n}`,
            roomId,
            authorId: 'ada',
            body: `body ${n}`,
            clientMessageId: `c${n}`,
            createdAt: '2026-11-23T00:00:00.000Z',
            version: 1,
            cursor: `cursor${n}`,
            change: 'CREATED',
          }),
        }),
      );
    const roomRecord = (roomId: string) =>
      streamRecord('INSERT', { newImage: marshall({ pk: `ROOM#${roomId}`, sk: 'ROOM', type: 'Room', id: roomId, name: roomId }) });

    it('publishes more than 10 events in calls of at most 10, in stream order', async () => {
      const records = [roomRecord('batch-room'), ...messageRecords('batch-room', 12)];
      const result = await invokeLambda(handler, { Records: records }, { functionName: PUBLISHER, env: environment(bus().name) });
      expect(result).toEqual({ batchItemFailures: [] });
      expect(eventsOfRoom('batch-room').map((event) => event.detail.messageId)).toEqual(Array.from({ length: 12 }, (_, n) => `m${n}`));
    });

    it('reports the records of refused entries, and those not sent after them, as batchItemFailures', async () => {
      const records = [roomRecord('refused-room'), ...messageRecords('refused-room', 12)];
      const result = (await invokeLambda(handler, { Records: records }, { functionName: PUBLISHER, env: environment('no-such-bus') })) as {
        batchItemFailures: { itemIdentifier: string }[];
      };
      // The room record makes no event, so it is not a failure; every message record is.
      expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
        records.slice(1).map((record) => record.dynamodb.SequenceNumber),
      );
      expect(eventsOfRoom('refused-room')).toEqual([]);
    });
  });
});

describe('which stream records are chat events', () => {
  const membership = (status: string, extra: Record<string, unknown> = {}) =>
    marshall({
      pk: 'ROOM#r',
      sk: 'MEMBER#u',
      type: 'Membership',
      roomId: 'r',
      userId: 'u',
      role: 'MEMBER',
      status,
      change: status,
      changedBy: 'u',
      changedAt: '2026-11-23T10:00:00.000Z',
      ...(status === 'JOINED' ? { joinedAt: '2026-11-23T10:00:00.000Z' } : {}),
      ...extra,
    });
  const message = (change: string) =>
    marshall({
      pk: 'ROOM#r',
      sk: 'MSG#m',
      type: 'Message',
      id: 'm',
      roomId: 'r',
      authorId: 'u',
      body: 'b',
      clientMessageId: 'c',
      createdAt: '2026-11-23T10:00:00.000Z',
      reactions: { '👍': 1 },
      version: 2,
      cursor: 'x',
      change,
    });
  const typeOf = (record: ReturnType<typeof streamRecord>) => {
    const found = eventOfRecord(DynamoDBStreamRecord.parse(record));
    return found.kind === 'event' ? found.event.detailType : found.malformed === undefined ? 'none' : 'malformed';
  };

  it('reads membership status transitions into and out of JOINED', () => {
    expect(typeOf(streamRecord('MODIFY', { oldImage: membership('INVITED'), newImage: membership('JOINED') }))).toBe('MemberJoined');
    expect(typeOf(streamRecord('INSERT', { newImage: membership('INVITED') }))).toBe('none');
    expect(typeOf(streamRecord('REMOVE', { oldImage: membership('INVITED') }))).toBe('none');
    expect(
      typeOf(streamRecord('MODIFY', { oldImage: membership('JOINED'), newImage: membership('JOINED', { role: 'ADMIN', change: 'ROLE_CHANGED' }) })),
    ).toBe('none');
    expect(typeOf(streamRecord('INSERT', { newImage: membership('BANNED') }))).toBe('none');
    expect(typeOf(streamRecord('REMOVE', { oldImage: membership('BANNED') }))).toBe('none');
    const ban = eventOfRecord(
      DynamoDBStreamRecord.parse(
        streamRecord('MODIFY', {
          oldImage: membership('JOINED', { role: 'ADMIN' }),
          newImage: membership('BANNED', { changedBy: 'owner', changedAt: '2026-11-23T11:00:00.000Z' }),
        }),
      ),
    );
    expect(ban).toEqual({
      kind: 'event',
      event: {
        detailType: 'MemberLeft',
        detail: { roomId: 'r', userId: 'u', role: 'ADMIN', reason: 'BANNED', at: '2026-11-23T11:00:00.000Z', changedBy: 'owner' },
      },
    });
  });

  it('reads message changes, leaving reactions and replies out', () => {
    expect(typeOf(streamRecord('MODIFY', { oldImage: message('CREATED'), newImage: message('REACTIONS') }))).toBe('none');
    expect(typeOf(streamRecord('MODIFY', { oldImage: message('CREATED'), newImage: message('REPLIES') }))).toBe('none');
    // An EDITED state must say when: without editedAt it is reported, not published half-filled.
    expect(typeOf(streamRecord('MODIFY', { oldImage: message('CREATED'), newImage: message('EDITED') }))).toBe('malformed');
    expect(typeOf(streamRecord('REMOVE', { oldImage: message('CREATED') }))).toBe('none');
  });
});
