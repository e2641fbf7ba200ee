/**
 * Message routing and the MESSAGE / DISCONNECT events: route selection, `$default`, API Gateway's own error frames,
 * and one-way routes. Functions are in-test handlers (test doubles of the app's Lambda code).
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebSocketGateway, type WebSocketGateway } from '../../local/apigateway-websocket/index.js';
import { ACCEPT, connectClient, managementClient, TestFunctions, type LambdaEvent } from './support.js';

const GATEWAY_ID = /^[A-Za-z0-9_-]{15}=$/;
const ERROR_FRAME = /^\{"message": "([^"]+)", "connectionId":"([^"]+)", "requestId":"([^"]+)"\}$/;

const functions = new TestFunctions();
/** Routes by `$request.body.action`, with a `$default` route. */
let withDefault: WebSocketGateway;
/** Routes by `${request.body.service}/${request.body.action}`, without `$default`. */
let withoutDefault: WebSocketGateway;

beforeAll(async () => {
  functions.handle('sendMessage', (event: LambdaEvent) => {
    if (JSON.parse(event.body).fail === true) throw new Error('handler failed');
    return { statusCode: 200, body: 'route reply that API Gateway does not send' };
  });
  functions.handle('slow', async () => {
    await sleep(600);
    return ACCEPT;
  });
  functions.handle('pong', async (event: LambdaEvent) => {
    const { domainName, stage, connectionId } = event.requestContext;
    await managementClient(`http://${domainName}/${stage}`).send(
      new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'pong' }),
    );
    return ACCEPT;
  });
  const routes = [
    { routeKey: '$connect', function: 'connect' },
    { routeKey: '$disconnect', function: 'disconnect' },
  ];
  withDefault = await startWebSocketGateway({
    definition: {
      name: 'routing-default',
      routes: [
        ...routes,
        { routeKey: '$default', function: 'default' },
        { routeKey: 'sendmessage', function: 'sendMessage' },
        { routeKey: '42', function: 'numbered' },
        { routeKey: 'ping', function: 'pong' },
      ],
    },
    invoke: functions.invoke,
  });
  withoutDefault = await startWebSocketGateway({
    definition: {
      name: 'routing-template',
      routeSelectionExpression: '${request.body.service}/${request.body.action}',
      routes: [
        { routeKey: '$connect', function: 'templateConnect' },
        { routeKey: 'chat/join', function: 'join' },
      ],
    },
    invoke: functions.invoke,
  });
});

afterAll(async () => {
  await withDefault?.close();
  await withoutDefault?.close();
});

describe('route selection', () => {
  it('routes by $request.body.action and sends the MESSAGE event as API Gateway does', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    const connect = functions.invocationsFor('connect', client.connectionId)[0]?.event;
    const body = JSON.stringify({ action: 'sendmessage', message: 'hello' });
    client.socket.send(body);
    const event = (
      await functions.invocation('sendMessage', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;

    expect(Object.keys(event).sort()).toEqual(['body', 'isBase64Encoded', 'requestContext']);
    expect(event.body).toBe(body);
    expect(event.isBase64Encoded).toBe(false);
    const context = event.requestContext;
    expect(Object.keys(context).sort()).toEqual([
      'apiId',
      'connectedAt',
      'connectionId',
      'domainName',
      'eventType',
      'extendedRequestId',
      'identity',
      'messageDirection',
      'messageId',
      'requestId',
      'requestTime',
      'requestTimeEpoch',
      'routeKey',
      'stage',
    ]);
    expect(context.routeKey).toBe('sendmessage');
    expect(context.eventType).toBe('MESSAGE');
    expect(context.messageDirection).toBe('IN');
    expect(context.messageId).toMatch(GATEWAY_ID);
    expect(context.requestId).toMatch(GATEWAY_ID);
    expect(context.extendedRequestId).toBe(context.requestId);
    expect(context.requestId).not.toBe(connect.requestContext.requestId);
    expect(context.connectedAt).toBe(connect.requestContext.connectedAt);
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(context.connectedAt);
    expect(context.stage).toBe('prod');
    expect(context.apiId).toBe(withDefault.apiId);
    expect(context.domainName).toBe(`127.0.0.1:${withDefault.port}`);
    expect(context.identity).toEqual({ sourceIp: '127.0.0.1' });
    client.socket.close();
  });

  it('stringifies a non-string selection value', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.send('{"action":42}');
    const event = (await functions.invocation('numbered', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.requestContext.routeKey).toBe('42');
    client.socket.close();
  });

  it.each([
    ['an unknown action', '{"action":"nope"}'],
    ['a missing action', '{"message":"hi"}'],
    ['invalid JSON', 'not json {'],
    ['a reserved route key', '{"action":"$connect"}'],
  ])('sends %s to $default', async (_, body) => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.send(body);
    const event = (await functions.invocation('default', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.requestContext.routeKey).toBe('$default');
    expect(event.body).toBe(body);
    client.socket.close();
  });

  it('routes by a template expression', async () => {
    const client = await connectClient(withoutDefault.url, functions, 'templateConnect');
    client.socket.send('{"service":"chat","action":"join"}');
    const event = (await functions.invocation('join', (e) => e.requestContext.connectionId === client.connectionId))
      .event;
    expect(event.requestContext.routeKey).toBe('chat/join');
    client.socket.close();
  });

  it.each([
    ['an unmatched route', '{"service":"chat","action":"leave"}'],
    ['invalid JSON', '{"service":'],
  ])('answers %s without $default with the Forbidden message', async (_, body) => {
    const client = await connectClient(withoutDefault.url, functions, 'templateConnect');
    client.socket.send(body);
    const frame = await client.nextMessage();
    const [, message, connectionId, requestId] = ERROR_FRAME.exec(frame) ?? [];
    expect(message).toBe('Forbidden');
    expect(connectionId).toBe(client.connectionId);
    expect(requestId).toMatch(GATEWAY_ID);
    client.socket.close();
  });
});

describe('route integrations', () => {
  it('does not send a route’s return value back (routes are one-way)', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.send('{"action":"sendmessage"}');
    await functions.invocation('sendMessage', (e) => e.requestContext.connectionId === client.connectionId);
    client.socket.send('{"action":"ping"}');
    // The pong posted through @connections is the first message: the route's body never came.
    expect(await client.nextMessage()).toBe('pong');
    client.socket.close();
  });

  it('answers a failing integration with the Internal server error message', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.send('{"action":"sendmessage","fail":true}');
    const [, message, connectionId, requestId] = ERROR_FRAME.exec(await client.nextMessage()) ?? [];
    expect(message).toBe('Internal server error');
    expect(connectionId).toBe(client.connectionId);
    const event = (
      await functions.invocation('sendMessage', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    expect(requestId).toBe(event.requestContext.requestId);
    client.socket.close();
  });

  it('answers an integration slower than the integration timeout with "Endpoint request timed out"', async () => {
    const impatient = await startWebSocketGateway({
      definition: {
        name: 'routing-timeout',
        routes: [
          { routeKey: '$connect', function: 'connect' },
          { routeKey: '$default', function: 'slow' },
        ],
      },
      invoke: functions.invoke,
      integrationTimeoutMs: 200,
    });
    try {
      const client = await connectClient(impatient.url, functions, 'connect');
      client.socket.send('anything');
      const [, message, connectionId] = ERROR_FRAME.exec(await client.nextMessage()) ?? [];
      expect(message).toBe('Endpoint request timed out');
      expect(connectionId).toBe(client.connectionId);
      client.socket.close();
    } finally {
      await impatient.close();
    }
  });
});

describe('$disconnect', () => {
  it('sends the DISCONNECT event with the client’s close code and reason', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    const connect = functions.invocationsFor('connect', client.connectionId)[0]?.event;
    client.socket.close(4000, 'bye now');
    const event = (
      await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    const host = `127.0.0.1:${withDefault.port}`;
    expect(event.headers).toEqual({ Host: host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' });
    expect(event.multiValueHeaders).toEqual({
      Host: [host],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    });
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty('body');
    const context = event.requestContext;
    expect(context.routeKey).toBe('$disconnect');
    expect(context.eventType).toBe('DISCONNECT');
    expect(context.disconnectStatusCode).toBe(4000);
    expect(context.disconnectReason).toBe('bye now');
    expect(context).not.toHaveProperty('messageId');
    expect(context.connectedAt).toBe(connect.requestContext.connectedAt);
    expect(context.requestId).toMatch(GATEWAY_ID);
    expect(context.extendedRequestId).toBe(context.requestId);
  });

  it('reports a close frame without a status as 1005 "Client-side close frame status not set"', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.close();
    const event = (
      await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
    expect(event.requestContext.disconnectReason).toBe('Client-side close frame status not set');
  });

  it('reports a dropped socket as 1006, once', async () => {
    const client = await connectClient(withDefault.url, functions, 'connect');
    client.socket.terminate();
    const event = (
      await functions.invocation('disconnect', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    await sleep(50);
    expect(functions.invocationsFor('disconnect', client.connectionId)).toHaveLength(1);
  });
});
