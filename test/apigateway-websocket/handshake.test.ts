/**
 * The handshake: the Lambda REQUEST authorizer and the `$connect` integration decide while the upgrade waits, and the
 * client sees their refusals as HTTP statuses. Functions are in-test handlers (test doubles of the app's Lambda code).
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebSocketGateway, type WebSocketGateway } from '../../local/apigateway-websocket/index.js';
import {
  ACCEPT,
  connectClient,
  HandshakeRefusedError,
  openSocket,
  refusedStatus,
  TestFunctions,
  wrapClient,
  type LambdaEvent,
} from './support.js';

const API_ID = 'hs7k2m9q4x';
const GATEWAY_ID = /^[A-Za-z0-9_-]{15}=$/;
const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;
const TRACE_ID = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/;

const functions = new TestFunctions();
let gateway: WebSocketGateway;
let open: WebSocketGateway;

function policy(effect: 'Allow' | 'Deny', resource: string) {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] };
}

/** The authorizer double decides by the `token` query parameter. */
function authorize(event: LambdaEvent): unknown {
  const token = event.queryStringParameters.token as string;
  const arnPrefix = (event.methodArn as string).slice(0, -'/$connect'.length);
  switch (token) {
    case 'allow':
      return {
        principalId: 'user-1',
        policyDocument: policy('Allow', event.methodArn),
        context: { sub: 'u-1', n: 1, ok: true, nothing: null },
      };
    case 'wildcard':
      return { principalId: 'user-1', policyDocument: policy('Allow', 'arn:aws:execute-api:*:*:*/prod/*') };
    case 'two-segments':
      // `…/prod/*/*` needs two more segments; `…/prod/$connect` has one, so this does not allow it.
      return { principalId: 'user-1', policyDocument: policy('Allow', `${arnPrefix}/*/*`) };
    case 'deny':
      return { principalId: 'user-1', policyDocument: policy('Deny', event.methodArn) };
    case 'unauthorized':
      throw new Error('Unauthorized');
    case 'nested-context':
      return { principalId: 'user-1', policyDocument: policy('Allow', event.methodArn), context: { groups: ['a'] } };
    case 'no-principal':
      return { policyDocument: policy('Allow', event.methodArn) };
    default:
      throw new Error(`authorizer failed on ${token}`);
  }
}

/** The `$connect` double answers with the `status` query parameter, or does what `do` says. */
function onConnect(event: LambdaEvent): unknown {
  const query = event.queryStringParameters ?? {};
  if (query.do === 'throw') throw new Error('connect failed');
  if (query.do === 'nothing') return undefined;
  if (query.do === 'slow') return sleep(150).then(() => ({ statusCode: 200 }));
  if (query.do === 'protocol') {
    return {
      statusCode: 200,
      headers: { 'Sec-WebSocket-Protocol': 'chat.v1', 'X-Bad': 'a\r\nInjected: yes', 'X-Extra': 'kept' },
    };
  }
  return { statusCode: Number(query.status ?? 200), body: 'Connected.' };
}

beforeAll(async () => {
  functions.handle('authorizer', authorize);
  functions.handle('onConnect', onConnect);
  functions.handle('onDisconnect', () => ACCEPT);
  functions.handle('onDefault', () => ACCEPT);
  gateway = await startWebSocketGateway({
    definition: {
      name: 'handshake-test',
      authorizer: { function: 'authorizer', identitySource: ['route.request.querystring.token'] },
      routes: [
        { routeKey: '$connect', function: 'onConnect' },
        { routeKey: '$disconnect', function: 'onDisconnect' },
        { routeKey: '$default', function: 'onDefault' },
      ],
    },
    invoke: functions.invoke,
    apiId: API_ID,
  });
  open = await startWebSocketGateway({
    definition: {
      name: 'open-test',
      stageName: 'dev',
      routes: [
        { routeKey: '$connect', function: 'openConnect' },
        { routeKey: '$disconnect', function: 'openDisconnect' },
      ],
    },
    invoke: functions.invoke,
  });
  functions.handle('openConnect', onConnect);
});

afterAll(async () => {
  await gateway?.close();
  await open?.close();
});

describe('handshake URL', () => {
  it('serves ws://HOST:PORT/<stage> and the management endpoint http://HOST:PORT/<stage>', () => {
    expect(gateway.url).toBe(`ws://127.0.0.1:${gateway.port}/prod`);
    expect(gateway.managementUrl).toBe(`http://127.0.0.1:${gateway.port}/prod`);
    expect(open.url).toBe(`ws://127.0.0.1:${open.port}/dev`);
    expect(open.apiId).toMatch(/^[a-z0-9]{10}$/);
  });

  it('refuses upgrades at other paths with 403', async () => {
    const refused = await refusedStatus(`ws://127.0.0.1:${open.port}/prod`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Forbidden' });
  });

  it('answers a plain GET of the stage URL with 426 Upgrade Required', async () => {
    const response = await fetch(open.managementUrl);
    expect(response.status).toBe(426);
  });
});

describe('Lambda REQUEST authorizer', () => {
  it('passes the REQUEST event and attaches its stringified context to $connect', async () => {
    const client = await connectClient(gateway.url, functions, 'onConnect', { query: '&token=allow' });
    const connect = (
      await functions.invocation('onConnect', (e) => e.requestContext.connectionId === client.connectionId)
    ).event;
    const tag = connect.queryStringParameters.client as string;
    const auth = (await functions.invocation('authorizer', (e) => e.queryStringParameters.client === tag)).event;

    expect(auth.type).toBe('REQUEST');
    expect(auth.methodArn).toBe(`arn:aws:execute-api:us-east-1:000000000000:${API_ID}/prod/$connect`);
    expect(auth.headers.Connection).toBe('Upgrade');
    expect(auth.headers.Upgrade).toBe('websocket');
    expect(auth.queryStringParameters).toEqual({ client: tag, token: 'allow' });
    expect(auth.multiValueQueryStringParameters).toEqual({ client: [tag], token: ['allow'] });
    expect(auth.stageVariables).toEqual({});
    expect(auth.requestContext.routeKey).toBe('$connect');
    expect(auth.requestContext.eventType).toBe('CONNECT');
    expect(auth.requestContext.connectionId).toBe(client.connectionId);
    expect(auth.requestContext.authorizer).toBeUndefined();

    expect(connect.requestContext.authorizer).toEqual({
      sub: 'u-1',
      n: '1',
      ok: 'true',
      nothing: null,
      principalId: 'user-1',
      integrationLatency: expect.any(Number),
    });
    client.socket.close(1000);
    const disconnect = await functions.invocation(
      'onDisconnect',
      (e) => e.requestContext.connectionId === client.connectionId,
    );
    expect(disconnect.event.requestContext.authorizer).toEqual(connect.requestContext.authorizer);
  });

  it('answers 401 without calling the authorizer when the identity source is missing', async () => {
    const tag = randomUUID();
    const refused = await refusedStatus(`${gateway.url}?client=${tag}`);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Unauthorized' });
    expect(functions.invocations.some((call) => call.event.queryStringParameters?.client === tag)).toBe(false);
  });

  it('answers 401 without calling the authorizer when the identity source is empty', async () => {
    const tag = randomUUID();
    expect((await refusedStatus(`${gateway.url}?client=${tag}&token=`)).status).toBe(401);
    expect(functions.invocations.some((call) => call.event.queryStringParameters?.client === tag)).toBe(false);
  });

  it.each([
    ['unauthorized', 401, 'UnauthorizedException'],
    ['deny', 403, 'AccessDeniedException'],
    ['two-segments', 403, 'AccessDeniedException'],
    ['nested-context', 500, 'AuthorizerConfigurationException'],
    ['no-principal', 500, 'AuthorizerConfigurationException'],
    ['crash', 500, 'AuthorizerConfigurationException'],
  ])('maps the authorizer outcome %s to HTTP %i', async (token, status, errorType) => {
    const tag = randomUUID();
    const refused = await refusedStatus(`${gateway.url}?client=${tag}&token=${token}`);
    expect(refused.status).toBe(status);
    expect(refused.headers['x-amzn-errortype']).toBe(errorType);
    await functions.invocation('authorizer', (e) => e.queryStringParameters.client === tag);
    expect(
      functions.invocations.some(
        (c) => c.functionName === 'onConnect' && c.event.queryStringParameters?.client === tag,
      ),
    ).toBe(false);
  });

  it('accepts a wildcard Resource that covers $connect', async () => {
    const client = await connectClient(gateway.url, functions, 'onConnect', { query: '&token=wildcard' });
    expect(client.connectionId).toMatch(GATEWAY_ID);
    const connect = functions.invocationsFor('onConnect', client.connectionId)[0]?.event;
    expect(connect.requestContext.authorizer).toEqual({
      principalId: 'user-1',
      integrationLatency: expect.any(Number),
    });
    client.socket.close();
  });
});

describe('header identity source', () => {
  it('answers 401 without the header and calls the authorizer with it', async () => {
    const byHeader = await startWebSocketGateway({
      definition: {
        name: 'header-auth',
        authorizer: { function: 'headerAuthorizer', identitySource: ['route.request.header.Authorization'] },
        routes: [{ routeKey: '$connect', function: 'headerConnect' }],
      },
      invoke: functions.invoke,
    });
    functions.handle('headerAuthorizer', (event: LambdaEvent) => ({
      principalId: event.headers.authorization,
      policyDocument: policy('Allow', event.methodArn),
    }));
    try {
      expect((await refusedStatus(byHeader.url)).status).toBe(401);
      expect(functions.invocations.some((call) => call.functionName === 'headerAuthorizer')).toBe(false);
      const client = await connectClient(byHeader.url, functions, 'headerConnect', {
        headers: { authorization: 'token-1' },
      });
      const connect = functions.invocationsFor('headerConnect', client.connectionId)[0]?.event;
      expect(connect.requestContext.authorizer.principalId).toBe('token-1');
      client.socket.close();
      await client.closed;
    } finally {
      await byHeader.close();
    }
  });
});

describe('$connect integration', () => {
  it('sends the CONNECT event as API Gateway does, field by field', async () => {
    const before = Date.now();
    const client = await connectClient(open.url, functions, 'openConnect', {
      headers: { Authorization: 'Bearer abc', 'User-Agent': 'wavechat-test/1.0' },
    });
    const event = functions.invocationsFor('openConnect', client.connectionId)[0]?.event;
    const tag = event.queryStringParameters.client as string;
    const context = event.requestContext;

    expect(Object.keys(event).sort()).toEqual([
      'headers',
      'isBase64Encoded',
      'multiValueHeaders',
      'multiValueQueryStringParameters',
      'queryStringParameters',
      'requestContext',
    ]);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers).toMatchObject({
      Host: `127.0.0.1:${open.port}`,
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': expect.any(String),
      Authorization: 'Bearer abc',
      'User-Agent': 'wavechat-test/1.0',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Port': String(open.port),
      'X-Forwarded-Proto': 'http',
      'X-Amzn-Trace-Id': expect.stringMatching(TRACE_ID),
    });
    expect(event.headers.Connection).toBeUndefined();
    expect(event.headers.Upgrade).toBeUndefined();
    expect(event.multiValueHeaders.Authorization).toEqual(['Bearer abc']);
    expect(Object.keys(event.multiValueHeaders).sort()).toEqual(Object.keys(event.headers).sort());
    expect(event.queryStringParameters).toEqual({ client: tag });
    expect(event.multiValueQueryStringParameters).toEqual({ client: [tag] });

    expect(Object.keys(context).sort()).toEqual([
      'apiId',
      'connectedAt',
      'connectionId',
      'domainName',
      'eventType',
      'extendedRequestId',
      'identity',
      'messageDirection',
      'requestId',
      'requestTime',
      'requestTimeEpoch',
      'routeKey',
      'stage',
    ]);
    expect(context.routeKey).toBe('$connect');
    expect(context.eventType).toBe('CONNECT');
    expect(context.messageDirection).toBe('IN');
    expect(context.stage).toBe('dev');
    expect(context.apiId).toBe(open.apiId);
    expect(context.domainName).toBe(`127.0.0.1:${open.port}`);
    expect(context.connectionId).toMatch(GATEWAY_ID);
    expect(context.requestId).toMatch(GATEWAY_ID);
    expect(context.extendedRequestId).toBe(context.requestId);
    expect(context.connectedAt).toBeGreaterThanOrEqual(before);
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(context.connectedAt);
    expect(context.requestTime).toMatch(REQUEST_TIME);
    expect(context.identity).toEqual({ sourceIp: '127.0.0.1', userAgent: 'wavechat-test/1.0' });
    client.socket.close();
  });

  it('leaves the query maps out when the URL has no query', async () => {
    const socket = await openSocket(open.url);
    const event = (await functions.invocation('openConnect', (e) => e.queryStringParameters === undefined)).event;
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('multiValueQueryStringParameters');
    socket.close();
  });

  it.each([401, 403, 400, 500, 302])('refuses the upgrade with the integration’s status %i', async (status) => {
    const refused = await refusedStatus(`${open.url}?status=${status}`);
    expect(refused.status).toBe(status);
  });

  it('answers 502 when the integration throws or returns no statusCode', async () => {
    expect((await refusedStatus(`${open.url}?do=throw`)).status).toBe(502);
    expect((await refusedStatus(`${open.url}?do=nothing`)).status).toBe(502);
  });

  it('fires no $disconnect for a refused connection', async () => {
    const tag = randomUUID();
    await refusedStatus(`${open.url}?status=403&client=${tag}`);
    const connect = await functions.invocation('openConnect', (e) => e.queryStringParameters?.client === tag);
    const connectionId = connect.event.requestContext.connectionId as string;
    // A later connection's $disconnect proves the gateway has processed earlier closes.
    const later = await connectClient(open.url, functions, 'openConnect');
    later.socket.close();
    await functions.invocation('openDisconnect', (e) => e.requestContext.connectionId === later.connectionId);
    expect(functions.invocationsFor('openDisconnect', connectionId)).toEqual([]);
  });

  it('puts the integration’s Sec-WebSocket-Protocol (and other valid headers) into the 101 response', async () => {
    const socket = await openSocket(`${open.url}?do=protocol`, { protocols: ['chat.v1', 'eyJ.token.sig'] });
    expect(socket.protocol).toBe('chat.v1');
    const upgradeHeaders = await fetchUpgradeHeaders(`${open.url}?do=protocol`, 'chat.v1');
    expect(upgradeHeaders['sec-websocket-protocol']).toBe('chat.v1');
    expect(upgradeHeaders['x-extra']).toBe('kept');
    expect(upgradeHeaders).not.toHaveProperty('x-bad');
    expect(upgradeHeaders).not.toHaveProperty('injected');
    socket.close();
  });

  it('answers no subprotocol when the integration returns none, so a client that offered one fails', async () => {
    const tag = randomUUID();
    const failure = await openSocket(`${open.url}?client=${tag}`, { protocols: ['chat.v1'] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toContain('Server sent no subprotocol');
    const connect = await functions.invocation('openConnect', (e) => e.queryStringParameters?.client === tag);
    // The gateway accepted the connection; the client dropped it, so $disconnect reports an abnormal close.
    const disconnect = await functions.invocation(
      'openDisconnect',
      (e) => e.requestContext.connectionId === connect.event.requestContext.connectionId,
    );
    expect(disconnect.event.requestContext.disconnectStatusCode).toBe(1006);
  });

  it('fires $disconnect (1006) when the client leaves while $connect runs', async () => {
    const tag = randomUUID();
    const socket = new WebSocket(`${open.url}?do=slow&client=${tag}`);
    socket.on('error', () => {});
    const connect = await functions.invocation('openConnect', (e) => e.queryStringParameters?.client === tag);
    // Still CONNECTING: this aborts the upgrade request while $connect runs.
    socket.terminate();
    const disconnect = await functions.invocation(
      'openDisconnect',
      (e) => e.requestContext.connectionId === connect.event.requestContext.connectionId,
    );
    expect(disconnect.event.requestContext.disconnectStatusCode).toBe(1006);
  });

  it('runs without a $connect route and accepts', async () => {
    const bare = await startWebSocketGateway({
      definition: { name: 'bare', routes: [{ routeKey: '$default', function: 'bareDefault' }] },
      invoke: functions.invoke,
    });
    try {
      const socket = await openSocket(bare.url);
      const client = wrapClient(socket, '');
      socket.send('hi');
      const event = (await functions.invocation('bareDefault')).event;
      expect(event.body).toBe('hi');
      expect(bare.connectionCount()).toBe(1);
      socket.close();
      await client.closed;
    } finally {
      await bare.close();
    }
  });
});

/** The headers of a 101 response, read with a raw HTTP upgrade request. */
async function fetchUpgradeHeaders(url: string, protocol: string): Promise<Record<string, unknown>> {
  const target = new URL(url.replace('ws://', 'http://'));
  return new Promise((resolve, reject) => {
    const upgradeRequest = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Protocol': protocol,
      },
    });
    upgradeRequest.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.headers);
    });
    upgradeRequest.on('response', (response) =>
      reject(new HandshakeRefusedError(response.statusCode ?? 0, response.headers, '')),
    );
    upgradeRequest.on('error', reject);
    upgradeRequest.end();
  });
}
