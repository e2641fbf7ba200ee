/**
 * Opening, using and closing raw-WebSocket connections: the `$connect` authorizer against cognito-local's real
 * tokens, `$connect`/`$disconnect` registering connections in the chat table on DynamoDB Local, and end to end, real
 * `ws` clients on the local API Gateway (local/apigateway-websocket) running lambdas/app.ts's WebSocket API, with the
 * chat table's stream read by the local event-source mapping (local/dynamodb-streams) — every function invoked
 * in-process against the local cloud.
 */
import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  DescribeTimeToLiveCommand,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startWebSocketGateway, type WebSocketGateway } from '../../local/apigateway-websocket/index.js';
import type { LocalCloud } from '../../local/cloud.js';
import { createUser, provisionUserPool, signIn, type SignInTokens } from '../../local/cognito/index.js';
import { createDynamoDbClient } from '../../local/dynamodb/index.js';
import { LambdaHandlerError } from '../../local/lambda/errors.js';
import { chatStreamConsumers, chatWebSocketApi } from '../../lambdas/app.js';
import { ConnectionStore, userConnectionsKey } from '../../lambdas/shared/connection-store.js';
import { startStreamPoller, type StreamPoller } from '../../local/dynamodb-streams/index.js';
import { chatApi } from '../../resolvers/api.js';
import { startChatCloud } from '../support/cloud.js';
import { authorizerEvent, connectEvent, disconnectEvent, newConnectionId } from './support/events.js';
import { functionRunner, type FunctionRunner } from './support/functions.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: string; Statement: { Action: string; Effect: string; Resource: string }[] };
  context: Record<string, unknown>;
}

interface ConnectResult {
  statusCode: number;
  headers?: Record<string, string>;
}

/** A token cognito-local could have issued, with claims changed and signed again with cognito-local's own key. */
function resignedWithCognitoLocalKey(token: string, changes: Record<string, unknown>): string {
  const keyFile = createRequire(import.meta.url).resolve('cognito-local/lib/keys/cognitoLocal.private.json');
  const { jwk } = JSON.parse(readFileSync(keyFile, 'utf8')) as { jwk: Record<string, string> };
  const [header, payload] = token.split('.') as [string, string];
  const claims = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object), ...changes };
  const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${signingInput}.${signature.toString('base64url')}`;
}

type Frame = Record<string, unknown>;

/** A connected client and everything it has received. */
interface Client {
  readonly socket: WebSocket;
  readonly frames: Frame[];
  /** The first frame of this type after the last one `next` returned (waiting up to 5 s for it). */
  next(type: string): Promise<Frame>;
}

describe('raw-WebSocket connections', () => {
  let cloud: LocalCloud;
  let functions: FunctionRunner;
  let table: DynamoDBClient;
  let ada: { sub: string; tokens: SignInTokens };
  let otherClientToken: string;
  let gateway: WebSocketGateway;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    cloud = await startChatCloud();
    // The functions need the gateway's @connections URL, and the gateway the functions: bind them once both exist.
    gateway = await startWebSocketGateway({ definition: chatWebSocketApi, invoke: (name, event) => functions.invoke(name, event) });
    functions = functionRunner(cloud, gateway.managementUrl);
    table = createDynamoDbClient(cloud.dynamodbEndpoint);
    const email = 'ada@example.com';
    const password = 'Passw0rd!ada';
    const { sub } = await createUser(cloud.cognitoEndpoint, cloud.userPool, { email, password });
    ada = { sub, tokens: await signIn(cloud.cognitoEndpoint, cloud.userPool.userPoolClientId, email, password) };
    const otherClient = await provisionUserPool(cloud.cognitoEndpoint, { poolName: chatApi.name, clientName: 'another-app' });
    otherClientToken = (await signIn(cloud.cognitoEndpoint, otherClient.userPoolClientId, email, password)).accessToken;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await gateway?.close();
    table?.destroy();
    await cloud?.stop();
  });

  const connectionItem = async (connectionId: string) => {
    const { Item } = await table.send(
      new GetItemCommand({ TableName: 'Chat', Key: { pk: { S: `CONN#${connectionId}` }, sk: { S: 'CONN' } }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : unmarshall(Item);
  };

  /** The entries (`<expiresAt>#<connectionId>`) of the user's connection set. */
  const userConnections = async (userId: string): Promise<string[]> => {
    const { Item } = await table.send(
      new GetItemCommand({ TableName: 'Chat', Key: marshall(userConnectionsKey(userId)), ConsistentRead: true }),
    );
    return Item?.['connections']?.SS ?? [];
  };

  const authorize = (input: Parameters<typeof authorizerEvent>[0]) => {
    const event = authorizerEvent(input);
    return { event, result: functions.invoke('websocketAuthorizer', event) as Promise<AuthorizerResult> };
  };

  const expectRefused = async (result: Promise<unknown>) => {
    const error = await result.then(
      () => null,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(LambdaHandlerError);
    // Exactly this message is what makes API Gateway answer 401.
    expect((error as LambdaHandlerError).errorMessage).toBe('Unauthorized');
  };

  describe('$connect authorizer', () => {
    it('allows an access token given as ?token=, for exactly this $connect', async () => {
      const { event, result } = authorize({ connectionId: newConnectionId(), query: { token: ada.tokens.accessToken } });
      const allowed = await result;
      expect(allowed.principalId).toBe(ada.sub);
      expect(allowed.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }]);
      expect(allowed.context).toEqual({ username: ada.sub });
    });

    it('allows an ID token offered as a subprotocol beside wavechat, whatever the header case', async () => {
      const browser = await authorize({
        connectionId: newConnectionId(),
        headers: { 'Sec-WebSocket-Protocol': `wavechat, ${ada.tokens.idToken}` },
      }).result;
      expect(browser.principalId).toBe(ada.sub);
      const nodeClient = await authorize({
        connectionId: newConnectionId(),
        headers: { 'sec-websocket-protocol': `${ada.tokens.idToken},wavechat` },
      }).result;
      expect(nodeClient.principalId).toBe(ada.sub);
    });

    it('refuses a handshake without a token', async () => {
      await expectRefused(authorize({ connectionId: newConnectionId() }).result);
      await expectRefused(authorize({ connectionId: newConnectionId(), headers: { 'Sec-WebSocket-Protocol': 'wavechat' } }).result);
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = resignedWithCognitoLocalKey(ada.tokens.accessToken, { iat: now - 7200, exp: now - 3600 });
      await expectRefused(authorize({ connectionId: newConnectionId(), query: { token: expired } }).result);
      // The same re-signing with a live expiry is accepted, so it is the expiry that is refused.
      const live = resignedWithCognitoLocalKey(ada.tokens.accessToken, { exp: now + 600 });
      expect((await authorize({ connectionId: newConnectionId(), query: { token: live } }).result).principalId).toBe(ada.sub);
    });

    it('refuses a tampered token', async () => {
      const [header, payload, signature] = ada.tokens.idToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
      await expectRefused(authorize({ connectionId: newConnectionId(), query: { token: `${header}.${forged}.${signature}` } }).result);
    });

    it("refuses another app client's token", async () => {
      await expectRefused(authorize({ connectionId: newConnectionId(), query: { token: otherClientToken } }).result);
      await expectRefused(
        authorize({ connectionId: newConnectionId(), headers: { 'Sec-WebSocket-Protocol': `wavechat, ${otherClientToken}` } }).result,
      );
    });
  });

  describe('$connect and $disconnect', () => {
    it('registers the connection under its user, expiring when API Gateway would close it', async () => {
      const connectionId = newConnectionId();
      const connectedAt = Date.now() - 1500;
      const result = (await functions.invoke('websocketConnect', connectEvent({ connectionId, userId: ada.sub, connectedAt }))) as ConnectResult;
      expect(result.statusCode).toBe(200);
      expect(result.headers).toBeUndefined();

      expect(await connectionItem(connectionId)).toEqual({
        pk: `CONN#${connectionId}`,
        sk: 'CONN',
        type: 'Connection',
        connectionId,
        userId: ada.sub,
        connectedAt: new Date(connectedAt).toISOString(),
        expiresAt: Math.floor(connectedAt / 1000) + 2 * 60 * 60,
      });
      const ttl = await table.send(new DescribeTimeToLiveCommand({ TableName: 'Chat' }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
      // Listed among Ada's connections, with the same expiry, for audience lookups.
      expect(await userConnections(ada.sub)).toContain(`${Math.floor(connectedAt / 1000) + 2 * 60 * 60}#${connectionId}`);
    });

    it('echoes the wavechat subprotocol when the client offered subprotocols', async () => {
      const connectionId = newConnectionId();
      const result = (await functions.invoke(
        'websocketConnect',
        connectEvent({ connectionId, userId: ada.sub, headers: { 'Sec-WebSocket-Protocol': `wavechat, ${ada.tokens.idToken}` } }),
      )) as ConnectResult;
      expect(result).toMatchObject({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'wavechat' } });
      expect(await connectionItem(connectionId)).toMatchObject({ userId: ada.sub });
    });

    it('refuses a client offering only subprotocols it cannot speak', async () => {
      const connectionId = newConnectionId();
      const result = (await functions.invoke(
        'websocketConnect',
        connectEvent({ connectionId, userId: ada.sub, headers: { 'Sec-WebSocket-Protocol': 'graphql-ws' } }),
      )) as ConnectResult;
      expect(result.statusCode).toBe(400);
      expect(await connectionItem(connectionId)).toBeUndefined();
    });

    it('refuses a connection the authorizer did not vouch for', async () => {
      const connectionId = newConnectionId();
      const result = (await functions.invoke('websocketConnect', connectEvent({ connectionId }))) as ConnectResult;
      expect(result.statusCode).toBe(401);
      expect(await connectionItem(connectionId)).toBeUndefined();
    });

    it('a connect drops from the user’s set the connections past their lifetime that no $disconnect removed', async () => {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const userId = randomUUID(); // a user of its own, whose set holds only this test's connections
      // Connected 3 hours ago; API Gateway closed it at 2 hours, but its $disconnect never ran.
      const outlived = newConnectionId();
      await table.send(
        new UpdateItemCommand({
          TableName: 'Chat',
          Key: marshall(userConnectionsKey(userId)),
          UpdateExpression: 'ADD connections :entry SET userId = :userId',
          ExpressionAttributeValues: { ':entry': { SS: [`${nowSeconds - 3600}#${outlived}`] }, ':userId': { S: userId } },
        }),
      );
      expect(await userConnections(userId)).toEqual([`${nowSeconds - 3600}#${outlived}`]);

      // The user's next connect removes it.
      const fresh = newConnectionId();
      await functions.invoke('websocketConnect', connectEvent({ connectionId: fresh, userId }));
      const entries = await userConnections(userId);
      expect(entries.filter((entry) => entry.endsWith(`#${outlived}`))).toEqual([]);
      expect(entries.filter((entry) => entry.endsWith(`#${fresh}`))).toHaveLength(1);
    });

    it('$disconnect removes the connection', async () => {
      const connectionId = newConnectionId();
      await functions.invoke('websocketConnect', connectEvent({ connectionId, userId: ada.sub }));
      expect(await connectionItem(connectionId)).toBeDefined();
      const result = (await functions.invoke('websocketDisconnect', disconnectEvent({ connectionId, userId: ada.sub }))) as ConnectResult;
      expect(result.statusCode).toBe(200);
      expect(await connectionItem(connectionId)).toBeUndefined();
      expect((await userConnections(ada.sub)).filter((entry) => entry.endsWith(`#${connectionId}`))).toEqual([]);
    });
  });

  describe('through the local API Gateway and the stream poller', () => {
    let poller: StreamPoller;

    beforeAll(async () => {
      const [consumer] = chatStreamConsumers;
      if (consumer === undefined) throw new Error('lambdas/app.ts has no stream consumer');
      poller = await startStreamPoller({
        endpoint: cloud.dynamodbEndpoint,
        tableName: consumer.table,
        consumer,
        invoke: (event) => functions.invoke(consumer.function, event),
      });
    });

    afterAll(async () => {
      await poller?.stop();
    });

    const open = async (query: string, protocols?: string[]): Promise<Client> => {
      const socket = new WebSocket(`${gateway.url}${query}`, protocols);
      sockets.push(socket);
      const frames: Frame[] = [];
      socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
      await once(socket, 'open');
      let read = 0;
      return {
        socket,
        frames,
        async next(type) {
          const found = await vi.waitFor(
            () => {
              const frame = frames.slice(read).find((candidate) => candidate.type === type);
              if (frame === undefined) throw new Error(`no ${type} frame yet`);
              return frame;
            },
            { timeout: 5000, interval: 20 },
          );
          read = frames.indexOf(found) + 1;
          return found;
        },
      };
    };

    it('completes a browser handshake that offers wavechat and the token as subprotocols', async () => {
      const client = await open('', ['wavechat', ada.tokens.idToken]);
      // ws fails the handshake unless the server picked one of the offered protocols.
      expect(client.socket.protocol).toBe('wavechat');
      client.socket.send('hello?');
      const usage = await client.next('usage');
      expect(usage).toMatchObject({ reason: 'The message is not JSON.', connection: { userId: ada.sub, identity: { sourceIp: '127.0.0.1' } } });
      const connectionId = (usage.connection as { connectionId: string }).connectionId;
      expect(await connectionItem(connectionId)).toMatchObject({ userId: ada.sub, type: 'Connection' });

      client.socket.close(1000);
      await vi.waitFor(async () => expect(await connectionItem(connectionId)).toBeUndefined());
    });

    it('refuses the handshake without a valid token (401)', async () => {
      const socket = new WebSocket(`${gateway.url}?token=not-a-jwt`);
      socket.on('error', () => undefined);
      const [, response] = (await once(socket, 'unexpected-response')) as [unknown, { statusCode: number }];
      socket.terminate();
      expect(response.statusCode).toBe(401);
    });

    it('answers the tutorial’s message, and the table’s stream pushes it to the sender’s connections', async () => {
      const phone = await open(`?token=${ada.tokens.accessToken}`);
      const laptop = await open(`?token=${ada.tokens.accessToken}`);
      phone.socket.send('{"action": "sendmessage", "message": "hello, everyone!"}');
      const sent = await phone.next('sent');
      const message = sent.message as { id: string; roomId: string };
      expect(message).toMatchObject({ roomId: 'lobby', authorId: ada.sub, body: 'hello, everyone!' });
      expect(await laptop.next('message')).toEqual({ type: 'message', message });
      expect(await phone.next('message')).toEqual({ type: 'message', message });
    });

    it('removes a connection the gateway answers GoneException for', async () => {
      const listener = await open(`?token=${ada.tokens.accessToken}`);
      // A connection whose $disconnect never ran: the gateway no longer knows it.
      const staleId = newConnectionId();
      await new ConnectionStore(table, 'Chat').register({
        connectionId: staleId,
        userId: ada.sub,
        connectedAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      });
      listener.socket.send('{"action":"sendmessage","message":"anyone there?"}');
      const message = (await listener.next('sent')).message as { id: string };
      expect(await listener.next('message')).toMatchObject({ message: { id: message.id } });
      await poller.drain();
      expect(await connectionItem(staleId)).toBeUndefined();
      expect((await userConnections(ada.sub)).filter((entry) => entry.endsWith(`#${staleId}`))).toEqual([]);
    });
  });
});
