/**
 * `PostToConnection` answering 429 and 410 to the real push path: the gateway's `@connections` token bucket
 * (LimitExceededException, which the SDK retries as throttling), and connections whose `$disconnect` never reached
 * the table (GoneException: the push removes them, the others still receive).
 */
import {
  ApiGatewayManagementApiClient,
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsThrottle } from '../../local/apigateway-websocket/connections-throttle.js';
import { newGatewayId } from '../../local/apigateway-websocket/ids.js';
import {
  startWebSocketGateway,
  WebSocketGatewayOptionsError,
  type WebSocketGateway,
} from '../../local/apigateway-websocket/index.js';
import { createDynamoDbClient } from '../../local/dynamodb/index.js';
import { BatchDiscardedError, FunctionBatchError } from '../../local/dynamodb-streams/index.js';
import { ConnectionStore, connectionKey, userConnectionsKey } from '../../lambdas/shared/connection-store.js';
import { PUSH_MAX_ATTEMPTS } from '../../lambdas/shared/pusher.js';
import { chatTable } from '../../resolvers/api.js';
import {
  CLOUD_START_TIMEOUT_MS,
  firstArrivals,
  printFigures,
  pushPoller,
  startFaultCloud,
  watchedRoom,
  type FaultCloud,
  type WatchedRoom,
} from './support/chat.js';

describe('the @connections token bucket', () => {
  it('allows the burst, then refills at the rate', () => {
    let now = 0;
    const throttle = new ConnectionsThrottle({ ratePerSecond: 10, burst: 3 }, () => now);
    expect([throttle.tryTake(), throttle.tryTake(), throttle.tryTake(), throttle.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 150; // 1.5 tokens back
    expect([throttle.tryTake(), throttle.tryTake()]).toEqual([true, false]);
    now = 10_000; // never more than the burst
    expect([throttle.tryTake(), throttle.tryTake(), throttle.tryTake(), throttle.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(throttle.throttledCount).toBe(3);
  });

  it('refuses settings API Gateway would not have', () => {
    expect(() => new ConnectionsThrottle({ ratePerSecond: 0, burst: 1 })).toThrow(WebSocketGatewayOptionsError);
    expect(() => new ConnectionsThrottle({ ratePerSecond: 5, burst: 0.5 })).toThrow(WebSocketGatewayOptionsError);
  });

  describe('as the gateway’s connectionsThrottle option', () => {
    let gateway: WebSocketGateway;
    let endpoint: string;
    const startGateway = (ratePerSecond: number, burst: number) =>
      startWebSocketGateway({
        definition: { name: 'throttled', routes: [{ routeKey: '$default', function: 'unused' }] },
        invoke: () => Promise.resolve(undefined),
        connectionsThrottle: { ratePerSecond, burst },
      });

    beforeAll(async () => {
      gateway = await startGateway(0.001, 2);
      endpoint = gateway.managementUrl;
    });

    afterAll(async () => {
      await gateway?.close();
    });

    it('refuses a throttle API Gateway would not have', async () => {
      await expect(startGateway(-1, 5)).rejects.toThrow(WebSocketGatewayOptionsError);
    });

    it('answers 429 LimitExceededException beyond the bucket, which the SDK retries as throttling', async () => {
      const client = new ApiGatewayManagementApiClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 2,
      });
      try {
        const post = () =>
          client.send(
            new PostToConnectionCommand({
              ConnectionId: newGatewayId(),
              Data: 'hi',
            }),
          );
        // The burst lets two through (to connections that do not exist: 410).
        await expect(post()).rejects.toBeInstanceOf(GoneException);
        await expect(post()).rejects.toBeInstanceOf(GoneException);
        const throttled = await post().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(throttled).toBeInstanceOf(LimitExceededException);
        const { $metadata } = throttled as LimitExceededException;
        expect($metadata.httpStatusCode).toBe(429);
        // Retried once (maxAttempts 2): the SDK classes 429/LimitExceededException as throttling.
        expect($metadata.attempts).toBe(2);
      } finally {
        client.destroy();
      }
      const raw = await fetch(`${endpoint}/@connections/${encodeURIComponent(newGatewayId())}`, {
        method: 'POST',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=local' },
        body: 'hi',
      });
      expect(raw.status).toBe(429);
      expect(raw.headers.get('x-amzn-errortype')).toBe('LimitExceededException');
      expect(await raw.json()).toEqual({ message: 'Too Many Requests' });
    });
  });
});

describe('pushes meeting 429 and 410', () => {
  let cloud: FaultCloud;
  let room: WatchedRoom;

  beforeAll(async () => {
    // 10 requests/s with a burst of 3: the set-up's few calls pass; the 20 messages × 2 connections below do not.
    cloud = await startFaultCloud({ connectionsThrottle: { ratePerSecond: 10, burst: 3 } });
    room = await watchedRoom(cloud, 'answers');
  }, CLOUD_START_TIMEOUT_MS);

  afterAll(async () => {
    await room?.close();
    await cloud?.stop();
  });

  const answered = (status: number) => cloud.connectionsAnswers.get(status) ?? 0;

  it('delivers everything, once and in order, under throttling: the pusher retries 429s', async () => {
    const errorsBefore = cloud.streamErrors.length;
    const before = { throttled: answered(429), delivered: answered(200) };
    const ids = await room.post('throttled', 20);
    await pushPoller(cloud).drain(60_000);
    const throttled = answered(429) - before.throttled;

    const carolIds = room.carol.pushedMessageIds(room.roomId).filter((id) => ids.includes(id));
    expect(firstArrivals(carolIds)).toEqual(ids);
    expect(room.bobMessages.map((message) => message.id).filter((id) => ids.includes(id))).toEqual(ids);
    expect(throttled).toBeGreaterThan(0);
    const errors = cloud.streamErrors.slice(errorsBefore);
    expect(errors.filter((error) => error instanceof BatchDiscardedError)).toEqual([]);
    printFigures('@connections 429', {
      pushMaxAttempts: PUSH_MAX_ATTEMPTS,
      throttled429: throttled,
      delivered200: answered(200) - before.delivered,
      failedInvocations: errors.filter((error) => error instanceof FunctionBatchError).length,
      messagesSent: ids.length,
      acknowledged: ids.length,
      deliveredToRaw: firstArrivals(carolIds).length,
      deliveredToClientLibrary: room.bobMessages.filter((message) => ids.includes(message.id)).length,
      rawFrames: carolIds.length,
      repeats: carolIds.length - ids.length,
    });
  });

  it('removes connections that vanished without $disconnect (410) on the first push; the rest still receive', async () => {
    const table = createDynamoDbClient(cloud.dynamodbEndpoint);
    const store = new ConnectionStore(table, chatTable.name);
    const now = Math.floor(Date.now() / 1000);
    // What a socket killed while `$disconnect` failed leaves behind: items of connections the gateway no longer has.
    const vanished = [newGatewayId(), newGatewayId(), newGatewayId()];
    try {
      for (const connectionId of vanished) {
        await store.register({
          connectionId,
          userId: room.bobUser.sub,
          connectedAt: new Date().toISOString(),
          expiresAt: now + 3600,
        });
      }
      const goneBefore = answered(410);
      const ids = await room.post('after-vanish', 3);
      await pushPoller(cloud).drain(30_000);

      expect(firstArrivals(room.carol.pushedMessageIds(room.roomId).filter((id) => ids.includes(id)))).toEqual(ids);
      expect(room.bobMessages.map((message) => message.id).filter((id) => ids.includes(id))).toEqual(ids);
      for (const connectionId of vanished) {
        const { Item } = await table.send(
          new GetItemCommand({
            TableName: chatTable.name,
            Key: {
              pk: { S: connectionKey(connectionId).pk },
              sk: { S: connectionKey(connectionId).sk },
            },
            ConsistentRead: true,
          }),
        );
        expect(Item).toBeUndefined();
      }
      // …and left Bob's set of open connections, so no later audience names them.
      const { Item: bobConnections } = await table.send(
        new GetItemCommand({
          TableName: chatTable.name,
          Key: { pk: { S: userConnectionsKey(room.bobUser.sub).pk }, sk: { S: userConnectionsKey(room.bobUser.sub).sk } },
          ConsistentRead: true,
        }),
      );
      // Bob has no raw connection of his own: his set is empty, and DynamoDB drops an emptied set attribute.
      expect(bobConnections).toMatchObject({ type: { S: 'UserConnections' } });
      expect(bobConnections?.['connectionIds']).toBeUndefined();
      const gone = answered(410) - goneBefore;
      // Each vanished connection answered 410 once: removed by the first push, not tried again.
      expect(gone).toBe(vanished.length);
      printFigures('@connections 410', {
        vanishedConnections: vanished.length,
        gone410: gone,
        removed: vanished.length,
        messagesSent: ids.length,
        deliveredToRaw: ids.length,
        deliveredToClientLibrary: ids.length,
      });
    } finally {
      table.destroy();
    }
  });
});
